// Keys that live in AWS KMS, as the sign and verify commands use them: the
// glue between aws/kms.h and sign/keys.h (neither module depends on the other).
#pragma once

#include <string>
#include <string_view>

#include "sign/cosign.h"
#include "sign/keys.h"
#include "util/error.h"

namespace ig::cli {

// True for "awskms://..." key references.
bool is_kms_key_ref(std::string_view ref);
// The public key of a KMS key (GetPublicKey, SigV4 with env credentials).
Result<sign::PublicKey> kms_public_key(const std::string& ref);
// A signer that calls KMS Sign; the private key never leaves KMS.
Result<sign::Signer> kms_signer(const std::string& ref);

// A public key named on the command line: a PEM file or awskms://.
Result<sign::PublicKey> load_public_key(const std::string& ref);
// A signing key named on the command line: awskms://, or a PEM private key
// file whose password comes from IMAGEGATE_PASSWORD (else a prompt).
Result<sign::Signer> load_signer(const std::string& ref);

}  // namespace ig::cli
