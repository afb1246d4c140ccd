// The gate: which findings count. Applies the user's severity and status
// filters and the ignore file (ours, or Trivy's .trivyignore and
// .trivyignore.yaml), and says which ignore entries matched nothing or have
// expired, so stale suppressions do not linger unseen.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scan/finding.h"
#include "util/error.h"

namespace ig::scan {

// One ignore entry. Empty purls/paths mean "any package"; otherwise the finding
// must match one of the purls AND one of the paths given.
struct IgnoreRule {
  std::string id;                  // vulnerability id or one of its aliases
  std::vector<std::string> purls;  // without "?qualifiers" it matches any qualifiers
  std::vector<std::string> paths;  // glob (fnmatch) against the finding's path
  std::string expires;             // "YYYY-MM-DD" (the entry holds through that day); "" never
  std::string statement;           // why it is ignored, shown in reports
  std::string origin;              // "FILE:LINE", for messages
};

// Parses an ignore file. YAML (by content: a mapping with `ignore:` — ours — or
// `vulnerabilities:` — .trivyignore.yaml) or plain lines ("CVE-… [exp:DATE]",
// '#' comments). Ours: `ignore: [{id, purl|purls, path|paths, expires,
// statement}]`; Trivy's: `vulnerabilities: [{id, purls, paths, expired_at,
// statement}]`. Usage error naming `name`, the line and the fault.
Result<std::vector<IgnoreRule>> parse_ignore_file(std::string_view text, std::string_view name);
// Reads (at most 4 MiB) and parses `path`; not_found when it is missing.
Result<std::vector<IgnoreRule>> load_ignore_file(const std::filesystem::path& path);

struct GateOptions {
  std::set<Severity> severities;      // keep only these (empty: all)
  std::optional<Severity> threshold;  // keep this severity and more severe (unknown counts as least)
  bool ignore_unfixed = false;        // drop findings without a fixed version
  std::set<std::string> ignore_statuses;  // drop findings with these statuses
  std::vector<IgnoreRule> ignores;
  std::string today;  // "YYYY-MM-DD" (UTC), to decide expiry
};

struct Suppressed {
  Finding finding;
  std::string reason;  // "ignore file .trivyignore:3: <statement>", "severity", ...
};

struct GateResult {
  std::vector<Finding> findings;  // what remains, order kept
  std::vector<Suppressed> suppressed;
  std::vector<std::string> warnings;  // unused and expired ignore entries
};

GateResult apply_gate(std::vector<Finding> findings, const GateOptions& opts);

// Today's date in UTC as "YYYY-MM-DD".
std::string utc_today();

}  // namespace ig::scan
