// Version ordering and version ranges for every package ecosystem imagegate
// scans, matching each ecosystem's own tool exactly (dpkg, apk-tools, rpm,
// node-semver, Python's packaging, Go's x/mod/semver, Maven's
// ComparableVersion, RubyGems, NuGet, Composer).
//
// The vulnerability matcher parses each installed version once into a Version
// (the comparable form is computed at parse time) and tests it against many
// Constraints or OSV event lists, so compare() and contains() do no parsing.
//
// Empty version strings are rejected in every ecosystem: no tool orders them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::version {

enum class Ecosystem {
  deb,       // dpkg: [epoch:]upstream[-revision]
  apk,       // apk-tools (Alpine)
  rpm,       // rpm: [epoch:]version[-release]
  semver,    // SemVer 2.0.0 (crates.io, OSV "SEMVER" ranges); a leading 'v' is accepted
  npm,       // node-semver, strict mode
  pypi,      // PEP 440 as Python's packaging.version.Version; other strings as its old LegacyVersion
  golang,    // Go modules (v1.2.3, +incompatible, pseudo-versions) and go1.22.1 toolchains
  maven,     // Maven ComparableVersion
  gem,       // RubyGems Gem::Version
  nuget,     // NuGetVersion (SemVer 2 with a fourth "revision" number)
  composer,  // Composer (PHP): VersionParser::normalize + version_compare
};

// Parses our short ecosystem names exactly: deb, apk, rpm, semver, npm, pypi,
// golang, maven, gem, nuget, composer. Fails with ErrorCode::usage listing them.
Result<Ecosystem> parse_ecosystem(std::string_view name);

// Maps an OSV "ecosystem" value (e.g. "Debian:12", "Alpine:v3.19", "PyPI",
// "Go", "crates.io", "Rocky Linux:9") to the ecosystem whose ordering it uses.
// A ":suffix" (release) is ignored. Fails with ErrorCode::usage if unknown.
Result<Ecosystem> ecosystem_from_osv(std::string_view osv_name);

// Our short name for `e`, as accepted by parse_ecosystem.
const char* ecosystem_name(Ecosystem e);

namespace detail {
struct Repr;
}

// One parsed version. Cheap to copy (the parsed form is shared, immutable).
class Version {
 public:
  // Parses `text` by the rules of `eco`. Fails with ErrorCode::usage naming the
  // version and the ecosystem if the ecosystem's tool would reject it.
  static Result<Version> parse(Ecosystem eco, std::string_view text);

  Ecosystem ecosystem() const { return eco_; }
  const std::string& str() const { return text_; }

  // Returns <0, 0 or >0 as *this orders before, equal to or after `other`.
  // REQUIRES: other.ecosystem() == ecosystem().
  int compare(const Version& other) const;

  bool operator==(const Version& o) const { return compare(o) == 0; }
  bool operator<(const Version& o) const { return compare(o) < 0; }

  // The parsed form; for src/version's own use (see repr.h).
  const detail::Repr& repr() const { return *repr_; }

 private:
  Version(Ecosystem eco, std::string text, std::shared_ptr<const detail::Repr> repr);

  Ecosystem eco_;
  std::string text_;
  std::shared_ptr<const detail::Repr> repr_;
};

// Compares two version strings: -1, 0 or 1. Fails like Version::parse.
Result<int> compare(Ecosystem eco, std::string_view a, std::string_view b);

// A set of versions given as a range expression.
//
// For npm the syntax is node-semver's Range (^, ~, x-ranges, hyphen ranges,
// ||, comparators) including its prerelease rule: a prerelease version only
// matches a comparator set that names a prerelease of the same
// major.minor.patch. For every other ecosystem the syntax is the simple form
// used by OSV and advisories: comparators `OP VERSION` (OP one of = == != < <=
// > >=, default =) separated by commas or spaces, all of which must hold, and
// alternatives separated by `||`; prereleases are plain versions there.
class Constraint {
 public:
  // Fails with ErrorCode::usage naming the range, the ecosystem and the fault.
  static Result<Constraint> parse(Ecosystem eco, std::string_view text);

  Ecosystem ecosystem() const { return eco_; }
  const std::string& str() const { return text_; }

  // REQUIRES: v.ecosystem() == ecosystem().
  bool contains(const Version& v) const;

  struct Comparator;  // defined in constraint.cpp

 private:
  Ecosystem eco_ = Ecosystem::semver;
  std::string text_;
  // Alternatives (OR) of conjunctions (AND).
  std::shared_ptr<const std::vector<std::vector<Comparator>>> sets_;
};

// One OSV "events" entry. The version "0" in an introduced event means "from
// the first version"; "*" in a limit event means "no limit".
struct Event {
  enum class Kind { introduced, fixed, last_affected, limit };
  Kind kind = Kind::introduced;
  std::string version;
};

// Whether `v` falls in an OSV range of type ECOSYSTEM/SEMVER given by its
// events, evaluated as the OSV schema describes: events are sorted by version
// and the last one at or below `v` decides; limits bound the range from above.
// Versions are ordered as OSV's tooling orders them, which for Maven (the
// POM reference's flat token order) and Packagist (PHP's version_compare of
// the raw string) differs from compare() in a few cases; see docs/accuracy.md.
// Event versions that do not parse in v's ecosystem are an ErrorCode::usage
// error naming them.
Result<bool> in_osv_range(const std::vector<Event>& events, const Version& v);

}  // namespace ig::version
