// The signed verdict's predicate (`check --attest`, `verify-attestation`,
// `check --reuse-attestation`): what a `check` decided about one image
// digest, under which policy (its sha256) and which database, and when. The
// signing and storage are sign/attest.h's; this file owns the predicate's
// canonical form, its strict reader (its input comes from registries), and
// the rules for trusting an earlier verdict (same policy, fresh enough).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "policy/check_report.h"
#include "util/error.h"

namespace ig::policy {

inline constexpr std::string_view k_verdict_predicate_type = "https://imagegate.dev/verdict/v1";
// Annotation on the referrer manifest that names it a verdict.
inline constexpr std::string_view k_verdict_annotation = "dev.imagegate.verdict";
// --max-age's default for verify-attestation and --reuse-attestation.
inline constexpr int64_t k_default_attestation_max_age_seconds = 24 * 3600;

struct VerdictPredicate {
  std::string image;          // repository name, as the subject
  std::string image_digest;   // "sha256:…"
  Decision decision = Decision::allow;
  int exit_code = 0;          // 0, or 20–23 for a deny
  std::string policy_source;
  std::string policy_digest;  // "sha256:…" of the policy as applied
  std::string db_built;       // the database's build time ("" for a working database or no scan)
  std::vector<std::string> db_sources;  // source names
  std::array<int, 6> counts{};          // CRITICAL … UNDEFINED (check_report.h)
  std::vector<Reason> reasons;
  std::string checked_at;  // RFC 3339 UTC, seconds: "2026-12-04T15:03:00Z"
  std::string tool_version;
};

// The predicate of `report` checked at `checked_at` (seconds since the epoch).
VerdictPredicate predicate_of(const CheckReport& report, const std::string& db_built,
                              const std::vector<std::string>& db_sources, int64_t checked_at,
                              const std::string& tool_version);

// The canonical JSON: fixed key names, keys sorted, no whitespace, so equal
// predicates are equal bytes.
nlohmann::json predicate_to_json(const VerdictPredicate& p);

// Reads a predicate from a verified statement. Strict: every field with its
// type, decision and exit code consistent. invalid_signature naming the field.
Result<VerdictPredicate> parse_predicate(const nlohmann::json& j);

// "YYYY-MM-DDTHH:MM:SSZ" <-> seconds since the epoch. The parser takes only
// that form; invalid_signature otherwise.
std::string format_utc_seconds(int64_t t);
Result<int64_t> parse_utc_seconds(std::string_view text);

// What a deployer accepts: the policy digest (empty: any) and the largest age.
struct AcceptRules {
  std::string policy_digest;
  int64_t max_age_seconds = k_default_attestation_max_age_seconds;
  int64_t now = 0;  // seconds since the epoch
};

// ok when `p` may stand for a check under `rules`; otherwise invalid_signature
// saying which rule refused it (another policy, too old, from the future).
Result<void> accept_predicate(const VerdictPredicate& p, const AcceptRules& rules);

// The report that prints an attested verdict with check's own table and JSON.
CheckReport report_of(const VerdictPredicate& p);

}  // namespace ig::policy
