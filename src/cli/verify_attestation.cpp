// imagegate verify-attestation IMAGE --key PUB: finds the verdict that
// `check --attest` signed for this digest and says whether it still holds
// (signed by the key, about this digest, under the given policy, fresh), so
// a deployer can trust an earlier check instead of running it again.
#include <nlohmann/json.hpp>

#include "cli/check_support.h"
#include "cli/command.h"
#include "cli/kms_keys.h"
#include "policy/attestation.h"
#include "scan/db_age.h"
#include "util/digest.h"
#include "util/log.h"

#include <ctime>
#include <iostream>

namespace ig::cli {

namespace {

struct VerifyAttestationOpts {
  std::string image;
  std::string key;
  std::string policy_digest;
  std::string max_age = "24h";
  std::string format = "table";
  ImageOptions image_opts;
};

Result<int> run_verify_attestation(const VerifyAttestationOpts& o, const GlobalOptions& global) {
  policy::AcceptRules rules;
  if (!o.policy_digest.empty()) {
    if (auto d = Digest::parse(o.policy_digest); !d) {
      return fail(ErrorCode::usage, "--policy-digest '{}' is not sha256:<64 hex>: copy it from `check -f json` "
                  "(.policy.digest)", o.policy_digest);
    }
    rules.policy_digest = o.policy_digest;
  }
  IG_ASSIGN(rules.max_age_seconds, scan::parse_max_age("--max-age", o.max_age));
  IG_ASSIGN(sign::PublicKey key, load_public_key(o.key));
  IG_ASSIGN(auto resolve_opts, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(sign::SignedImage target, sign::open_signed_image(o.image, resolve_opts));
  rules.now = std::time(nullptr);
  IG_ASSIGN(AttestedVerdict found, find_verdict(target, key, rules));
  policy::CheckReport report = policy::report_of(found.predicate);
  report.image_name = o.image;
  if (o.format == "json") {
    auto j = nlohmann::json::parse(policy::write_check_json(report));
    j["attestation"] = {{"location", found.location},
                        {"signer", found.signer},
                        {"checked_at", found.predicate.checked_at},
                        {"database", {{"built", found.predicate.db_built}, {"sources", found.predicate.db_sources}}}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << policy::write_check_table(report);
    if (!global.quiet) {
      std::cerr << "Attested at " << found.location << " on " << found.predicate.checked_at << " by key "
                << found.signer << "\n";
    }
  }
  return report.exit_code;
}

}  // namespace

void register_verify_attestation(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<VerifyAttestationOpts>();
  auto* cmd = app.add_subcommand(
      "verify-attestation",
      "Verify the verdict `check --attest` signed for an image. Exit codes: 0 allow or warn, 20–23 the attested "
      "deny, 10 no attestation, 11 invalid (tampered, other image, other policy, too old), 12 another key");
  cmd->add_option("IMAGE", o->image, "Image reference (REGISTRY/REPOSITORY[:TAG|@DIGEST])")->required();
  cmd->add_option("--key", o->key, "Public key of the attester (PEM file or awskms://)")->required();
  cmd->add_option("--policy-digest", o->policy_digest,
                  "Accept only a verdict made under this policy (sha256:…, `check -f json` .policy.digest)");
  cmd->add_option("--max-age", o->max_age, "Oldest verdict accepted (default 24h; s, m, h, d, w)");
  cmd->add_option("-f,--format", o->format, "Output: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  o->image_opts.add_to(*cmd);
  cmd->callback([&run, &global, o] {
    run = [&global, o]() -> int {
      auto r = run_verify_attestation(*o, global);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
