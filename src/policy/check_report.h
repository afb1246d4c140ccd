// The record of one `check` decision: the verdict with the image, the policy
// and the counts it was made from, and its table and JSON forms
// (docs/check.md documents the JSON, schema_version 1). Sinks (sink.h) send
// this record; the CLI prints it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "policy/verdict.h"
#include "scan/finding.h"

namespace ig::policy {

inline constexpr int k_check_json_schema_version = 1;

// `check` exit codes for a deny, by the kind of the first enforced rule that
// fired, so a pipeline can tell "sign it" from "patch it" without parsing
// output. Beside error.h's codes (1–7 tool errors, 10–12 verify outcomes);
// README.md "Exit codes" lists them all.
inline constexpr int k_exit_denied_signature = 20;
inline constexpr int k_exit_denied_vulnerability = 21;
inline constexpr int k_exit_denied_config = 22;
inline constexpr int k_exit_denied_license = 23;

struct CheckReport {
  std::string image_name;     // as the user named it
  std::string image_digest;   // the one digest every step used
  std::string repository;     // "registry/repo" for registry images, else ""
  std::string tag;            // the tag the user named, "" for a digest (sinks name folders and streams by it)
  std::string policy_source;  // file name or "(built-in default)"
  std::string policy_digest;  // sha256 of the policy as applied (policy_to_json)
  std::string checked_on;     // "YYYY-MM-DD" UTC
  Verdict verdict;
  int exit_code = 0;
  SignatureOutcome signature;
  std::string signature_method;  // signer kinds tried, "" when not checked
  bool scanned = false;          // false when the signature step already denied
  // Findings per severity in ECR's six buckets: CRITICAL, HIGH, MEDIUM, LOW,
  // INFORMATIONAL (always 0: our scale has none), UNDEFINED (our UNKNOWN).
  std::array<int, 6> counts{};
  size_t suppressed = 0;  // findings removed by ignore entries, unfixed and status filters
  // "CVE-… in PACKAGE VERSION: why" for each suppressed finding (the
  // waiver's reason or VEX statement, or the filter).
  std::vector<std::string> waived;
  std::vector<std::string> warnings;
};

// The exit code for a verdict: 0 for allow and warn, else 20–23 by the kind
// of the first enforced reason (error.h).
int verdict_exit_code(const Verdict& v);

// Fills report.counts from findings.
void count_findings(CheckReport& report, const std::vector<scan::Finding>& findings);

// "CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0"
std::string counts_line(const CheckReport& report);

// For people: the verdict first, then each reason, then the counts.
std::string write_check_table(const CheckReport& report);
// The JSON document (two-space indent, trailing newline).
std::string write_check_json(const CheckReport& report);

}  // namespace ig::policy
