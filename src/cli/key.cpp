// imagegate key generate: an ECDSA P-256 key pair in cosign's formats.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "sign/keys.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

Result<void> generate(const std::string& prefix, bool force) {
  std::filesystem::path priv = prefix + ".key";
  std::filesystem::path pub = prefix + ".pub";
  for (const auto& p : {priv, pub}) {
    if (!force && std::filesystem::exists(p)) {
      return fail(ErrorCode::usage, "'{}' already exists: remove it, choose another --output-key-prefix, or pass --force",
                  p.string());
    }
  }
  IG_ASSIGN(std::string password, sign::read_password("Enter password for private key: ", true));
  IG_ASSIGN(sign::PrivateKey key, sign::PrivateKey::generate_p256());
  IG_ASSIGN(std::string encrypted, key.to_encrypted_pem(password));
  // The private key file is created 0600 from the start, never widened later.
  IG_TRY(atomic_write_file(priv, encrypted, 0600));
  IG_TRY(atomic_write_file(pub, key.public_key().to_pem(), 0644));
  std::cerr << "Private key written to " << priv.string() << "\nPublic key written to " << pub.string() << "\n";
  return {};
}

}  // namespace

void register_key(CLI::App& app, GlobalOptions& /*global*/, Runner& run) {
  auto* key = app.add_subcommand("key", "Manage signing keys");
  key->require_subcommand(1);
  struct Opts {
    std::string prefix = "cosign";
    bool force = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* gen = key->add_subcommand(
      "generate",
      "Write an ECDSA P-256 key pair: PREFIX.key (encrypted, mode 0600) and PREFIX.pub. The password comes from "
      "IMAGEGATE_PASSWORD (or COSIGN_PASSWORD), else a prompt");
  gen->add_option("--output-key-prefix", opts->prefix, "File name prefix for the key pair (default: cosign)");
  gen->add_flag("--force", opts->force, "Overwrite existing key files");
  gen->callback([&run, opts] {
    run = [opts]() -> int {
      auto r = generate(opts->prefix, opts->force);
      return r ? 0 : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
