// `imagegate verify --notation-trust-policy FILE --notation-trust-store DIR`:
// the Notation method of verify, kept beside verify.cpp, which calls it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "sign/cosign.h"
#include "util/error.h"

namespace ig::cli {

struct NotationVerifyOptions {
  std::string trust_policy;  // trustpolicy.json
  std::string trust_store;   // directory holding x509/{ca,signingAuthority,tsa}/<name>/

  bool requested() const { return !trust_policy.empty() || !trust_store.empty(); }
};

// Adds --notation-trust-policy and --notation-trust-store to `cmd`.
void add_notation_options(CLI::App& cmd, NotationVerifyOptions& o);

// Verifies `t`'s Notation signatures, prints the outcome as `output` ("text"
// or "json") and returns the exit code: 0 verified (or the policy's level is
// skip), 10 no signatures, 11 invalid signature, 12 untrusted signer. Fails
// with usage errors for a missing or invalid policy or trust store.
Result<int> verify_with_notation(const NotationVerifyOptions& o, const sign::SignedImage& t, const std::string& output);

}  // namespace ig::cli
