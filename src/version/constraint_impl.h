// Internal to src/version: the comparator a Constraint is made of, and the
// node-semver range parser that builds them for npm.
#pragma once

#include <optional>
#include <vector>

#include "version/version.h"

namespace ig::version {

struct Constraint::Comparator {
  enum class Op { any, eq, ne, lt, le, gt, ge };
  Op op = Op::any;
  std::optional<Version> version;  // absent for Op::any

  bool test(const Version& v) const;
};

namespace detail {

using ComparatorSets = std::vector<std::vector<Constraint::Comparator>>;

// Parses a node-semver Range (strict mode, includePrerelease off). The error
// message says why, without naming the range (the caller adds that).
Result<ComparatorSets> parse_npm_range(std::string_view text);

// node-semver's Range.test: the comparators of some set all hold, and a
// prerelease version is only let in by a set that names a prerelease of the
// same major.minor.patch.
bool npm_range_contains(const ComparatorSets& sets, const Version& v);

}  // namespace detail

}  // namespace ig::version
