#include "cli/check_support.h"

#include <cstdlib>

#include <fmt/format.h>

#include "cli/kms_keys.h"
#include "sign/attest.h"
#include "sign/cosign.h"
#include "sign/notation_verify.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::cli {

namespace {

using Status = policy::SignatureOutcome::Status;

Status status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::no_signatures: return Status::unsigned_image;
    case ErrorCode::untrusted_signer: return Status::untrusted;
    default: return Status::invalid;
  }
}

// Outcomes of several signers: any verified wins; then an invalid signature
// (someone tampered) outranks an untrusted signer, which outranks none.
int rank(Status s) {
  switch (s) {
    case Status::verified: return 4;
    case Status::invalid: return 3;
    case Status::untrusted: return 2;
    case Status::unsigned_image: return 1;
    case Status::not_checked: return 0;
  }
  return 0;
}

Result<policy::SignatureOutcome> check_one(const policy::Signer& s, const policy::SignatureRules& rules,
                                           const sign::SignedImage& t) {
  policy::SignatureOutcome out;
  switch (s.kind) {
    case policy::Signer::Kind::key: {
      IG_ASSIGN(sign::PublicKey key, load_public_key(s.key));
      sign::KeyVerifyOptions kopts;
      kopts.required_annotations = rules.annotations;
      IG_ASSIGN(auto reports, sign::verify_image_with_key(t, key, kopts));
      auto outcome = sign::overall_outcome(reports, t.image.digest);
      if (outcome) {
        out.status = Status::verified;
        for (const auto& r : reports) {
          if (r.verified) {
            out.signer = "key " + r.signer;
            break;
          }
        }
      } else {
        out.status = status_of(outcome.error().code);
        out.detail = fmt::format("key {}: {}", s.key, outcome.error().message);
      }
      return out;
    }
    case policy::Signer::Kind::keyless: {
      KeylessVerifyOptions k;
      k.trusted_root = s.trusted_root;
      k.identity = s.identity;
      k.identity_regexp = s.identity_regexp;
      k.issuer = s.issuer;
      k.issuer_regexp = s.issuer_regexp;
      k.insecure_ignore_tlog = s.insecure_ignore_tlog;
      IG_ASSIGN(auto kl, check_keyless(k, t));
      if (!kl.failure) {
        out.status = Status::verified;
        for (const auto& r : kl.results) {
          if (r.v.verified()) {
            out.signer = "keyless " + r.v.identity + " (issuer " + r.v.issuer + ")";
            break;
          }
        }
      } else {
        out.status = status_of(kl.failure->code);
        out.detail = "keyless: " + kl.failure->message;
      }
      return out;
    }
    case policy::Signer::Kind::notation: {
      IG_ASSIGN(auto tp, sign::notation::load_trust_policy(s.trust_policy));
      sign::notation::TrustStore store(s.trust_store);
      IG_ASSIGN(auto nv, sign::notation::verify_notation(*t.client, t.repo, t.image, tp, store));
      if (!nv.error) {
        out.status = Status::verified;
        if (const auto* ok = nv.accepted()) out.signer = "notation " + ok->signer_subject;
      } else {
        out.status = status_of(nv.error->code);
        out.detail = "notation: " + nv.error->message;
      }
      return out;
    }
  }
  return out;
}

}  // namespace

Result<policy::SignatureOutcome> check_signatures(const policy::SignatureRules& rules, const image::ResolvedImage& img,
                                                  const std::string& input, std::string& methods) {
  IG_ASSIGN(sign::SignedImage t, sign::signed_image_of(img, input));
  policy::SignatureOutcome best;
  std::string details;
  for (const auto& s : rules.signers) {
    methods += (methods.empty() ? "" : ",") + std::string(policy::signer_kind_name(s.kind));
    auto one = check_one(s, rules, t);
    if (!one) return fail(one.error().with_context(fmt::format("checking the signer from {}", s.origin)));
    if (one->status == Status::verified) return *one;
    if (!one->detail.empty()) details += (details.empty() ? "" : "; ") + one->detail;
    if (rank(one->status) > rank(best.status)) best.status = one->status;
  }
  best.detail = details;
  return best;
}

Result<void> load_vulnerability_details(scan::ScanReport& report, vulndb::Database& db) {
  for (const auto& f : report.findings) {
    if (report.vulnerabilities.contains(f.vulnerability_id)) continue;
    IG_ASSIGN(auto v, db.vulnerability(f.vulnerability_id));
    if (v) report.vulnerabilities.emplace(f.vulnerability_id, std::move(*v));
  }
  return {};
}

Result<std::vector<std::unique_ptr<policy::Sink>>> make_sinks(const std::string& output_dir,
                                                              const std::vector<std::string>& webhooks,
                                                              const std::vector<std::string>& slack_webhooks,
                                                              int timeout_seconds, bool notify_on_warn,
                                                              const aws::AwsSinkOptions& aws_sinks) {
  std::vector<std::unique_ptr<policy::Sink>> sinks;
  if (!output_dir.empty()) sinks.push_back(policy::make_directory_sink(output_dir));
  std::chrono::milliseconds backoff{500};
  if (const char* b = std::getenv("IMAGEGATE_RETRY_BASE_MS"); b && *b) backoff = std::chrono::milliseconds(std::atoi(b));
  for (auto [list, format] : {std::pair{&webhooks, policy::WebhookOptions::Format::json},
                              std::pair{&slack_webhooks, policy::WebhookOptions::Format::slack}}) {
    for (const auto& url : *list) {
      policy::WebhookOptions o;
      o.format = format;
      o.url = url;
      o.notify_on_warn = notify_on_warn;
      o.timeout = std::chrono::seconds(timeout_seconds);
      o.backoff = backoff;
      IG_ASSIGN(auto sink, policy::make_webhook_sink(std::move(o)));
      sinks.push_back(std::move(sink));
    }
  }
  IG_ASSIGN(auto aws, aws::make_aws_sinks(aws_sinks));
  for (auto& sink : aws) sinks.push_back(std::move(sink));
  return sinks;
}

Result<void> send_to_sinks(const std::vector<std::unique_ptr<policy::Sink>>& sinks, const policy::CheckRecord& record) {
  for (const auto& s : sinks) {
    if (!s->wants(*record.report)) continue;
    auto sent = s->send(record);
    if (sent) {
      log::info("sent the verdict to {}", s->name());
      continue;
    }
    if (s->required()) return fail(sent.error().with_context(s->name()));
    // A notification that did not arrive does not change the verdict.
    std::fprintf(stderr, "imagegate: warning: %s\n", sent.error().message.c_str());
  }
  return {};
}

Result<AttestedVerdict> find_verdict(const sign::SignedImage& target, const sign::PublicKey& key,
                                     const policy::AcceptRules& rules) {
  IG_ASSIGN(auto found, sign::find_attestations(target, key, policy::k_verdict_predicate_type));
  std::optional<AttestedVerdict> best;
  std::optional<Error> invalid, untrusted;
  for (auto& a : found) {
    auto refuse = [&](ErrorCode code, const std::string& why) {
      auto& slot = code == ErrorCode::untrusted_signer ? untrusted : invalid;
      if (!slot) slot = Error{code, fmt::format("the verdict attestation at {}: {}", a.location, why)};
    };
    if (!a.verified) {
      refuse(a.failure, a.message);
      continue;
    }
    auto p = policy::parse_predicate(a.statement.predicate);
    if (!p) {
      refuse(ErrorCode::invalid_signature, p.error().message);
      continue;
    }
    if (p->image_digest != target.image.digest) {
      refuse(ErrorCode::invalid_signature, fmt::format("its predicate is about {}, its subject about {}",
                                                       p->image_digest, target.image.digest));
      continue;
    }
    if (auto ok = policy::accept_predicate(*p, rules); !ok) {
      refuse(ErrorCode::invalid_signature, ok.error().message);
      continue;
    }
    if (!best || p->checked_at > best->predicate.checked_at) {
      best = AttestedVerdict{std::move(*p), a.location, a.signer};
    }
  }
  if (best) return std::move(*best);
  if (invalid) return fail(*invalid);
  if (untrusted) return fail(*untrusted);
  return fail(ErrorCode::no_signatures,
              "no verdict attestation for {}@{}: make one with `imagegate check --attest KEY`", target.name,
              target.image.digest);
}

Result<std::string> attest_verdict(const sign::SignedImage& target, const sign::Signer& signer,
                                   const policy::VerdictPredicate& predicate) {
  policy::VerdictPredicate p = predicate;
  p.image = target.name;
  p.image_digest = target.image.digest;
  std::string statement =
      sign::make_statement(target.name, target.image.digest, policy::k_verdict_predicate_type,
                           policy::predicate_to_json(p));
  IG_ASSIGN(std::string bundle, sign::make_statement_bundle(statement, signer));
  return sign::attach_attestation(target, bundle, policy::k_verdict_predicate_type,
                                  {{std::string(policy::k_verdict_annotation), "v1"}});
}

}  // namespace ig::cli
