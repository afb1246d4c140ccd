// "Did you mean …?": the closest of a set of words to a mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ig {

// Levenshtein distance (insertions, deletions, substitutions; each costs 1).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `typed`, or "" when none is near enough to be a
// plausible typo (more than a third of the longer word differs, with a floor
// of two edits). Ties go to the earlier candidate.
std::string closest_word(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace ig
