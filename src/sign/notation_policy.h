// Notation trust policy (trustpolicy.json, version 1.0) and trust store
// (<dir>/x509/{ca,signingAuthority,tsa}/<name>/*.pem|crt|cer), as the Notary
// Project "Trust Store and Trust Policy" specification defines them.
//
// The policy says, per repository scope, which trust stores anchor signing
// certificates, which subjects are trusted, and for each check (integrity,
// authenticity, authentic timestamp, expiry, revocation) whether a failure is
// enforced, only logged, or the check skipped. Both files are configuration
// the user wrote, so their errors are usage errors naming the field.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

typedef struct x509_st X509;

namespace ig::sign::notation {

enum class Level { strict, permissive, audit, skip };
enum class Action { enforce, log, skip };
enum class Check { integrity, authenticity, authentic_timestamp, expiry, revocation };
inline constexpr size_t k_check_count = 5;

const char* level_name(Level l);
const char* action_name(Action a);
const char* check_name(Check c);  // the spec's names: "integrity", "authenticTimestamp", ...

// The spec's table: what a level does with each check before overrides.
Action default_action(Level level, Check check);

// A distinguished name as ordered (type, value) pairs: "C=US, O=Acme" ->
// {("C","US"), ("O","Acme")}. Types are upper-cased short names.
using DistinguishedName = std::vector<std::pair<std::string, std::string>>;

// Parses an RFC 4514-like DN with the spec's escapes (\, \; \\ and an escaped
// leading/trailing space). usage error naming the problem.
Result<DistinguishedName> parse_dn(std::string_view text);

// True when every attribute of `identity` is in `subject` with the same value
// (the spec's partial match: the certificate may carry more attributes).
bool dn_matches(const DistinguishedName& identity, const DistinguishedName& subject);

struct TrustStoreRef {
  std::string type;  // "ca", "signingAuthority" or "tsa"
  std::string name;
};

struct TrustPolicy {
  std::string name;
  std::vector<std::string> registry_scopes;  // fully qualified repositories, or the single "*"
  Level level = Level::strict;
  std::array<Action, k_check_count> actions{};  // indexed by Check, overrides applied
  std::vector<TrustStoreRef> trust_stores;
  bool any_identity = false;                    // trustedIdentities == ["*"]
  std::vector<DistinguishedName> trusted_identities;
  std::vector<std::string> trusted_identity_text;  // as written, for messages
  // AWS Signer signing-profile ARNs (arn:aws:signer:REGION:ACCOUNT:/signing-profiles/NAME)
  // or profile-version ARNs (…/NAME/VERSION), as AWS's Notation plugin takes
  // them in trustedIdentities: matched against the signature's critical
  // com.amazonaws.signer.signingProfileVersion attribute, not the subject.
  std::vector<std::string> aws_signer_profiles;

  Action action(Check c) const { return actions[static_cast<size_t>(c)]; }
  bool is_global() const { return registry_scopes.size() == 1 && registry_scopes[0] == "*"; }
};

struct TrustPolicyDocument {
  std::vector<TrustPolicy> policies;
};

// Parses and validates trustpolicy.json text: version "1.0", unique names,
// scope rules (one global policy at most, no repository in two policies, no
// "*" mixed with repositories), level/override values, trust store refs,
// identity rules (C, ST and O present, "*" alone, no overlapping identities),
// and `skip` policies carrying no stores or identities.
Result<TrustPolicyDocument> parse_trust_policy(std::string_view json_text);
Result<TrustPolicyDocument> load_trust_policy(const std::filesystem::path& file);

// The policy for `repository` ("registry/namespace/name"): an exact scope
// match first, then the global one. untrusted_signer when none applies (the
// spec treats such an artifact as untrusted).
Result<const TrustPolicy*> select_policy(const TrustPolicyDocument& doc, std::string_view repository);

// Named certificate stores loaded from a trust store directory. Certificates
// are PEM (one or many per file) or DER.
class TrustStore {
 public:
  // Reads nothing yet: stores are loaded when first asked for.
  explicit TrustStore(std::filesystem::path root) : root_(std::move(root)) {}

  // The certificates of store `ref`. usage error when the directory is
  // missing, holds no certificate, or a file is not a certificate.
  Result<std::vector<std::shared_ptr<X509>>> certificates(const TrustStoreRef& ref) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace ig::sign::notation
