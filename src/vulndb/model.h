// The advisory model the vulnerability database stores and the matcher reads.
// Importers turn each feed (OSV, Alpine secdb, Debian tracker) into Advisory
// values; ranges stay version strings, so the matcher picks the comparator by
// version_type and no feed-specific logic leaks into matching.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ig::vulndb {

// One OSV range event. `introduced` "0" means "from the first version".
struct RangeEvent {
  enum class Kind { introduced, fixed, last_affected, limit };
  Kind kind = Kind::introduced;
  std::string version;
};

struct VersionRange {
  std::string type;  // "ECOSYSTEM" or "SEMVER" (GIT ranges are not stored)
  std::vector<RangeEvent> events;
};

// Where a distro stands on a package for one vulnerability.
enum class FixStatus { fixed, affected, will_not_fix, fix_deferred, end_of_life, not_affected };
const char* fix_status_name(FixStatus s);
std::optional<FixStatus> parse_fix_status(std::string_view s);

// One (ecosystem, release, package) a vulnerability touches.
struct AffectedRecord {
  std::string vuln_id;
  // Package type, named like inventory::Package::ecosystem: "deb", "apk", "rpm",
  // "npm", "pypi", "golang", "maven", "cargo", "gem", "composer", "nuget".
  std::string ecosystem;
  // "debian:12", "ubuntu:22.04", "alpine:3.18", "rocky:9", "almalinux:9",
  // "rhel:9"; "" for language ecosystems.
  std::string distro_release;
  std::string package;       // normalised with normalize_package_name()
  std::string version_type;  // comparator: deb/apk/rpm/semver/pypi/golang/maven/gem/nuget/composer/npm/cargo
  std::vector<VersionRange> ranges;
  std::vector<std::string> versions;        // explicitly listed affected versions
  std::vector<std::string> fixed_versions;  // every "fixed" event, for reports
  FixStatus status = FixStatus::affected;
  std::string severity;  // the distro's own label/urgency for this package, if any
  std::string source_ecosystem;  // the feed's spelling, e.g. "Debian:12", "PyPI"
};

struct Severity {
  std::string source;  // who rated it: "osv", "database_specific", "debian", ...
  std::string type;    // "CVSS_V2", "CVSS_V3", "CVSS_V4", "label"
  std::string vector;  // the vector, or the label as the source spelled it
  std::optional<double> score;
  std::string rating;  // None/Low/Medium/High/Critical, or "" when unknown
};

struct Reference {
  std::string url;
  std::string type;
};

// A vulnerability's details (without its affected packages).
struct Vulnerability {
  std::string id;
  std::string summary;
  std::string details;
  std::string published;
  std::string modified;
  std::string withdrawn;  // non-empty: the record was withdrawn and matches nothing
  std::string primary_url;
  std::vector<std::string> aliases;
  std::vector<Severity> severities;
  std::vector<Reference> references;
  std::vector<std::string> cwes;  // "CWE-79", ...; filled by NVD imports
};

// What an importer produces for one record.
struct Advisory {
  Vulnerability vuln;
  std::vector<AffectedRecord> affected;
};

struct KevEntry {
  std::string cve;
  std::string vendor;
  std::string product;
  std::string name;
  std::string date_added;
  std::string due_date;
  std::string required_action;
  std::string known_ransomware;
};

struct EpssEntry {
  std::string cve;
  double score = 0;
  double percentile = 0;
};

// The enrichment known for one CVE.
struct Enrichment {
  std::optional<KevEntry> kev;
  std::optional<EpssEntry> epss;
};

// Normalises a package name the way its ecosystem compares names: PyPI per
// PEP 503 (lowercase, runs of -_. become -), lowercase for case-insensitive
// ecosystems (npm, composer, nuget, cargo, deb), unchanged otherwise. The
// matcher must call this on inventory names before Database::affected().
std::string normalize_package_name(std::string_view ecosystem, std::string_view name);

// Ranges as stored in the database: OSV's JSON shape, compact.
std::string ranges_to_json(const std::vector<VersionRange>& ranges);
std::vector<VersionRange> ranges_from_json(std::string_view text);
// The same, into `out` (replacing its contents) but reusing the storage of its
// elements: a lookup decodes thousands of records into the same buffers, and
// this keeps that free of allocations once the buffers have grown.
void ranges_from_json(std::string_view text, std::vector<VersionRange>& out);

}  // namespace ig::vulndb
