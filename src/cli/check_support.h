// The parts of `imagegate check` that call several engines: the signature
// step over the policy's signers (key, keyless, Notation, through the same
// functions `verify` uses, without printing), and the sinks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/sinks.h"
#include "cli/verify_keyless.h"
#include "cli/verify_notation.h"
#include "image/resolve.h"
#include "policy/attestation.h"
#include "policy/policy.h"
#include "policy/sink.h"
#include "policy/verdict.h"
#include "scan/report.h"
#include "sign/cosign.h"
#include "util/error.h"
#include "vulndb/database.h"

namespace ig::cli {

// Checks the signatures of `img` (already resolved; no second lookup) with
// each signer until one verifies. `methods` gets the signer kinds tried.
// Errors only when the check could not be made (network, an unreadable key
// or trust policy, a non-registry image); signatures that fail are outcomes.
Result<policy::SignatureOutcome> check_signatures(const policy::SignatureRules& rules, const image::ResolvedImage& img,
                                                  const std::string& input, std::string& methods);

// Details of every reported vulnerability, for SARIF and findings.json.
Result<void> load_vulnerability_details(scan::ScanReport& report, vulndb::Database& db);

// The sinks the flags ask for: --output-dir, then each --webhook and
// --slack-webhook (IMAGEGATE_RETRY_BASE_MS sets the first retry delay), then
// the AWS sinks (S3, CloudWatch Logs, SNS, EventBridge; aws/sinks.h).
Result<std::vector<std::unique_ptr<policy::Sink>>> make_sinks(const std::string& output_dir,
                                                              const std::vector<std::string>& webhooks,
                                                              const std::vector<std::string>& slack_webhooks,
                                                              int timeout_seconds, bool notify_on_warn,
                                                              const aws::AwsSinkOptions& aws_sinks);

// Sends `record` to every sink that wants it. A required sink's failure is
// returned; the others are reported on stderr only.
Result<void> send_to_sinks(const std::vector<std::unique_ptr<policy::Sink>>& sinks, const policy::CheckRecord& record);

// A verdict attestation found on an image that holds under the rules.
struct AttestedVerdict {
  policy::VerdictPredicate predicate;
  std::string location;  // "referrer sha256:…"
  std::string signer;    // the key's fingerprint
};

// The newest verdict attestation of `target.image.digest` signed by `key`
// that `rules` accept. no_signatures (10) when there is none, else
// invalid_signature (11: tampered, another image, another policy, too old) or
// untrusted_signer (12: another key), the message naming the first refusal.
Result<AttestedVerdict> find_verdict(const sign::SignedImage& target, const sign::PublicKey& key,
                                     const policy::AcceptRules& rules);

// Signs `predicate` (its image digest becomes the subject's) and attaches it
// to `target.image`. Returns the referrer's digest.
Result<std::string> attest_verdict(const sign::SignedImage& target, const sign::Signer& signer,
                                   const policy::VerdictPredicate& predicate);

}  // namespace ig::cli
