// imagegate sign: sign an image's digest with a key, in the Sigstore bundle
// format (an OCI referrer) or cosign's legacy .sig format.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/kms_keys.h"
#include "sign/cosign.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

struct SignOpts {
  std::string image;
  std::string key;
  std::string format = "bundle";
  std::vector<std::string> annotations;
  std::string output = "text";
  ImageOptions image_opts;
};

Result<int> run_sign(const SignOpts& o, const GlobalOptions& global) {
  sign::SignatureFormat format = sign::SignatureFormat::bundle;
  if (o.format == "legacy") {
    format = sign::SignatureFormat::legacy;
  } else if (o.format != "bundle") {
    return fail(ErrorCode::usage, "--signature-format '{}': use 'bundle' (default) or 'legacy'", o.format);
  }
  IG_ASSIGN(auto annotations, sign::parse_key_values(o.annotations, "--annotation"));
  IG_ASSIGN(sign::Signer signer, load_signer(o.key));
  IG_ASSIGN(auto resolve_opts, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(sign::SignedImage target, sign::open_signed_image(o.image, resolve_opts));
  IG_ASSIGN(sign::SignOutcome out, sign::sign_image(target, signer, format, annotations));
  if (o.output == "json") {
    nlohmann::json j{{"image", target.name},
                     {"digest", target.image.digest},
                     {"signature_format", o.format},
                     {"signature_manifest", out.manifest_digest},
                     {"location", out.location},
                     {"key_fingerprint", signer.public_key.fingerprint()}};
    std::cout << j.dump(2) << "\n";
  } else if (!global.quiet) {
    std::cerr << "Signed " << target.name << "@" << target.image.digest << " (" << o.format << ", key "
              << signer.public_key.fingerprint() << ")\nPushed " << out.location << "\n";
  }
  return 0;
}

}  // namespace

void register_sign(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<SignOpts>();
  auto* cmd = app.add_subcommand(
      "sign",
      "Sign an image's digest with a key (offline: nothing is uploaded to a transparency log). The tag is resolved "
      "once; the digest is what gets signed");
  cmd->add_option("image", o->image, "Image reference (REGISTRY/REPOSITORY[:TAG|@DIGEST])")->required();
  cmd->add_option("--key", o->key, "Private key file (cosign encrypted or PKCS#8 PEM) or awskms:///ARN")->required();
  cmd->add_option("--signature-format", o->format, "bundle (Sigstore bundle as an OCI referrer, default) or legacy (cosign .sig tag)")
      ->check(CLI::IsMember({"bundle", "legacy"}));
  cmd->add_option("--annotation", o->annotations, "KEY=VALUE to put in the signed payload (repeatable)");
  cmd->add_option("--format", o->output, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  o->image_opts.add_to(*cmd);
  cmd->callback([&run, &global, o] {
    run = [&global, o]() -> int {
      auto r = run_sign(*o, global);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
