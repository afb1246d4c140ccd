// `imagegate verify IMAGE --trusted-root R --certificate-identity ... `: the
// keyless (Sigstore certificate) method of verify, beside verify.cpp, which
// calls it. The same checks as verify-blob, over bundles attached to the
// image as referrers, with the image's digest as the signed artifact.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sign/cosign.h"
#include "sign/sigstore_verify.h"
#include "sign/trusted_root.h"
#include "util/error.h"

namespace ig::cli {

struct KeylessVerifyOptions {
  std::string trusted_root;
  std::string identity;
  std::string identity_regexp;
  std::string issuer;
  std::string issuer_regexp;
  bool insecure_ignore_tlog = false;

  bool requested() const {
    return !trusted_root.empty() || !identity.empty() || !identity_regexp.empty() || !issuer.empty() ||
           !issuer_regexp.empty();
  }
};

// Adds --trusted-root, --certificate-identity[-regexp],
// --certificate-oidc-issuer[-regexp] and --insecure-ignore-tlog to `cmd`.
void add_keyless_options(CLI::App& cmd, KeylessVerifyOptions& o);

// Fills `out` from `o` (verify-blob shares it), loading the trusted root into
// `root`, which must outlive `out`. An empty --trusted-root leaves
// out.trusted_root null; usage error for an unreadable or invalid root.
Result<void> keyless_bundle_options(const KeylessVerifyOptions& o, sign::TrustedRoot& root,
                                    sign::VerifyBundleOptions& out);

// One bundle attached to the image and what its verification found.
struct BundleResult {
  std::string location;  // the referrer manifest digest
  sign::BundleVerification v;
};

// What the keyless checks found, without printing: `failure` is set when no
// bundle verified (no_signatures, invalid_signature or untrusted_signer).
struct KeylessOutcome {
  std::vector<BundleResult> results;
  std::optional<Error> failure;
};

// Verifies every Sigstore bundle referrer of `t` (usage error without
// --trusted-root). `check` uses it; verify_keyless prints it.
Result<KeylessOutcome> check_keyless(const KeylessVerifyOptions& o, const sign::SignedImage& t);

// Verifies every Sigstore bundle referrer of `t` and prints the outcome as
// `output` ("text" or "json"). Returns 0 when at least one bundle verifies,
// else 10 (none attached), 11 (any invalid) or 12 (valid but untrusted).
Result<int> verify_keyless(const KeylessVerifyOptions& o, const sign::SignedImage& t, const std::string& output);

}  // namespace ig::cli
