// The report document: everything the people-facing formats (HTML, Markdown,
// JUnit, user templates, GitLab) show about one scan, SBOM or check, as plain
// data. The CLI fills it from the engines' results (scan/scan_document.h,
// policy/check_document.h add their parts), so this module needs neither.
//
// document_to_json() is the data model user templates see and the HTML page
// embeds; its names follow Trivy's JSON (ArtifactName, Results,
// Vulnerabilities, VulnerabilityID, PkgName...) so existing Trivy templates
// read familiar fields. docs/templates.md documents it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/sbom_input.h"

namespace ig::report {

struct DocFinding {
  std::string id;  // the vulnerability's preferred id (CVE, GHSA, ...)
  std::vector<std::string> aliases;
  std::string pkg_name;
  std::string pkg_version;   // installed
  std::string pkg_type;      // ecosystem: "deb", "npm", ...
  std::string purl;
  std::string path;          // file that evidences the package
  std::string layer_diff_id;
  std::vector<std::string> fixed_versions;
  std::string status;        // fixed, affected, will_not_fix, fix_deferred, end_of_life
  std::string severity;      // CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN
  std::string severity_source;
  std::optional<double> cvss_score;
  std::string cvss_vector;
  std::string title;
  std::string primary_url;   // the advisory; "" when the database has none
  bool kev = false;
  std::optional<double> epss;
  std::optional<double> epss_percentile;
};

struct DocLayer {
  size_t index = 0;
  std::string digest;   // compressed blob digest
  std::string diff_id;
  int64_t size = 0;     // compressed bytes, as the manifest lists
  std::string created_by;  // the history entry that made it, "" when unknown
};

struct DocPackage {
  std::string name;
  std::string version;
  std::string type;  // ecosystem
  std::string purl;
  std::vector<std::string> licenses;
  std::string path;
  std::string layer_diff_id;
};

// One policy rule of a check, fired or not.
struct DocRule {
  std::string rule;     // "vulnerabilities.severity", "config.runs_as_root", ...
  std::string kind;     // signature, vulnerability, config, license
  std::string mode;     // enforce, notify
  bool fired = false;
  bool evaluated = true;  // false: an earlier step decided (a signature deny skips the scan)
  std::string saw;
  std::vector<std::string> items;
  std::string fix;
};

struct DocVerdict {
  std::string decision;  // allow, warn, deny
  int exit_code = 0;
  std::string denied_by;  // the kind that picked the exit code, "" when not denied
  std::string policy_source;
  std::string policy_digest;
  std::vector<DocRule> rules;  // every enabled rule; fired ones carry the reason
  std::vector<std::string> waived;
};

struct DocSignature {
  std::string status;  // not_checked, verified, unsigned, invalid, untrusted
  std::string method;  // signer kinds tried
  std::string signer;
  std::string detail;
};

struct Document {
  std::string command;  // "scan", "sbom" or "check"
  ImageIdentity image;
  int64_t image_size = 0;  // sum of the layers' compressed sizes
  std::string os_family;   // "debian"
  std::string os_name;     // "Debian GNU/Linux 12 (bookworm)"
  std::string os_version;  // "12"
  std::vector<DocLayer> layers;
  bool scanned = false;    // findings below are meaningful (scan, check that scanned)
  std::vector<DocFinding> findings;
  size_t suppressed = 0;
  bool has_packages = false;
  std::vector<DocPackage> packages;
  std::optional<DocVerdict> verdict;
  std::optional<DocSignature> signature;
  std::vector<std::string> warnings;
  std::string db_updated;
  std::string tool_version;
};

// Severity names most severe first, as findings spell them.
inline constexpr const char* k_severity_names[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"};
// Index of `severity` in k_severity_names (unknown names: 4).
int severity_rank(const std::string& severity);
// Findings per severity, indexed as k_severity_names.
std::array<size_t, 5> severity_counts(const std::vector<DocFinding>& findings);
// A finding's "fixed state" as the filters name it: "fixed" when a fixed
// version exists, else its status ("affected", "will_not_fix", ...).
std::string fix_state(const DocFinding& f);

// The packages of `inv` as report rows, in the SBOM writers' order.
std::vector<DocPackage> packages_of(const inventory::Inventory& inv);
// Sets the document's OS from `inv` and, with `packages`, its package rows.
void add_inventory(Document& doc, const inventory::Inventory& inv, bool packages);

// The data model (docs/templates.md). Pure; the same document gives the same JSON.
nlohmann::ordered_json document_to_json(const Document& doc);

}  // namespace ig::report
