// The deploy-gate policy: what a security team writes down, reviews and
// versions, as plain data. `parse_policy` reads it from YAML (JSON is YAML
// too); `evaluate` (verdict.h) applies it to what the scan and the signature
// checks saw. The file format is documented in docs/check.md and its JSON
// Schema in docs/policy.schema.json.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scan/finding.h"
#include "scan/gate.h"
#include "util/error.h"

namespace ig::policy {

inline constexpr int k_policy_version = 1;

// What a rule does when it fires: enforce denies, notify only warns.
enum class Mode { enforce, notify };
const char* mode_name(Mode m);

// One accepted signer; a signature by any one of them satisfies the policy.
struct Signer {
  enum class Kind { key, keyless, notation };
  Kind kind = Kind::key;
  std::string key;  // key: PEM public key file or awskms:// reference
  // keyless: exact or RE2 identity and issuer, and the trusted root to check against
  std::string identity;
  std::string identity_regexp;
  std::string issuer;
  std::string issuer_regexp;
  std::string trusted_root;
  bool insecure_ignore_tlog = false;  // only from --insecure-ignore-tlog, never from a file
  // notation
  std::string trust_policy;
  std::string trust_store;
  std::string origin;  // "FILE:LINE" or "--key", for messages
};
const char* signer_kind_name(Signer::Kind k);

struct SignatureRules {
  bool enabled = false;  // false: signatures are not checked at all
  Mode mode = Mode::enforce;
  // ecr-scan-verifier's failOnUnsigned: an image with no signature is refused
  // (with `mode`); false reports it as a warning instead.
  bool required = true;
  std::vector<Signer> signers;
  std::map<std::string, std::string> annotations;  // checked for key signers
};

// A rule with a threshold value and its own mode (kev has no value).
struct ValueRule {
  bool enabled = false;
  Mode mode = Mode::enforce;
  double value = 0;
};

// Findings whose fix has been available for more than `days` (or the
// finding's severity's entry in `by_severity`, which wins) days. When the
// fix appeared is approximated as scan::Finding::fix_date says.
struct FixAgeRule {
  bool enabled = false;
  Mode mode = Mode::enforce;
  std::optional<int> days;
  std::map<scan::Severity, int> by_severity;
};

struct VulnerabilityRules {
  bool enabled = false;
  Mode mode = Mode::enforce;
  // The severity rule: findings of these severities, or at/above threshold,
  // fire it. Both empty: every finding fires it.
  std::set<scan::Severity> severities;
  std::optional<scan::Severity> threshold;
  bool ignore_unfixed = false;
  std::set<std::string> ignore_statuses;
  std::vector<scan::IgnoreRule> ignores;  // reason (statement) is mandatory in a policy
  std::vector<std::string> ignore_files;  // ours, .trivyignore, .trivyignore.yaml
  std::vector<std::string> vex;           // OpenVEX or CycloneDX VEX documents (vex.h)
  ValueRule kev;       // any finding listed in CISA KEV
  ValueRule epss_min;  // EPSS probability >= value (0..1)
  ValueRule cvss_min;  // CVSS base score >= value (0..10)
  FixAgeRule fix_available_days;
};

struct ConfigRules {
  ValueRule runs_as_root;    // no USER, or uid/user 0/root
  ValueRule no_healthcheck;  // no HEALTHCHECK (or NONE)
  ValueRule secrets;         // secrets in ENV or labels
  std::vector<std::string> secret_names;  // extra name globs (added to the built-in ones)
  ValueRule max_age_days;    // created more than value days ago
  ValueRule allowed_registries;
  std::vector<std::string> registries;  // "ghcr.io", "ghcr.io/org/", "123.dkr.ecr.us-east-1.amazonaws.com"
  ValueRule denied_tags;
  std::vector<std::string> tags;  // "latest"
};

struct LicenseRules {
  std::vector<std::string> deny;  // SPDX ids or expressions: enforce
  std::vector<std::string> warn;  // notify
};

struct Policy {
  int version = k_policy_version;
  std::string source;  // the file it came from, or "(built-in default)"
  SignatureRules signatures;
  VulnerabilityRules vulnerabilities;
  ConfigRules config;
  LicenseRules licenses;
};

// The policy used when `check` is given no --policy: vulnerabilities of
// severity CRITICAL deny (ecr-scan-verifier's default), nothing else is checked.
Policy default_policy();

// Parses a policy. `name` labels messages ("policy.yaml"). Every fault found
// is reported, one per line as "NAME:LINE: what is wrong; how to fix it", in
// one usage error: unknown keys, wrong types, unknown severities, statuses or
// modes, bad RE2 regexps, bad dates, ignore entries without a reason, a
// missing or unsupported version. Never throws.
Result<Policy> parse_policy(std::string_view text, std::string_view name);
// Reads (at most 1 MiB) and parses `path`; not_found when it is missing.
Result<Policy> load_policy(const std::filesystem::path& path);

// The policy as applied (after command-line overrides), as JSON in the same
// shape as the file, so `check --output-dir` records exactly what decided.
std::string policy_to_json(const Policy& p);

// A commented starting policy for `imagegate policy init`; it parses.
std::string starter_policy();

}  // namespace ig::policy
