#include "sign/sigstore_verify.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <ctime>

#include "sign/dsse.h"
#include "sign/sigstore_bundle.h"
#include "sign/sigstore_evidence.h"
#include "sign/sigstore_json.h"
#include "sign/sigstore_tlog.h"
#include "sign/x509.h"
#include "util/digest.h"

namespace ig::sign {

namespace {

constexpr std::string_view k_oid_issuer_v1 = "1.3.6.1.4.1.57264.1.1";
constexpr std::string_view k_oid_issuer_v2 = "1.3.6.1.4.1.57264.1.8";

std::string raw_to_hex(std::string_view raw) {
  return to_hex({reinterpret_cast<const unsigned char*>(raw.data()), raw.size()});
}

std::string sha256_hex(std::string_view data) { return sha256_digest(data).substr(7); }

// Verifies an ECDSA/RSA signature over a SHA-256 digest we already have, so
// that `verify-blob sha256:<hex>` works without the artifact's bytes.
bool verify_prehashed(const PublicKey& key, std::string_view digest, std::string_view sig) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.raw(), nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1 &&
            EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

std::string hex_to_raw(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string format_time(int64_t t) { return pbjson::format_rfc3339(t); }

// One verification run: the checks in order, stopping at the first failure.
class BundleVerifier {
 public:
  BundleVerifier(const BundleArtifact& artifact, const VerifyBundleOptions& options)
      : artifact_(artifact), options_(options) {}

  BundleVerification run(std::string_view bundle_json) {
    if (!step([&] { return parse(bundle_json); }) || !step([&] { return select_key(); }) ||
        !step([&] { return check_content(); }) || !step([&] { return check_timestamps(); }) ||
        !step([&] { return check_tlog(); })) {
      return std::move(out_);
    }
    if (chain_mode_) {
      if (!step([&] { return check_chain(); }) || !step([&] { return check_sct(); }) ||
          !step([&] { return check_identity(); })) {
        return std::move(out_);
      }
    }
    if (!times_.empty()) out_.signing_time = *std::min_element(times_.begin(), times_.end());
    return std::move(out_);
  }

 private:
  template <typename F>
  bool step(F&& f) {
    Result<void> r = f();
    if (!r) {
      std::string name = current_check_.empty() ? "bundle" : current_check_;
      add(name, BundleCheckStatus::failed, r.error().message);
      out_.failure = r.error().with_context(name + " check failed");
      return false;
    }
    return true;
  }
  void add(std::string name, BundleCheckStatus s, std::string detail) {
    out_.checks.push_back({std::move(name), s, std::move(detail)});
  }
  void pass(const std::string& name, std::string detail) { add(name, BundleCheckStatus::passed, std::move(detail)); }
  void begin(std::string name) { current_check_ = std::move(name); }

  Result<void> parse(std::string_view text) {
    begin("bundle");
    IG_ASSIGN(bundle_, parse_sigstore_bundle(text));
    pass("bundle", fmt::format("{} with {}", bundle_.media_type,
                               bundle_.message_signature ? "a message signature" : "a DSSE envelope"));
    return {};
  }

  Result<void> select_key() {
    begin("signer");
    if (options_.key) {
      key_ = *options_.key;
      out_.signer_kind = "key";
      out_.key_id = key_.fingerprint();
      if (!bundle_.certificates.empty()) {
        IG_ASSIGN(Certificate leaf, parse_der_certificate(bundle_.certificates.front()));
        IG_ASSIGN(PublicKey cert_key, certificate_public_key(leaf));
        if (cert_key.to_der() != key_.to_der()) {
          return fail(ErrorCode::invalid_signature, "the bundle's certificate holds a different key than --key");
        }
      }
      pass("signer", "public key " + out_.key_id);
      return {};
    }
    if (bundle_.certificates.empty()) {
      return fail(ErrorCode::usage, "the bundle is key-based (key hint '{}'): pass the public key with --key",
                  bundle_.public_key_hint.value_or(""));
    }
    if (options_.trusted_root == nullptr) {
      return fail(ErrorCode::usage, "the bundle is keyless: pass --trusted-root (a Sigstore trusted_root.json)");
    }
    if ((options_.certificate_identity.empty() && options_.certificate_identity_regexp.empty()) ||
        (options_.certificate_oidc_issuer.empty() && options_.certificate_oidc_issuer_regexp.empty())) {
      return fail(ErrorCode::usage, "keyless verification needs --certificate-identity[-regexp] and "
                  "--certificate-oidc-issuer[-regexp]: without them anyone with a certificate would pass");
    }
    chain_mode_ = true;
    out_.signer_kind = "certificate";
    for (const auto& der : bundle_.certificates) {
      IG_ASSIGN(Certificate c, parse_der_certificate(der));
      // Roots come from the trusted root only; a bundle that carries one is
      // malformed (Sigstore clients refuse it), even if the chain would build.
      if (certificate_is_self_signed(c)) {
        return fail(ErrorCode::invalid_signature, "the bundle's certificate chain includes a root certificate ({}); "
                    "roots come from the trusted root, so re-create the bundle without it",
                    certificate_summary(c));
      }
      bundle_chain_.push_back(std::move(c));
    }
    IG_ASSIGN(key_, certificate_public_key(bundle_chain_.front()));
    pass("signer", "certificate " + certificate_summary(bundle_chain_.front()));
    return {};
  }

  Result<void> check_content() {
    begin("signature");
    if (bundle_.message_signature) return check_message_signature(*bundle_.message_signature);
    return check_dsse(*bundle_.dsse_envelope);
  }

  Result<void> check_message_signature(const MessageSignature& m) {
    if (!m.digest.empty()) {
      begin("artifact digest");
      if (m.digest_algorithm != "SHA2_256") {
        return fail(ErrorCode::invalid_signature, "message digest algorithm {} is not supported (SHA2_256 is)",
                    m.digest_algorithm);
      }
      if (raw_to_hex(m.digest) != artifact_.sha256_hex) {
        return fail(ErrorCode::invalid_signature, "the bundle signs sha256:{} but the artifact is sha256:{}",
                    raw_to_hex(m.digest), artifact_.sha256_hex);
      }
      pass("artifact digest", "sha256:" + artifact_.sha256_hex);
    }
    begin("signature");
    bool ok = false;
    if (key_.type() == KeyType::ed25519) {
      if (!artifact_.bytes) {
        return fail(ErrorCode::usage, "an Ed25519 signature covers the artifact's bytes: pass the file, not its digest");
      }
      ok = key_.verify(*artifact_.bytes, m.signature);
    } else {
      ok = verify_prehashed(key_, hex_to_raw(artifact_.sha256_hex), m.signature);
    }
    if (!ok) {
      return fail(ErrorCode::invalid_signature, "the signature does not verify over artifact sha256:{}",
                  artifact_.sha256_hex);
    }
    pass("signature", "message signature over sha256:" + artifact_.sha256_hex);
    content_ = {m.signature, artifact_.sha256_hex, "", signer_der(), chain_mode_};
    return {};
  }

  Result<void> check_dsse(const DsseEnvelope& d) {
    const std::string pae = dsse_pae(d.payload_type, d.payload);
    if (!key_.verify(pae, d.signatures.front().sig)) {
      return fail(ErrorCode::invalid_signature, "the DSSE signature does not verify over the envelope's payload");
    }
    pass("signature", "DSSE envelope (" + d.payload_type + ")");
    content_ = {d.signatures.front().sig, sha256_hex(d.payload), sha256_hex(pae), signer_der(), chain_mode_};
    begin("artifact digest");
    if (d.payload_type != k_in_toto_payload_type) {
      if (sha256_hex(d.payload) != artifact_.sha256_hex) {
        return fail(ErrorCode::invalid_signature, "the DSSE payload is not the artifact sha256:{}", artifact_.sha256_hex);
      }
      pass("artifact digest", "payload is sha256:" + artifact_.sha256_hex);
      return {};
    }
    IG_ASSIGN(auto statement, pbjson::parse(d.payload, "in-toto statement"));
    const auto* subjects = pbjson::member(statement, "subject");
    if (subjects != nullptr && subjects->is_array()) {
      for (const auto& s : *subjects) {
        const auto* digest = pbjson::member(s, "digest");
        if (digest != nullptr && pbjson::string_or(*digest, "sha256", "") == artifact_.sha256_hex) {
          pass("artifact digest", "in-toto subject " + pbjson::string_or(s, "name", "") + " is sha256:" +
                                      artifact_.sha256_hex);
          return {};
        }
      }
    }
    return fail(ErrorCode::invalid_signature, "no subject of the in-toto statement has digest sha256:{}",
                artifact_.sha256_hex);
  }

  std::string signer_der() const {
    return chain_mode_ ? certificate_der(bundle_chain_.front()) : key_.to_der();
  }

  Result<void> check_tlog() {
    if (options_.insecure_ignore_tlog) {
      out_.tlog_ignored = true;
      add("transparency log", BundleCheckStatus::skipped, "--insecure-ignore-tlog: transparency log entries were NOT checked");
      return {};
    }
    if (bundle_.tlog_entries.empty()) {
      begin("transparency log");
      if (chain_mode_) {
        return fail(ErrorCode::invalid_signature, "the bundle has no transparency log entry (pass "
                    "--insecure-ignore-tlog to accept that)");
      }
      add("transparency log", BundleCheckStatus::skipped, "the bundle has no transparency log entries");
      return {};
    }
    if (options_.trusted_root == nullptr) {
      add("transparency log", BundleCheckStatus::skipped, "no --trusted-root given, so the log's signatures cannot be checked");
      return {};
    }
    for (const auto& e : bundle_.tlog_entries) IG_TRY(check_tlog_entry(e));
    return {};
  }

  Result<void> check_tlog_entry(const TlogEntry& e) {
    std::string where = fmt::format("log index {}", e.log_index);
    begin("tlog entry");
    const LogKey* log = options_.trusted_root->find_tlog(e.log_id);
    if (log == nullptr) {
      return fail(ErrorCode::invalid_signature, "{}: log {} is not in the trusted root", where, raw_to_hex(e.log_id));
    }
    // Rekor v2 entries have no integrated time: the RFC 3161 times, checked
    // before the logs for this reason, say when they were logged.
    IG_TRY(verify_log_validity(e, *log, timestamp_times_));
    begin("tlog body");
    IG_TRY(verify_tlog_body(e, content_));
    pass("tlog body", where + ": records this signature, digest and signer");
    if (!e.signed_entry_timestamp.empty()) {
      begin("tlog SET");
      IG_TRY(verify_signed_entry_timestamp(e, *log));
      pass("tlog SET", fmt::format("{}: signed by {}; integrated at {}", where, log->base_url,
                                   format_time(e.integrated_time)));
      times_.push_back(e.integrated_time);
    }
    if (e.inclusion_proof) {
      begin("tlog inclusion proof");
      IG_TRY(verify_inclusion_proof(e, *log));
      pass("tlog inclusion proof", fmt::format("{}: in a tree of {} leaves, checkpoint signed by {}", where,
                                               e.inclusion_proof->tree_size, log->base_url));
    }
    return {};
  }

  Result<void> check_timestamps() {
    if (bundle_.rfc3161_timestamps.empty()) return {};
    begin("RFC 3161 timestamp");
    if (options_.trusted_root == nullptr) {
      add("RFC 3161 timestamp", BundleCheckStatus::skipped, "no --trusted-root given to check timestamp authorities");
      return {};
    }
    for (const auto& ts : bundle_.rfc3161_timestamps) {
      IG_ASSIGN(int64_t when, verify_rfc3161_timestamp(ts, bundle_.signature_bytes(), *options_.trusted_root));
      pass("RFC 3161 timestamp", "signature timestamped at " + format_time(when));
      times_.push_back(when);
      timestamp_times_.push_back(when);
    }
    return {};
  }

  Result<void> check_chain() {
    begin("certificate chain");
    std::vector<int64_t> at = times_;
    std::string when_source = "verified timestamps";
    if (at.empty()) {
      // A Fulcio certificate lives minutes: "now" says nothing about when it
      // signed. Only an explicit --insecure-ignore-tlog accepts that.
      if (!options_.insecure_ignore_tlog) {
        return fail(ErrorCode::invalid_signature, "no verified time to check the certificate at: the bundle has neither "
                    "a transparency log entry with a signed integrated time (Rekor v1) nor an RFC 3161 timestamp "
                    "(Rekor v2 entries need one); re-sign with a timestamp authority");
      }
      at.push_back(static_cast<int64_t>(std::time(nullptr)));
      when_source = "the current time (no verified timestamp)";
    }
    const Certificate& leaf = bundle_chain_.front();
    std::string last_error = "the trusted root has no certificate authority";
    for (const auto& ca : options_.trusted_root->certificate_authorities) {
      std::vector<Certificate> roots{ca.chain.back()};
      std::vector<Certificate> intermediates(bundle_chain_.begin() + 1, bundle_chain_.end());
      intermediates.insert(intermediates.end(), ca.chain.begin(), ca.chain.end() - 1);
      bool all = true;
      for (int64_t t : at) {
        if (!ca.valid.contains(t)) {
          all = false;
          last_error = fmt::format("certificate authority {} was not trusted at {}", ca.uri, format_time(t));
          break;
        }
        auto chain = verify_chain(leaf, intermediates, roots, t, RequiredEku::code_signing);
        if (!chain) {
          all = false;
          last_error = chain.error().message;
          break;
        }
        verified_chain_ = std::move(*chain);
      }
      if (all) {
        pass("certificate chain", fmt::format("chains to {} at {}; code-signing EKU present", ca.uri, when_source));
        return {};
      }
    }
    return fail(ErrorCode::invalid_signature, "{} (checked at {})", last_error, when_source);
  }

  Result<void> check_sct() {
    begin("SCT");
    if (verified_chain_.size() < 2) {
      return fail(ErrorCode::invalid_signature, "the certificate's issuer is unknown, so its SCT cannot be checked");
    }
    IG_ASSIGN(int n, verify_embedded_scts(verified_chain_[0], verified_chain_[1], *options_.trusted_root));
    pass("SCT", fmt::format("{} embedded SCT(s) signed by a trusted CT log", n));
    return {};
  }

  Result<void> check_identity() {
    const Certificate& leaf = bundle_chain_.front();
    begin("certificate identity");
    std::vector<std::string> names = certificate_emails(leaf);
    auto uris = certificate_uris(leaf);
    names.insert(names.end(), uris.begin(), uris.end());
    IG_ASSIGN(out_.identity, match("certificate identity", names, options_.certificate_identity,
                                   options_.certificate_identity_regexp));
    begin("certificate issuer");
    auto issuer = certificate_extension_text(leaf, k_oid_issuer_v2);
    if (!issuer) issuer = certificate_extension_text(leaf, k_oid_issuer_v1);
    std::vector<std::string> issuers;
    if (issuer) issuers.push_back(*issuer);
    IG_ASSIGN(out_.issuer, match("certificate issuer", issuers, options_.certificate_oidc_issuer,
                                 options_.certificate_oidc_issuer_regexp));
    return {};
  }

  Result<std::string> match(const std::string& check, const std::vector<std::string>& have, const std::string& exact,
                            const std::string& regexp) {
    std::optional<RE2> re;
    if (!regexp.empty()) {
      re.emplace(regexp, RE2::Quiet);
      if (!re->ok()) return fail(ErrorCode::usage, "'{}' is not a valid RE2 regular expression: {}", regexp, re->error());
    }
    for (const auto& h : have) {
      if ((!exact.empty() && h == exact) || (re && RE2::PartialMatch(h, *re))) {
        pass(check, h);
        return h;
      }
    }
    std::string want = exact.empty() ? "matching /" + regexp + "/" : "'" + exact + "'";
    std::string got;
    for (const auto& h : have) got += (got.empty() ? "'" : ", '") + h + "'";
    return fail(ErrorCode::untrusted_signer, "the certificate names {}, not {}", got.empty() ? "nothing" : got, want);
  }

  const BundleArtifact& artifact_;
  const VerifyBundleOptions& options_;
  BundleVerification out_;
  SigstoreBundle bundle_;
  std::string current_check_;
  bool chain_mode_ = false;
  PublicKey key_;
  std::vector<Certificate> bundle_chain_;
  std::vector<Certificate> verified_chain_;
  SignedContent content_;
  std::vector<int64_t> times_;            // every verified time: SET integrated times, RFC 3161 times
  std::vector<int64_t> timestamp_times_;  // RFC 3161 times only
};

}  // namespace

BundleArtifact BundleArtifact::from_bytes(std::string data) {
  BundleArtifact a;
  a.sha256_hex = ig::sign::sha256_hex(data);
  a.bytes = std::move(data);
  return a;
}

Result<BundleArtifact> BundleArtifact::from_digest(std::string_view digest) {
  IG_ASSIGN(Digest d, Digest::parse(digest));
  if (d.algorithm != "sha256") {
    return fail(ErrorCode::usage, "artifact digest '{}' must be sha256:<hex> (Sigstore bundles sign SHA-256)", digest);
  }
  BundleArtifact a;
  a.sha256_hex = d.hex;
  return a;
}

const char* bundle_check_status_name(BundleCheckStatus s) {
  switch (s) {
    case BundleCheckStatus::passed: return "passed";
    case BundleCheckStatus::failed: return "failed";
    case BundleCheckStatus::skipped: return "skipped";
  }
  return "unknown";
}

nlohmann::json BundleVerification::to_json() const {
  nlohmann::json checks_json = nlohmann::json::array();
  for (const auto& c : checks) {
    checks_json.push_back({{"name", c.name}, {"status", bundle_check_status_name(c.status)}, {"detail", c.detail}});
  }
  nlohmann::json signer = {{"kind", signer_kind}};
  if (!identity.empty()) signer["identity"] = identity;
  if (!issuer.empty()) signer["issuer"] = issuer;
  if (!key_id.empty()) signer["key"] = key_id;
  nlohmann::json j = {{"verified", verified()}, {"signer", signer}, {"tlog_ignored", tlog_ignored}, {"checks", checks_json}};
  if (signing_time) j["signing_time"] = format_time(*signing_time);
  if (failure) {
    j["error"] = {{"code", error_code_name(failure->code)}, {"exit_code", failure->exit_code()}, {"message", failure->message}};
  }
  return j;
}

BundleVerification verify_bundle(std::string_view bundle_json, const BundleArtifact& artifact,
                                 const VerifyBundleOptions& options) {
  BundleVerifier v(artifact, options);
  return v.run(bundle_json);
}

}  // namespace ig::sign
