// imagegate verify, Notation method: options, output, exit code.
#include "cli/verify_notation.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sign/notation_verify.h"

namespace ig::cli {

namespace notation = sign::notation;

void add_notation_options(CLI::App& cmd, NotationVerifyOptions& o) {
  cmd.add_option("--notation-trust-policy", o.trust_policy,
                 "Verify Notation signatures under this trustpolicy.json (Notary Project trust policy 1.0)");
  cmd.add_option("--notation-trust-store", o.trust_store,
                 "Notation trust store directory: x509/{ca,signingAuthority,tsa}/NAME/*.pem");
}

namespace {

nlohmann::json signature_json(const notation::SignatureVerification& s) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : s.checks) {
    checks.push_back({{"name", notation::check_name(c.check)},
                      {"action", notation::action_name(c.action)},
                      {"status", notation::check_status_name(c.status)},
                      {"detail", c.detail}});
  }
  nlohmann::json j{{"manifest_digest", s.manifest_digest}, {"envelope", s.format},
                   {"signing_scheme", s.signing_scheme},   {"algorithm", s.algorithm},
                   {"signer", s.signer_subject},           {"issuer", s.signer_issuer},
                   {"verified", s.verified()},              {"checks", checks},
                   {"warnings", s.warnings}};
  if (s.signing_time) j["signing_time"] = notation::format_rfc3339(*s.signing_time);
  if (s.timestamp) j["timestamp"] = notation::format_rfc3339(*s.timestamp);
  if (s.aws_signer) {
    j["aws_signer"] = {{"signing_profile_version", s.aws_signing_profile_version}, {"signing_job", s.aws_signing_job}};
  }
  if (s.error) j["error"] = {{"code", error_code_name(s.error->code)}, {"message", s.error->message}};
  return j;
}

void print_json(const sign::SignedImage& t, const notation::NotationVerification& v) {
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : v.signatures) sigs.push_back(signature_json(s));
  nlohmann::json j{{"image", t.name},
                   {"digest", t.image.digest},
                   {"method", "notation"},
                   {"trust_policy", v.policy_name},
                   {"level", notation::level_name(v.level)},
                   {"verified", v.verified()},
                   {"signatures", sigs}};
  if (v.level == notation::Level::skip) j["skipped"] = true;
  if (v.error) {
    j["error"] = {{"code", error_code_name(v.error->code)},
                  {"exit_code", v.error->exit_code()},
                  {"message", v.error->message}};
  }
  std::cout << j.dump(2) << "\n";
}

void print_text(const sign::SignedImage& t, const notation::NotationVerification& v) {
  std::cout << "Image: " << t.name << "@" << t.image.digest << "\nNotation trust policy: " << v.policy_name
            << " (level " << notation::level_name(v.level) << ")\n";
  if (v.level == notation::Level::skip) {
    std::cout << "Skipped: the policy's level is skip, so no signature was fetched or verified\n";
    return;
  }
  for (const auto& s : v.signatures) {
    std::cout << (s.verified() ? "  VERIFIED  " : "  FAILED    ") << s.format << " " << s.signing_scheme << " "
              << s.algorithm << " signature " << s.manifest_digest << "\n    signer: " << s.signer_subject << "\n";
    if (s.aws_signer) std::cout << "    AWS Signer profile: " << s.aws_signing_profile_version << "\n";
    for (const auto& c : s.checks) {
      std::cout << "    " << notation::check_status_name(c.status) << " (" << notation::action_name(c.action)
                << "): " << notation::check_name(c.check) << " - " << c.detail << "\n";
    }
  }
  if (const auto* ok = v.accepted()) {
    std::cout << "Verified: Notation signature by '" << ok->signer_subject << "'";
    if (!ok->warnings.empty()) std::cout << ", with " << ok->warnings.size() << " logged failure(s)";
    std::cout << "\n";
  }
}

}  // namespace

Result<int> verify_with_notation(const NotationVerifyOptions& o, const sign::SignedImage& t, const std::string& output) {
  if (o.trust_policy.empty() || o.trust_store.empty()) {
    return fail(ErrorCode::usage, "Notation verification needs both --notation-trust-policy FILE and "
                                  "--notation-trust-store DIR");
  }
  IG_ASSIGN(auto policy, notation::load_trust_policy(o.trust_policy));
  notation::TrustStore store(o.trust_store);
  IG_ASSIGN(auto result, notation::verify_notation(*t.client, t.repo, t.image, policy, store));
  if (const auto* ok = result.accepted()) {
    for (const auto& w : ok->warnings) std::cerr << "warning: Notation " << w << "\n";
  }
  if (output == "json") print_json(t, result);
  else print_text(t, result);
  return result.error ? report_error(*result.error) : 0;
}

}  // namespace ig::cli
