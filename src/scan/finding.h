// A finding: one vulnerability affecting one installed package, with everything
// a report or a gate needs to decide about it. Plain data produced by the
// matcher (matcher.h), filtered by the gate (gate.h) and printed by the table
// and JSON writers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ig::scan {

// Our severity scale, most severe first. unknown sorts last.
enum class Severity { critical, high, medium, low, unknown };
// "CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN".
const char* severity_name(Severity s);
// Case-insensitive; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view s);
// A vulndb rating ("Critical", "High", "Medium", "Low", "None", "") to our scale;
// "None" and "" are unknown.
Severity severity_from_rating(std::string_view rating);

// What one grouped record says about the installed package, when it differs
// from the record the finding's status and fix come from.
struct FixClaim {
  std::string id;  // the record's id
  std::string status;
  std::vector<std::string> fixed_versions;
};

struct Finding {
  // The preferred id of the vulnerability's alias group (vulndb/groups.h):
  // its CVE, else its GHSA, else the id of the record that matched.
  std::string vulnerability_id;
  std::vector<std::string> aliases;  // every other id of the same vulnerability, sorted
  // The package as the inventory records it.
  std::string package_name;
  std::string package_version;  // the installed (binary) version
  std::string package_purl;
  std::string ecosystem;  // "deb", "npm", ...
  std::string path;       // first evidence location (e.g. var/lib/dpkg/status)
  std::string layer_diff_id;
  // The version compared with the advisory: for deb/apk/rpm the source
  // package's version when the inventory knows it, else package_version.
  std::string installed_version;
  std::string matched_package;      // the advisory's package name (deb: the source package)
  std::string distro_release;       // "debian:12"; "" for language packages
  std::vector<std::string> fixed_versions;
  std::string status;  // vulndb::fix_status_name: fixed, affected, will_not_fix, fix_deferred, end_of_life
  std::string fix_source;  // the record status and fixed_versions come from
  std::vector<FixClaim> fix_disagreements;  // other matched records of the group that say otherwise
  // When the fix became known (RFC 3339), for policies on how long a fix
  // has gone unapplied. No feed dates fixes themselves, so this is the
  // publication date of the advisory the fix comes from (fix_source); when
  // that record has none (the Debian tracker, the Alpine secdb), the
  // earliest publication date among the group's other records, which can
  // precede the distro's fix. "" when there is no fixed version or no date.
  std::string fix_date;
  Severity severity = Severity::unknown;
  // Who rated it: the distro ("debian", "alpine", ...), "ghsa", "nvd", or the
  // rating's source in another record ("osv", "database_specific"); "" when unknown.
  std::string severity_source;
  std::optional<double> cvss_score;
  std::string cvss_vector;
  std::string title;
  std::string primary_url;
  bool kev = false;
  std::optional<double> epss;  // probability 0..1
  std::optional<double> epss_percentile;
  // Who found it: "" for imagegate's own matcher alone, else "ecr", "inspector"
  // or several joined by "+" ("imagegate+ecr") when --findings-from both
  // found it more than once (aws/ecr_findings.h).
  std::string source;
  // From ECR enhanced scanning and Amazon Inspector: "YES", "NO" or "" when
  // the source does not say; Inspector's own score (0..10), adjusted CVSS.
  std::string exploit_available;
  std::optional<double> inspector_score;
};

}  // namespace ig::scan
