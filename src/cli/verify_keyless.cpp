#include "cli/verify_keyless.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sign/referrers.h"
#include "sign/sigstore_bundle.h"
#include "sign/sigstore_verify.h"
#include "sign/trusted_root.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

constexpr const char* k_bundle_artifact_type = "application/vnd.dev.sigstore.bundle.v0.3+json";

void print_text(const sign::SignedImage& t, const std::vector<BundleResult>& results) {
  std::cout << "Image: " << t.name << "@" << t.image.digest << "\n";
  for (const auto& r : results) {
    std::cout << (r.v.verified() ? "  VERIFIED  " : "  FAILED    ") << "bundle " << r.location << "\n";
    if (!r.v.identity.empty()) std::cout << "    signer: " << r.v.identity << " (issuer " << r.v.issuer << ")\n";
    for (const auto& c : r.v.checks) {
      std::cout << "    " << sign::bundle_check_status_name(c.status) << ": " << c.name;
      if (!c.detail.empty()) std::cout << " (" << c.detail << ")";
      std::cout << "\n";
    }
    if (r.v.tlog_ignored) std::cout << "    WARNING: --insecure-ignore-tlog: the transparency log was not checked\n";
  }
}

// 10 when nothing was found; otherwise any invalid signature outranks an
// untrusted signer, as in the key method.
Error overall_failure(const std::vector<BundleResult>& results, const std::string& digest) {
  if (results.empty()) {
    return Error{ErrorCode::no_signatures,
                 fmt::format("no Sigstore bundle is attached to {} (looked for referrers of artifact type {}); sign "
                             "it with 'imagegate sign' or 'cosign sign'",
                             digest, k_bundle_artifact_type)};
  }
  const Error* untrusted = nullptr;
  for (const auto& r : results) {
    if (!r.v.failure) continue;
    if (r.v.failure->code != ErrorCode::untrusted_signer) return *r.v.failure;
    if (!untrusted) untrusted = &*r.v.failure;
  }
  return untrusted ? *untrusted : Error{ErrorCode::invalid_signature, "no bundle verified"};
}

}  // namespace

void add_keyless_options(CLI::App& cmd, KeylessVerifyOptions& o) {
  cmd.add_option("--trusted-root", o.trusted_root, "Keyless: Sigstore trusted_root.json (CAs, logs, CT logs, TSAs)");
  cmd.add_option("--certificate-identity", o.identity, "Keyless: required signer identity (SAN email or URI)");
  cmd.add_option("--certificate-identity-regexp", o.identity_regexp, "Keyless: required signer identity, RE2");
  cmd.add_option("--certificate-oidc-issuer", o.issuer, "Keyless: required OIDC issuer");
  cmd.add_option("--certificate-oidc-issuer-regexp", o.issuer_regexp, "Keyless: required OIDC issuer, RE2");
  cmd.add_flag("--insecure-ignore-tlog", o.insecure_ignore_tlog,
               "Keyless: skip the transparency log checks (reported in the output)");
}

Result<void> keyless_bundle_options(const KeylessVerifyOptions& o, sign::TrustedRoot& root,
                                    sign::VerifyBundleOptions& out) {
  if (!o.trusted_root.empty()) {
    IG_ASSIGN(std::string text, read_file(o.trusted_root, 16 << 20));
    auto parsed = sign::parse_trusted_root(text);
    if (!parsed) return fail(ErrorCode::usage, "--trusted-root {}: {}", o.trusted_root, parsed.error().message);
    root = std::move(*parsed);
    out.trusted_root = &root;
  }
  out.certificate_identity = o.identity;
  out.certificate_identity_regexp = o.identity_regexp;
  out.certificate_oidc_issuer = o.issuer;
  out.certificate_oidc_issuer_regexp = o.issuer_regexp;
  out.insecure_ignore_tlog = o.insecure_ignore_tlog;
  return {};
}

Result<KeylessOutcome> check_keyless(const KeylessVerifyOptions& o, const sign::SignedImage& t) {
  if (o.trusted_root.empty()) {
    return fail(ErrorCode::usage,
                "keyless verification needs --trusted-root trusted_root.json (the Sigstore CAs and logs to trust)");
  }
  sign::TrustedRoot root;
  sign::VerifyBundleOptions opts;
  IG_TRY(keyless_bundle_options(o, root, opts));
  // The signed artifact is the digest resolved once by open_signed_image,
  // never a tag looked up again.
  IG_ASSIGN(auto artifact, sign::BundleArtifact::from_digest(t.image.digest));

  IG_ASSIGN(auto referrers, sign::list_referrers(*t.client, t.repo, t.image.digest, k_bundle_artifact_type));
  std::vector<BundleResult> results;
  for (const auto& ref : referrers) {
    IG_ASSIGN(image::Manifest m, sign::fetch_referrer_manifest(*t.client, t.repo, ref));
    for (const auto& layer : m.layers) {
      IG_ASSIGN(std::string bundle, sign::fetch_small_blob(*t.client, t.repo, layer, sign::k_max_bundle_size));
      results.push_back(BundleResult{ref.digest, sign::verify_bundle(bundle, artifact, opts)});
    }
  }
  bool ok = std::any_of(results.begin(), results.end(), [](const BundleResult& r) { return r.v.verified(); });
  KeylessOutcome out;
  if (!ok) out.failure = overall_failure(results, t.image.digest);
  out.results = std::move(results);
  return out;
}

Result<int> verify_keyless(const KeylessVerifyOptions& o, const sign::SignedImage& t, const std::string& output) {
  IG_ASSIGN(KeylessOutcome outcome, check_keyless(o, t));
  const auto& results = outcome.results;
  const auto& failure = outcome.failure;
  bool ok = !failure;

  if (output == "json") {
    nlohmann::json sigs = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json j = r.v.to_json();
      j["location"] = r.location;
      sigs.push_back(std::move(j));
    }
    nlohmann::json j{{"image", t.name}, {"digest", t.image.digest}, {"method", "keyless"},
                     {"verified", ok}, {"signatures", sigs}};
    if (failure) {
      j["error"] = {{"code", error_code_name(failure->code)},
                    {"exit_code", failure->exit_code()},
                    {"message", failure->message}};
    }
    std::cout << j.dump(2) << "\n";
  } else {
    print_text(t, results);
    if (ok) std::cout << "Verified: at least one keyless signature holds for this digest\n";
  }
  return ok ? 0 : report_error(*failure);
}

}  // namespace ig::cli
