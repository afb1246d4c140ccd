#include "util/spelling.h"

#include <algorithm>
#include <numeric>

namespace ig {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_word(std::string_view typed, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    size_t d = edit_distance(typed, c);
    size_t limit = std::max<size_t>(2, std::max(typed.size(), c.size()) / 3);
    if (d <= limit && (best == nullptr || d < best_d)) {
      best = &c;
      best_d = d;
    }
  }
  return best != nullptr ? *best : std::string();
}

}  // namespace ig
