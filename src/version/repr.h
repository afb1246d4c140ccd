// Internal to src/version: the parsed, comparable form of a version in each
// ecosystem, and the per-ecosystem parse and compare functions behind
// Version. Each ecosystem lives in its own .cpp file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "util/error.h"
#include "version/version.h"

namespace ig::version::detail {

// Versions longer than this are refused: no real ecosystem uses them and it
// bounds the work one untrusted string can cause.
inline constexpr size_t k_max_version_length = 1024;

// Compares two unsigned decimal digit strings by value (any length).
int compare_digits(std::string_view a, std::string_view b);
// Drops leading zeros, keeping a single "0".
std::string_view strip_zeros(std::string_view digits);
bool all_digits(std::string_view s);
inline int sign(int x) { return (x > 0) - (x < 0); }

struct DebRepr {
  int64_t epoch = 0;
  std::string upstream;
  std::string revision;
};

struct RpmRepr {
  std::string epoch;  // "" when absent (compares as "0")
  std::string version;
  std::string release;
  bool has_release = false;
};

struct ApkRepr {
  // The value of each token and the type of the token that follows it.
  std::vector<std::pair<int32_t, int8_t>> tokens;
};

struct SemverRepr {
  std::string major, minor, patch;  // digits, no leading zeros
  std::vector<std::string> pre;     // prerelease identifiers
  bool node = false;                // node-semver's numeric-identifier quirks
};

struct Pep440Repr {
  std::string epoch;                 // digits
  std::vector<std::string> release;  // digits, trailing zeros dropped
  int pre_kind = 0;                  // 0 none, 1 a, 2 b, 3 rc
  std::string pre_num, post_num, dev_num;
  bool has_post = false, has_dev = false, has_local = false;
  std::vector<std::string> local;  // lower-case parts; all-digit parts are numbers
  bool is_legacy = false;          // not PEP 440: ordered by `legacy` (pep440.cpp)
  std::vector<std::string> legacy;
};

struct MavenItem {
  enum class Kind { integer, string, list };
  Kind kind = Kind::list;
  std::string value;  // integer: digits without leading zeros; string: qualifier
  std::vector<MavenItem> items;
};

struct GemRepr {
  std::string version;                // after strip and '-' → ".pre."
  std::vector<std::string> segments;  // canonical: numbers are digit strings
};

struct NugetRepr {
  std::string parts[4];  // digits without leading zeros
  std::vector<std::string> labels;
};

struct ComposerRepr {
  std::string normalized;
  std::vector<std::string> pieces;  // php_canonicalize_version, split on '.'
};

struct Repr {
  std::variant<DebRepr, RpmRepr, ApkRepr, SemverRepr, Pep440Repr, MavenItem, GemRepr, NugetRepr,
               ComposerRepr>
      v;
};

// Each returns an error message fragment (no ecosystem prefix) on failure.
using ParseResult = Result<Repr>;
ParseResult parse_deb(std::string_view s);
ParseResult parse_rpm(std::string_view s);
ParseResult parse_apk(std::string_view s);
ParseResult parse_semver(std::string_view s);
ParseResult parse_npm(std::string_view s);
ParseResult parse_golang(std::string_view s);
ParseResult parse_pep440(std::string_view s);
ParseResult parse_maven(std::string_view s);
ParseResult parse_gem(std::string_view s);
ParseResult parse_nuget(std::string_view s);
ParseResult parse_composer(std::string_view s);

int compare_deb(const DebRepr& a, const DebRepr& b);
int compare_rpm(const RpmRepr& a, const RpmRepr& b);
int compare_apk(const ApkRepr& a, const ApkRepr& b);
int compare_semver(const SemverRepr& a, const SemverRepr& b);
int compare_pep440(const Pep440Repr& a, const Pep440Repr& b);
int compare_maven(const MavenItem& a, const MavenItem& b);
int compare_gem(const GemRepr& a, const GemRepr& b);
int compare_nuget(const NugetRepr& a, const NugetRepr& b);
int compare_composer(const ComposerRepr& a, const ComposerRepr& b);

// OSV's own orderings where they differ from the ecosystem's tool
// (osv_order.cpp); in_osv_range uses them.
int compare_maven_osv(std::string_view a, std::string_view b);
int compare_packagist_osv(std::string_view a, std::string_view b);

// node-semver helpers shared by the npm range parser.
inline constexpr uint64_t k_node_max_safe_integer = 9007199254740991ULL;

// Builds a usage error for an invalid version.
tl::unexpected<Error> invalid_version(Ecosystem eco, std::string_view text, std::string_view why);

}  // namespace ig::version::detail
