// The verdict: a policy applied to what was seen of one image digest. A pure
// function of its inputs (no I/O, no clock: `today` is given), so the same
// facts always give the same decision.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inventory/package.h"
#include "policy/policy.h"
#include "scan/finding.h"

namespace ig::policy {

enum class Decision { allow, warn, deny };
const char* decision_name(Decision d);

enum class Kind { signature, vulnerability, config, license };
const char* kind_name(Kind k);

// One rule that fired.
struct Reason {
  std::string rule;  // "vulnerabilities.severity", "config.runs_as_root", ...
  Kind kind = Kind::vulnerability;
  Mode mode = Mode::enforce;
  std::string saw;                 // what was seen, in a sentence
  std::vector<std::string> items;  // the findings, variables or packages at fault
  std::string fix;                 // how to fix it, or how to waive it
};

struct Verdict {
  Decision decision = Decision::allow;
  std::vector<Reason> reasons;  // in check order: signature, vulnerability, config, license
  // The kind of the first enforced reason, which picks the exit code.
  std::optional<Kind> denied_by;
};

// What the signature step found.
struct SignatureOutcome {
  enum class Status { not_checked, verified, unsigned_image, invalid, untrusted };
  Status status = Status::not_checked;
  std::string signer;  // who signed, when verified ("key sha256:…", identity)
  std::string detail;  // why it failed, as the verifier said
};
// "verified", "unsigned", ...: the status as the JSON, table and report documents name it.
const char* signature_status_name(SignatureOutcome::Status s);

// The image facts the config rules read.
struct ImageFacts {
  std::string name;      // display name
  std::string registry;  // "ghcr.io"; "" when not from a registry
  std::string repository_name;  // "ghcr.io/org/app"; "" when not from a registry
  std::string tag;       // the tag the user named, "" for a digest
  std::string user;      // config USER
  bool has_healthcheck = false;
  std::vector<std::string> env;  // "NAME=value"
  std::map<std::string, std::string> labels;
  std::string created;  // RFC 3339, "" when absent
};

// Reads the facts from an image config blob (the JSON the registry serves):
// USER, HEALTHCHECK (Test not ["NONE"]), Env, Labels and created. Invalid
// JSON leaves the defaults.
void read_config_facts(std::string_view config_json, ImageFacts& facts);

struct EvaluationInput {
  SignatureOutcome signature;
  // Findings after the ignore entries, unfixed and status filters, before the
  // severity rule (which the evaluation applies).
  std::vector<scan::Finding> findings;
  ImageFacts image;
  const inventory::Inventory* inventory = nullptr;  // for licenses; null: no license rules apply
  std::string today;  // "YYYY-MM-DD" UTC
};

// Applies `p` to `in`. allow when nothing fired, warn when only notify rules
// fired, deny when any enforced rule fired.
Verdict evaluate(const Policy& p, const EvaluationInput& in);

// Only the signature rules: `check` calls this first, so an image that must be
// signed and is not is refused before any scan work.
std::vector<Reason> evaluate_signatures(const Policy& p, const SignatureOutcome& s);

// The decision that `reasons` make.
Verdict decide(std::vector<Reason> reasons);

// Env/label names and values that look like secrets (the name is reported,
// never the value): built-in name globs plus `extra_names`.
std::vector<std::string> find_secrets(const ImageFacts& facts, const std::vector<std::string>& extra_names);

// True when the SPDX expression `expression` names `entry` (an id, compared
// case-insensitively, or a whole expression). In an OR only a choice
// without a listed license is free of it, so "MIT OR GPL-3.0-only" does not
// match GPL-3.0-only; in an AND every license counts.
bool license_matches(std::string_view expression, std::string_view entry);

}  // namespace ig::policy
