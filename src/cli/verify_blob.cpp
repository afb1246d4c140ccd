// imagegate verify-blob: verify a Sigstore bundle over a file (or a sha256
// digest) offline, with a public key or keyless against a trusted root.
#include <iostream>

#include "cli/command.h"
#include "cli/verify_keyless.h"
#include "sign/sigstore_bundle.h"
#include "sign/sigstore_verify.h"
#include "sign/trusted_root.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

struct VerifyBlobOptions {
  std::string artifact;
  std::string bundle;
  std::string key;
  KeylessVerifyOptions keyless;
  std::string format = "text";
};

// Artifacts are hashed in memory; anything larger should be passed as a digest.
constexpr uint64_t k_max_artifact_size = 1ull << 30;

void print_text(const sign::BundleVerification& v) {
  for (const auto& c : v.checks) {
    const char* mark = c.status == sign::BundleCheckStatus::passed ? "ok  " : c.status == sign::BundleCheckStatus::failed ? "FAIL" : "skip";
    std::cerr << "  " << mark << "  " << c.name << ": " << c.detail << "\n";
  }
  if (v.tlog_ignored) {
    std::cerr << "WARNING: --insecure-ignore-tlog: the transparency log was not checked\n";
  }
  if (!v.verified()) return;
  if (v.signer_kind == "certificate") {
    std::cout << "Verified OK: signed by " << v.identity << " (issuer " << v.issuer << ")\n";
  } else {
    std::cout << "Verified OK: signed with key " << v.key_id << "\n";
  }
}

Result<int> run_verify_blob(const VerifyBlobOptions& o) {
  sign::BundleArtifact artifact;
  if (o.artifact.starts_with("sha256:") && !std::filesystem::exists(o.artifact)) {
    IG_ASSIGN(artifact, sign::BundleArtifact::from_digest(o.artifact));
  } else {
    IG_ASSIGN(std::string data, read_file(o.artifact, k_max_artifact_size));
    artifact = sign::BundleArtifact::from_bytes(std::move(data));
  }
  auto bundle = read_file(o.bundle, sign::k_max_bundle_size);
  if (!bundle) return fail(bundle.error().with_context("reading --bundle"));

  sign::VerifyBundleOptions opts;
  if (!o.key.empty()) {
    IG_ASSIGN(std::string pem, read_file(o.key, 1 << 20));
    auto key = sign::PublicKey::from_pem(pem);
    if (!key) return fail(key.error().with_context("reading --key " + o.key));
    opts.key = std::move(*key);
  }
  sign::TrustedRoot root;
  IG_TRY(keyless_bundle_options(o.keyless, root, opts));

  sign::BundleVerification v = sign::verify_bundle(*bundle, artifact, opts);
  if (o.format == "json") {
    std::cout << v.to_json().dump(2) << "\n";
  } else {
    print_text(v);
  }
  if (!v.verified()) return report_error(*v.failure);
  return 0;
}

}  // namespace

void register_verify_blob(CLI::App& app, GlobalOptions& /*global*/, Runner& run) {
  auto o = std::make_shared<VerifyBlobOptions>();
  auto* cmd = app.add_subcommand(
      "verify-blob",
      "Verify a Sigstore bundle over a file or sha256:<hex> digest, offline: with --key, or keyless with "
      "--trusted-root and the required certificate identity and OIDC issuer");
  cmd->add_option("artifact", o->artifact, "The signed file, or sha256:<hex> of it")->required();
  cmd->add_option("--bundle", o->bundle, "Sigstore bundle (v0.1-v0.3 JSON)")->required();
  cmd->add_option("--key", o->key, "Public key (PEM) for key-based bundles");
  add_keyless_options(*cmd, o->keyless);
  cmd->add_option("-f,--format", o->format, "Output: text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&run, o] {
    run = [o]() -> int {
      auto r = run_verify_blob(*o);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
