// imagegate verify: check that an image's digest carries a signature we trust.
//
// One function per verification method (key today; keyless and Notation add
// their own beside it); each returns the reports, and this file prints them
// and turns the outcome into an exit code (0, 10, 11, 12: see error.h).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/kms_keys.h"
#include "cli/verify_keyless.h"
#include "cli/verify_notation.h"
#include "sign/cosign.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

struct VerifyOpts {
  std::string image;
  std::string key;
  std::vector<std::string> required_annotations;
  std::string output = "text";
  ImageOptions image_opts;
  NotationVerifyOptions notation;
  KeylessVerifyOptions keyless;
};

nlohmann::json report_json(const sign::SignatureReport& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks) {
    nlohmann::json j{{"name", c.name}, {"status", sign::check_status_name(c.status)}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    checks.push_back(std::move(j));
  }
  nlohmann::json j{{"format", r.format},          {"location", r.location},
                   {"signer", r.signer},          {"signed_reference", r.signed_reference},
                   {"signed_digest", r.signed_digest}, {"annotations", r.annotations},
                   {"verified", r.verified},      {"checks", checks}};
  if (!r.verified) j["error"] = {{"code", error_code_name(r.failure)}, {"message", r.message}};
  return j;
}

void print_reports(const std::string& method, const sign::SignedImage& t,
                   const std::vector<sign::SignatureReport>& reports, const Result<void>& outcome,
                   const std::string& output) {
  if (output == "json") {
    nlohmann::json sigs = nlohmann::json::array();
    for (const auto& r : reports) sigs.push_back(report_json(r));
    nlohmann::json j{{"image", t.name}, {"digest", t.image.digest}, {"method", method},
                     {"verified", outcome.has_value()}, {"signatures", sigs}};
    if (!outcome) {
      j["error"] = {{"code", error_code_name(outcome.error().code)},
                    {"exit_code", outcome.error().exit_code()},
                    {"message", outcome.error().message}};
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Image: " << t.name << "@" << t.image.digest << "\n";
  for (const auto& r : reports) {
    std::cout << (r.verified ? "  VERIFIED  " : "  FAILED    ") << r.format << " signature, " << r.location
              << "\n    signer: " << r.signer << "\n";
    for (const auto& c : r.checks) {
      std::cout << "    " << sign::check_status_name(c.status) << ": " << c.name;
      if (!c.detail.empty()) std::cout << " (" << c.detail << ")";
      std::cout << "\n";
    }
  }
  if (outcome) std::cout << "Verified: at least one signature by the given key holds for this digest\n";
}

// Method: a public key (PEM file or KMS key).
Result<int> verify_with_key(const VerifyOpts& o, const sign::SignedImage& t) {
  IG_ASSIGN(sign::PublicKey key, load_public_key(o.key));
  sign::KeyVerifyOptions kopts;
  IG_ASSIGN(kopts.required_annotations, sign::parse_key_values(o.required_annotations, "--require-annotation"));
  IG_ASSIGN(auto reports, sign::verify_image_with_key(t, key, kopts));
  auto outcome = sign::overall_outcome(reports, t.image.digest);
  print_reports("key", t, reports, outcome, o.output);
  return outcome ? 0 : report_error(outcome.error());
}

Result<int> run_verify(const VerifyOpts& o, const GlobalOptions& global) {
  // Pick the method before touching the registry, so flag mistakes fail fast;
  // then resolve the image once for whichever method runs.
  if (!o.notation.requested() && o.keyless.requested() && !o.key.empty()) {
    return fail(ErrorCode::usage, "--key and the keyless options (--trusted-root, --certificate-*) exclude each other");
  }
  if (!o.notation.requested() && !o.keyless.requested() && o.key.empty()) {
    return fail(ErrorCode::usage,
                "verify needs a way to decide who is trusted: give --key PEM_FILE, --key awskms:///ARN, the keyless "
                "options (--trusted-root with --certificate-identity and --certificate-oidc-issuer) or "
                "--notation-trust-policy with --notation-trust-store");
  }
  IG_ASSIGN(auto resolve_opts, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(sign::SignedImage t, sign::open_signed_image(o.image, resolve_opts));
  if (o.notation.requested()) return verify_with_notation(o.notation, t, o.output);
  if (o.keyless.requested()) return verify_keyless(o.keyless, t, o.output);
  return verify_with_key(o, t);
}

}  // namespace

void register_verify(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<VerifyOpts>();
  auto* cmd = app.add_subcommand(
      "verify",
      "Verify the signatures of an image's digest. Exit codes: 0 verified, 10 no signatures, 11 invalid signature, "
      "12 untrusted signer");
  cmd->add_option("image", o->image, "Image reference (REGISTRY/REPOSITORY[:TAG|@DIGEST])")->required();
  cmd->add_option("--key", o->key, "Public key: PEM file (EC, RSA, Ed25519), awskms:///ARN or awskms://HOST/KEYID");
  cmd->add_option("--require-annotation", o->required_annotations,
                  "KEY=VALUE the signed payload must carry (repeatable)");
  cmd->add_option("--format", o->output, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  add_notation_options(*cmd, o->notation);
  add_keyless_options(*cmd, o->keyless);
  o->image_opts.add_to(*cmd);
  cmd->callback([&run, &global, o] {
    run = [&global, o]() -> int {
      auto r = run_verify(*o, global);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
