// The verification workflow over one envelope, in the spec's order:
// integrity, authenticity, expiry, authentic timestamp, revocation.
#include "sign/notation_verify.h"

#include <algorithm>
#include <cctype>

#include "sign/notation_x509.h"

namespace ig::sign::notation {

const char* check_status_name(CheckStatus s) {
  switch (s) {
    case CheckStatus::passed: return "passed";
    case CheckStatus::failed: return "failed";
    case CheckStatus::skipped: return "skipped";
    case CheckStatus::not_checked: return "not checked";
  }
  return "?";
}

const SignatureVerification* NotationVerification::accepted() const {
  for (const auto& s : signatures) {
    if (s.verified()) return &s;
  }
  return nullptr;
}

namespace {

// One verification run: records outcomes and decides, per the policy's
// action, whether a failure stops it.
class Run {
 public:
  Run(SignatureVerification& out, const TrustPolicy& policy) : out_(out), policy_(policy) {}

  bool wants(Check c) {
    if (policy_.action(c) != Action::skip) return true;
    out_.checks.push_back({c, Action::skip, CheckStatus::skipped, "skipped by the trust policy"});
    return false;
  }
  void pass(Check c, std::string detail) {
    out_.checks.push_back({c, policy_.action(c), CheckStatus::passed, std::move(detail)});
  }
  // Returns false when the failure is enforced: verification ends here.
  bool failure(Check c, const Error& e, CheckStatus status = CheckStatus::failed) {
    Action a = policy_.action(c);
    out_.checks.push_back({c, a, status, e.message});
    if (a == Action::enforce) {
      out_.error = Error{e.code, fmt::format("Notation {} check failed: {}", check_name(c), e.message)};
      return false;
    }
    out_.warnings.push_back(fmt::format("{} ({}; logged, not enforced): {}", check_name(c), check_status_name(status),
                                        e.message));
    return true;
  }
  void config_error(const Error& e) { out_.error = e; }

 private:
  SignatureVerification& out_;
  const TrustPolicy& policy_;
};

bool looks_like_signer_arn(std::string_view s, std::string_view kind) {
  return s.rfind("arn:aws", 0) == 0 && s.find(":signer:") != std::string_view::npos &&
         s.find(kind) != std::string_view::npos;
}

// Extended attributes and plugins: AWS Signer's are understood, any other
// critical attribute or required plugin is not, and the spec says an
// implementation must then reject the signature.
Result<void> check_extensions(const Envelope& e, SignatureVerification& out) {
  auto profile = e.extended_attributes.find(std::string(k_aws_signing_profile_version));
  auto job = e.extended_attributes.find(std::string(k_aws_signing_job));
  out.aws_signer = e.verification_plugin == k_aws_plugin || profile != e.extended_attributes.end() ||
                   job != e.extended_attributes.end();
  if (out.aws_signer) {
    if (e.scheme != SigningScheme::x509_signing_authority) {
      return fail(ErrorCode::invalid_signature, "AWS Signer signature does not use signing scheme notary.x509.signingAuthority");
    }
    for (auto it : {profile, job}) {
      std::string_view name = it == profile ? k_aws_signing_profile_version : k_aws_signing_job;
      if (it == e.extended_attributes.end() || !it->second.critical) {
        return fail(ErrorCode::invalid_signature, "AWS Signer signature lacks the critical signed attribute {}", name);
      }
    }
    if (!looks_like_signer_arn(profile->second.value, "/signing-profiles/") ||
        !looks_like_signer_arn(job->second.value, "/signing-jobs/")) {
      return fail(ErrorCode::invalid_signature, "AWS Signer attributes are not signer ARNs ('{}', '{}')",
                  profile->second.value, job->second.value);
    }
    out.aws_signing_profile_version = profile->second.value;
    out.aws_signing_job = job->second.value;
  } else if (!e.verification_plugin.empty()) {
    return fail(ErrorCode::invalid_signature, "the signature requires verification plugin '{}', which imagegate does not provide",
                e.verification_plugin);
  }
  for (const auto& [name, attr] : e.extended_attributes) {
    bool understood = out.aws_signer && (name == k_aws_signing_profile_version || name == k_aws_signing_job);
    if (attr.critical && !understood) {
      return fail(ErrorCode::invalid_signature, "critical signed attribute '{}' is not understood", name);
    }
  }
  return {};
}

Result<void> check_target(const Envelope& e, const image::Descriptor& image) {
  if (e.target.digest != image.digest || e.target.size != image.size ||
      (!e.target.media_type.empty() && !image.media_type.empty() && e.target.media_type != image.media_type)) {
    return fail(ErrorCode::invalid_signature, "the signature is for {} ({} bytes, {}), not this image {} ({} bytes)",
                e.target.digest, e.target.size, e.target.media_type, image.digest, image.size);
  }
  return {};
}

Result<std::vector<CertPtr>> anchors_of_type(const TrustPolicy& policy, const TrustStore& store, std::string_view type) {
  std::vector<CertPtr> anchors;
  for (const auto& ref : policy.trust_stores) {
    if (ref.type != type) continue;
    IG_ASSIGN(auto certs, store.certificates(ref));
    anchors.insert(anchors.end(), certs.begin(), certs.end());
  }
  return anchors;
}

// Chain to the policy's stores and identity match. Returns the built chain
// (empty when the check failed but was only logged).
Result<std::vector<CertPtr>> check_authenticity(const Envelope& e, const std::vector<CertPtr>& certs,
                                                const TrustPolicy& policy, const std::vector<CertPtr>& anchors) {
  std::string_view type = e.scheme == SigningScheme::x509 ? "ca" : "signingAuthority";
  if (anchors.empty()) {
    return fail(ErrorCode::invalid_signature, "the trust policy '{}' names no {}: trust store for {} signatures",
                policy.name, type, signing_scheme_name(e.scheme));
  }
  IG_ASSIGN(auto chain, build_chain(certs, anchors));
  IG_TRY(check_signing_certificate(certs.front().get()));
  if (policy.any_identity) return chain;
  if (!policy.aws_signer_profiles.empty()) {
    // AWS's plugin's rule: a profile ARN matches the signature's profile
    // version ARN without its last segment, a version ARN matches it whole,
    // both case-insensitively.
    auto attr = e.extended_attributes.find(std::string(k_aws_signing_profile_version));
    if (attr != e.extended_attributes.end()) {
      const std::string& version = attr->second.value;
      auto iequal = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                 return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
      };
      size_t last = version.rfind('/');
      for (const auto& arn : policy.aws_signer_profiles) {
        if (iequal(arn, version) || (last != std::string::npos && iequal(arn, std::string_view(version).substr(0, last)))) {
          return chain;
        }
      }
    }
  }
  auto subject = subject_dn(certs.front().get());
  for (const auto& id : policy.trusted_identities) {
    if (dn_matches(id, subject)) return chain;
  }
  auto attr = e.extended_attributes.find(std::string(k_aws_signing_profile_version));
  return fail(ErrorCode::untrusted_signer, "signer '{}'{} matches none of the trusted identities of policy '{}'",
              name_text(certs.front().get(), false),
              attr == e.extended_attributes.end() ? "" : " (AWS Signer profile " + attr->second.value + ")", policy.name);
}

Result<int64_t> check_timestamp(const Envelope& e, const std::vector<CertPtr>& chain, const TrustPolicy& policy,
                                const TrustStore& store, int64_t now, std::string& how) {
  int64_t lo = now, hi = now;
  how = "certificates valid now (no timestamp countersignature)";
  if (e.scheme == SigningScheme::x509_signing_authority) {
    if (!e.authentic_signing_time) {
      return fail(ErrorCode::invalid_signature, "notary.x509.signingAuthority signature has no authentic signing time");
    }
    lo = hi = *e.authentic_signing_time;
    how = "certificates valid at the authentic signing time " + format_rfc3339(lo);
  } else if (!e.timestamp_token.empty()) {
    IG_ASSIGN(auto tsa, anchors_of_type(policy, store, "tsa"));
    if (tsa.empty()) {
      return fail(ErrorCode::invalid_signature,
                  "the signature has a timestamp countersignature but trust policy '{}' names no tsa: trust store",
                  policy.name);
    }
    IG_ASSIGN(auto range, verify_timestamp(e.timestamp_token, e.signature, tsa));
    lo = range.first;
    hi = range.second;
    how = "trusted RFC 3161 timestamp " + format_rfc3339(lo) + ", certificates valid then";
  }
  IG_TRY(check_validity(chain, lo, hi));
  return lo;
}

void check_revocation(Run& run, const SignatureVerification& out, const std::vector<CertPtr>& chain) {
  if (!run.wants(Check::revocation)) return;
  if (out.aws_signer) {
    run.failure(Check::revocation,
                Error{ErrorCode::untrusted_signer,
                      "AWS Signer revocation (signing profile, job and certificates) needs AWS Signer's online "
                      "GetRevocationStatus API; not checked. Override revocation to 'log' or 'skip' to accept this"},
                CheckStatus::not_checked);
  } else if (has_revocation_info(chain)) {
    run.failure(Check::revocation,
                Error{ErrorCode::untrusted_signer,
                      "the certificates name OCSP/CRL locations, which imagegate does not query; not checked. "
                      "Override revocation to 'log' or 'skip' to accept this"},
                CheckStatus::not_checked);
  } else {
    run.pass(Check::revocation, "no certificate names an OCSP responder or CRL, so none can be revoked (per spec)");
  }
}

}  // namespace

SignatureVerification verify_envelope(std::string_view media_type, std::string_view bytes,
                                      const image::Descriptor& image, const TrustPolicy& policy,
                                      const TrustStore& store, int64_t now) {
  SignatureVerification out;
  Run run(out, policy);
  auto env = parse_envelope(media_type, bytes);
  if (!env) {
    run.failure(Check::integrity, env.error());
    return out;
  }
  const Envelope& e = *env;
  out.format = e.format;
  out.signing_scheme = signing_scheme_name(e.scheme);
  out.algorithm = algorithm_name(e.algorithm);
  out.signing_time = e.authentic_signing_time ? e.authentic_signing_time : e.signing_time;
  auto certs = parse_der_chain(e.certificate_chain);
  if (!certs) {
    run.failure(Check::integrity, certs.error());
    return out;
  }
  out.signer_subject = name_text(certs->front().get(), false);
  out.signer_issuer = name_text(certs->front().get(), true);
  for (auto step : {verify_envelope_signature(e), check_target(e, image), check_extensions(e, out)}) {
    if (!step) {
      run.failure(Check::integrity, step.error());
      return out;
    }
  }
  run.pass(Check::integrity, fmt::format("{} {} signature over {}", e.format, out.algorithm, image.digest));

  std::vector<CertPtr> chain = *certs;
  if (run.wants(Check::authenticity)) {
    auto anchors = anchors_of_type(policy, store, e.scheme == SigningScheme::x509 ? "ca" : "signingAuthority");
    if (!anchors) {
      run.config_error(anchors.error());
      return out;
    }
    auto built = check_authenticity(e, *certs, policy, *anchors);
    if (built) {
      chain = *built;
      run.pass(Check::authenticity, fmt::format("chains to the trust store; signer '{}'", out.signer_subject));
    } else if (!run.failure(Check::authenticity, built.error())) {
      return out;
    }
  }
  if (run.wants(Check::expiry)) {
    if (e.expiry && now >= *e.expiry) {
      if (!run.failure(Check::expiry, Error{ErrorCode::invalid_signature,
                                            "the signature expired at " + format_rfc3339(*e.expiry)})) {
        return out;
      }
    } else {
      run.pass(Check::expiry, e.expiry ? "expires " + format_rfc3339(*e.expiry) : "no expiry set");
    }
  }
  if (run.wants(Check::authentic_timestamp)) {
    std::string how;
    auto ts = check_timestamp(e, chain, policy, store, now, how);
    if (ts) {
      if (!e.timestamp_token.empty() && e.scheme == SigningScheme::x509) out.timestamp = *ts;
      run.pass(Check::authentic_timestamp, how);
    } else if (ts.error().code == ErrorCode::usage) {
      run.config_error(ts.error());
      return out;
    } else if (!run.failure(Check::authentic_timestamp, ts.error())) {
      return out;
    }
  }
  check_revocation(run, out, chain);
  return out;
}

}  // namespace ig::sign::notation
