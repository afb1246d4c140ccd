// AWS KMS, for asymmetric signing keys: GetPublicKey to verify signatures
// made with a KMS key, and Sign to make them, so the private key never
// leaves KMS. Key references use cosign's syntax:
//
//   awskms:///arn:aws:kms:us-east-1:111122223333:key/<id>   (region from the ARN)
//   awskms:///alias/name  or  awskms:///<key id>             (region from AWS_REGION)
//   awskms://HOST[:PORT]/<key id or ARN>                     (explicit endpoint)
//
// Credentials come from a CredentialSource (normally the default chain) and
// endpoints from the environment, as for every AWS service (aws/client.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "aws/client.h"
#include "util/error.h"

namespace ig::aws {

inline constexpr std::string_view k_kms_scheme = "awskms://";

struct KmsKeyRef {
  std::string key_id;    // ARN, alias/NAME or key id, as KMS takes it
  std::string endpoint;  // "https://kms.us-east-1.amazonaws.com" or from the reference/env
  std::string region;
};

// True when `ref` starts with awskms://.
bool is_kms_ref(std::string_view ref);

// Parses a key reference and fills in region and endpoint from the
// environment. usage error naming what is missing (key id, region).
Result<KmsKeyRef> parse_kms_ref(std::string_view ref);

struct KmsPublicKey {
  std::string der;        // SubjectPublicKeyInfo
  std::string key_spec;   // "ECC_NIST_P256", "RSA_2048", ...
  std::vector<std::string> signing_algorithms;
};

// GetPublicKey. Errors: not_found (no such key), usage (credentials refused,
// wrong key usage), network.
Result<KmsPublicKey> kms_get_public_key(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds);

// Sign over `message` with `algorithm` ("ECDSA_SHA_256", ...): RAW for small
// messages, else the message's SHA-256 digest as DIGEST. Returns the raw
// signature (DER for ECDSA).
Result<std::string> kms_sign(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds, std::string_view message,
                             std::string_view algorithm);

// The signing algorithm imagegate uses for a key spec (SHA-256 family, as
// cosign); usage error for key specs it cannot use.
Result<std::string> signing_algorithm_for(std::string_view key_spec);

}  // namespace ig::aws
