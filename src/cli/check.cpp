// imagegate check IMAGE [--policy FILE]: the deploy gate. Resolves the image
// once, then on that digest: signatures (a required signature that is missing
// or bad denies before any scan work), vulnerabilities (the scan's path),
// the image config, licenses; prints one verdict and exits 0 (allow, warn),
// 20–23 (deny, by cause) or 2–7 (the tool could not decide).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "aws/ecr_findings.h"
#include "cli/aws_findings.h"
#include "cli/check_support.h"
#include "cli/command.h"
#include "cli/image_identity.h"
#include "cli/kms_keys.h"
#include "cli/list_flags.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/report_output.h"
#include "inventory/catalog.h"
#include "policy/attestation.h"
#include "policy/check_document.h"
#include "policy/check_report.h"
#include "policy/policy.h"
#include "policy/sink.h"
#include "policy/vex.h"
#include "report/sbom.h"
#include "scan/db_age.h"
#include "scan/gate.h"
#include "scan/matcher.h"
#include "scan/scan_document.h"
#include "scan/scan_json.h"
#include "scan/scan_sarif.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "vulndb/database.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

namespace {

struct CheckOptions {
  std::string image;
  std::string policy_file;
  std::string format = "table";
  std::string output;
  std::string template_file;
  std::string output_dir;
  std::string digest_file;
  std::vector<std::string> severities;
  std::string threshold;
  bool ignore_unfixed = false;
  std::vector<std::string> ignore_files;
  std::vector<std::string> vex;
  std::vector<std::string> keys;
  KeylessVerifyOptions keyless;
  NotationVerifyOptions notation;
  bool fail_on_unsigned = false;
  bool no_fail_on_unsigned = false;
  bool notify_only = false;
  std::vector<std::string> webhooks;
  std::vector<std::string> slack_webhooks;
  bool notify_on_warn = false;
  int webhook_timeout = 10;
  aws::AwsSinkOptions aws_sinks;
  std::string attest_key;  // sign the verdict with this key and attach it
  std::string reuse_key;   // accept an earlier verdict signed by this public key
  std::string max_age = "24h";
  FindingsFromOptions findings_from;
  ImageOptions image_opts;
};

Result<scan::Severity> severity_flag(std::string_view flag, std::string_view value) {
  if (value == "UNDEFINED" || value == "INFORMATIONAL") return scan::Severity::unknown;
  if (auto s = scan::parse_severity(value)) return *s;
  return fail(ErrorCode::usage, "{} '{}' is not a severity: use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN", flag, value);
}

// The policy file (or the default), with the flags laid over it.
Result<policy::Policy> applied_policy(const CheckOptions& o) {
  policy::Policy p;
  if (o.policy_file.empty()) {
    p = policy::default_policy();
  } else {
    IG_ASSIGN(p, policy::load_policy(o.policy_file));
  }
  auto& v = p.vulnerabilities;
  if (!o.severities.empty()) {
    v.enabled = true;
    v.severities.clear();
    for (const auto& s : split_commas(o.severities)) {
      IG_ASSIGN(auto sev, severity_flag("--severity", s));
      v.severities.insert(sev);
    }
    if (o.threshold.empty()) v.threshold.reset();
  }
  if (!o.threshold.empty()) {
    v.enabled = true;
    IG_ASSIGN(v.threshold, severity_flag("--severity-threshold", o.threshold));
    if (o.severities.empty()) v.severities.clear();
  }
  if (o.ignore_unfixed) v.ignore_unfixed = true;
  for (const auto& f : o.ignore_files) v.ignore_files.push_back(f);
  for (const auto& f : o.vex) v.vex.push_back(f);

  // Signer flags replace the file's signers: the command line says who signs.
  std::vector<policy::Signer> signers;
  for (const auto& k : o.keys) {
    policy::Signer s;
    s.kind = policy::Signer::Kind::key;
    s.key = k;
    s.origin = "--key";
    signers.push_back(std::move(s));
  }
  if (o.keyless.requested()) {
    policy::Signer s;
    s.kind = policy::Signer::Kind::keyless;
    s.identity = o.keyless.identity;
    s.identity_regexp = o.keyless.identity_regexp;
    s.issuer = o.keyless.issuer;
    s.issuer_regexp = o.keyless.issuer_regexp;
    s.trusted_root = o.keyless.trusted_root;
    s.insecure_ignore_tlog = o.keyless.insecure_ignore_tlog;
    s.origin = "--certificate-identity";
    signers.push_back(std::move(s));
  }
  if (o.notation.requested()) {
    policy::Signer s;
    s.kind = policy::Signer::Kind::notation;
    s.trust_policy = o.notation.trust_policy;
    s.trust_store = o.notation.trust_store;
    s.origin = "--notation-trust-policy";
    signers.push_back(std::move(s));
  }
  if (!signers.empty()) {
    p.signatures.enabled = true;
    p.signatures.signers = std::move(signers);
  }
  if (o.fail_on_unsigned && o.no_fail_on_unsigned) {
    return fail(ErrorCode::usage, "--fail-on-unsigned and --no-fail-on-unsigned exclude each other; give one");
  }
  if (o.fail_on_unsigned || o.no_fail_on_unsigned) {
    if (!p.signatures.enabled) {
      return fail(ErrorCode::usage,
                  "--{}fail-on-unsigned needs signers: give --key, the keyless options or --notation-trust-policy, or "
                  "a policy with signatures.signers",
                  o.no_fail_on_unsigned ? "no-" : "");
    }
    p.signatures.required = o.fail_on_unsigned;
  }
  if (o.notify_only) {
    // ecr-scan-verifier's failOnVulnerability: false, for every rule.
    p.signatures.mode = v.mode = policy::Mode::notify;
    for (auto* r : {&v.kev, &v.epss_min, &v.cvss_min, &p.config.runs_as_root, &p.config.no_healthcheck,
                    &p.config.secrets, &p.config.max_age_days, &p.config.allowed_registries, &p.config.denied_tags}) {
      r->mode = policy::Mode::notify;
    }
    p.licenses.warn.insert(p.licenses.warn.end(), p.licenses.deny.begin(), p.licenses.deny.end());
    p.licenses.deny.clear();
  }
  return p;
}

// The gate's options: the policy's waivers, its ignore files and its VEX
// statements. `vex_origins` gets the VEX rules' origins, whose "matched no
// finding" warnings are noise (a VEX document covers more than one image).
Result<scan::GateOptions> gate_of(const policy::Policy& p, std::set<std::string>& vex_origins) {
  scan::GateOptions g;
  g.ignore_unfixed = p.vulnerabilities.ignore_unfixed;
  g.ignore_statuses = p.vulnerabilities.ignore_statuses;
  g.ignores = p.vulnerabilities.ignores;
  for (const auto& f : p.vulnerabilities.ignore_files) {
    auto rules = scan::load_ignore_file(f);
    if (!rules) return fail(rules.error().with_context(fmt::format("reading the ignore file {}", f)));
    g.ignores.insert(g.ignores.end(), rules->begin(), rules->end());
  }
  for (const auto& f : p.vulnerabilities.vex) {
    IG_ASSIGN(auto rules, policy::load_vex(f));
    for (const auto& r : rules) vex_origins.insert(r.origin);
    g.ignores.insert(g.ignores.end(), rules.begin(), rules.end());
  }
  g.today = scan::utc_today();
  return g;
}

// Whether the policy reads the image itself (its signatures, config or
// packages), rather than only findings an AWS service already holds.
bool policy_reads_image(const policy::Policy& p, bool engine_findings) {
  const auto& c = p.config;
  bool config = c.runs_as_root.enabled || c.no_healthcheck.enabled || c.secrets.enabled || c.max_age_days.enabled ||
                c.allowed_registries.enabled || c.denied_tags.enabled;
  return (p.vulnerabilities.enabled && engine_findings) || p.signatures.enabled || config ||
         !p.licenses.deny.empty() || !p.licenses.warn.empty();
}

struct Scanned {
  scan::ScanReport report;
  inventory::Inventory inventory;
  std::vector<scan::Finding> considered;  // after the gate's filters, before the severity rule
};

Result<vulndb::Database> open_db(const GlobalOptions& global) {
  auto db_path = database_path(global);
  auto db = vulndb::Database::open(db_path, vulndb::Database::Mode::read);
  if (!db && db.error().code == ErrorCode::not_found) {
    return fail(ErrorCode::not_found,
                "no vulnerability database at {}: create one with `imagegate db import SOURCE...` or point --db at one",
                db_path.string());
  }
  return db;
}

// --reuse-attestation: the verdict a valid, fresh attestation of this digest
// under this policy records, printed as check prints its own; nullopt when
// there is none (why is logged), so the check runs.
Result<std::optional<int>> reuse_attested(const CheckOptions& o, const image::ResolvedImage& img,
                                          const sign::PublicKey& key, const policy::AcceptRules& rules, bool quiet) {
  IG_ASSIGN(sign::SignedImage target, sign::signed_image_of(img, o.image));
  auto found = find_verdict(target, key, rules);
  if (!found) {
    if (found.error().code == ErrorCode::network) return fail(found.error());
    log::warn("no reusable verdict ({}); checking the image", found.error().message);
    return std::optional<int>{};
  }
  // Said even in table mode: whoever reads the verdict must know it is a
  // stored one.
  if (!quiet) {
    fmt::print(stderr, "imagegate: reusing the verdict attested at {} on {} (key {}); nothing else was checked\n",
               found->location, found->predicate.checked_at, found->signer);
  }
  policy::CheckReport report = policy::report_of(found->predicate);
  report.image_name = img.name;
  IG_TRY(write_output(o.format == "json" ? policy::write_check_json(report) : policy::write_check_table(report),
                   o.output));
  if (!o.digest_file.empty()) {
    std::string pinned = img.reference ? img.reference->name() + "@" + img.digest : img.digest;
    IG_TRY(atomic_write_file(o.digest_file, pinned + "\n"));
  }
  return std::optional<int>{report.exit_code};
}

// The gate's warnings, less "VEX rule matched no finding" (a VEX document covers more than one image).
std::vector<std::string> useful_warnings(std::vector<std::string> warnings, const std::set<std::string>& vex_origins) {
  std::erase_if(warnings, [&](const std::string& w) {
    return std::any_of(vex_origins.begin(), vex_origins.end(), [&](const std::string& origin) {
      return w.find("(" + origin + ") matched no finding") != std::string::npos;
    });
  });
  return warnings;
}

// --findings-from ecr|inspector under a policy that reads nothing else of the
// image: ECR names the digest, the AWS findings go through the same gate,
// evaluation, outputs and sinks, and no image byte is pulled.
Result<int> check_aws_findings_only(const CheckOptions& o, const policy::Policy& pol, const scan::GateOptions& gate,
                                    const std::set<std::string>& vex_origins,
                                    const std::vector<std::unique_ptr<policy::Sink>>& sinks) {
  IG_ASSIGN(auto found, fetch_aws_findings(o.findings_from, o.image, ""));
  for (const auto& n : found.notes) log::warn("{}", n);
  auto gated = scan::apply_gate(std::move(found.findings), gate);
  scan::ScanReport scanned;
  scanned.image_name = o.image;
  scanned.image_digest = found.digest;
  scanned.tool_version = IG_VERSION;
  scanned.warnings = useful_warnings(std::move(gated.warnings), vex_origins);

  policy::CheckReport report;
  report.image_name = o.image;
  report.image_digest = found.digest;
  auto at = o.image.find_first_of("@");
  std::string repo = o.image.substr(0, at);
  if (auto colon = repo.rfind(':'); colon != std::string::npos && repo.find('/', colon) == std::string::npos) {
    repo.resize(colon);
  }
  report.repository = repo;
  std::string applied = policy::policy_to_json(pol);
  report.policy_source = pol.source;
  report.policy_digest = sha256_digest(applied);
  report.checked_on = scan::utc_today();
  policy::EvaluationInput in;
  in.today = report.checked_on;
  in.findings = gated.findings;
  policy::count_findings(report, gated.findings);
  report.suppressed = gated.suppressed.size();
  for (const auto& sup : gated.suppressed) {
    report.waived.push_back(fmt::format("{} in {} {}: {}", sup.finding.vulnerability_id, sup.finding.package_name,
                                        sup.finding.package_version, sup.reason));
  }
  report.warnings = scanned.warnings;
  report.scanned = true;
  report.verdict = policy::evaluate(pol, in);
  report.exit_code = policy::verdict_exit_code(report.verdict);
  scanned.findings = std::move(gated.findings);
  scanned.suppressed = std::move(gated.suppressed);
  if (o.format != "table") {
    for (const auto& w : report.warnings) log::warn("{}", w);
  }
  std::string doc;
  if (o.format == "json") doc = policy::write_check_json(report);
  else if (o.format == "sarif") doc = scan::write_sarif(scanned);
  else doc = policy::write_check_table(report);
  IG_TRY(write_output(doc, o.output));
  if (!o.digest_file.empty()) IG_TRY(atomic_write_file(o.digest_file, repo + "@" + found.digest + "\n"));

  policy::CheckRecord record;
  record.report = &report;
  record.verdict_json = policy::write_check_json(report);
  record.summary = policy::write_check_table(report);
  record.policy_json = applied;
  record.findings_json = scan::write_json(scanned);
  IG_TRY(send_to_sinks(sinks, record));
  return report.exit_code;
}

aws::AwsSinkOptions sinks_with_warn(const CheckOptions& o) {
  aws::AwsSinkOptions a = o.aws_sinks;
  a.notify_on_warn = o.notify_on_warn;
  return a;
}

Result<int> run_check(const GlobalOptions& global, const CheckOptions& o) {
  IG_ASSIGN(policy::Policy pol, applied_policy(o));
  IG_TRY(o.findings_from.validate());
  const bool engine_findings = o.findings_from.engine();
  // Everything that can fail on the user's input fails before any network.
  std::set<std::string> vex_origins;
  IG_ASSIGN(auto gate, gate_of(pol, vex_origins));
  IG_ASSIGN(ReportRequest req, prepare_report(o.format, o.template_file));
  IG_ASSIGN(auto sinks, make_sinks(o.output_dir, o.webhooks, o.slack_webhooks, o.webhook_timeout, o.notify_on_warn,
                                   sinks_with_warn(o)));
  const bool need_catalog =
      (pol.vulnerabilities.enabled && engine_findings) || !pol.licenses.deny.empty() || !pol.licenses.warn.empty();
  // ECR or Inspector findings alone, under a policy that reads nothing else of
  // the image: the image is never pulled (ecr-scan-verifier's way).
  const bool read_image = policy_reads_image(pol, engine_findings) || !o.attest_key.empty() || !o.reuse_key.empty();
  std::optional<sign::Signer> attester;
  if (!o.attest_key.empty()) {
    IG_ASSIGN(attester, load_signer(o.attest_key));
  }
  std::optional<sign::PublicKey> reuse_key;
  policy::AcceptRules accept;
  if (!o.reuse_key.empty()) {
    if (o.format != "table" && o.format != "json") {
      return fail(ErrorCode::usage, "--reuse-attestation prints the stored verdict as a table or JSON only: use --format "
                  "table or json");
    }
    IG_ASSIGN(reuse_key, load_public_key(o.reuse_key));
    IG_ASSIGN(accept.max_age_seconds, scan::parse_max_age("--max-age", o.max_age));
  }
  std::optional<vulndb::Database> db;
  // A reused verdict needs no database: open it only when the check runs.
  if (pol.vulnerabilities.enabled && engine_findings && !reuse_key) {
    IG_ASSIGN(auto opened, open_db(global));
    db.emplace(std::move(opened));
  }

  if (!read_image) return check_aws_findings_only(o, pol, gate, vex_origins, sinks);
  IG_ASSIGN(auto ro, o.image_opts.to_resolve_options(global));
  // The one resolution: every step below works on img.digest.
  IG_ASSIGN(image::ResolvedImage img, image::resolve(o.image, ro));
  // Attestations live beside a registry image: refuse other inputs before
  // any work.
  std::optional<sign::SignedImage> attest_target;
  if (attester) {
    IG_ASSIGN(attest_target, sign::signed_image_of(img, o.image));
  }
  std::string applied = policy::policy_to_json(pol);
  if (reuse_key) {
    accept.policy_digest = sha256_digest(applied);
    accept.now = std::time(nullptr);
    IG_ASSIGN(auto reused, reuse_attested(o, img, *reuse_key, accept, global.quiet));
    if (reused) return *reused;
    if (pol.vulnerabilities.enabled && engine_findings) {
      IG_ASSIGN(auto opened, open_db(global));
      db.emplace(std::move(opened));
    }
  }

  policy::CheckReport report;
  report.image_name = img.name;
  report.image_digest = img.digest;
  if (img.reference) report.repository = img.reference->name();
  report.tag = identity_of(img).tag;
  report.policy_source = pol.source;
  report.policy_digest = sha256_digest(applied);
  report.checked_on = scan::utc_today();

  policy::EvaluationInput in;
  in.today = report.checked_on;
  if (pol.signatures.enabled) {
    IG_ASSIGN(in.signature, check_signatures(pol.signatures, img, o.image, report.signature_method));
  }
  report.signature = in.signature;
  auto sig_reasons = policy::evaluate_signatures(pol, in.signature);
  policy::Verdict verdict = policy::decide(sig_reasons);
  std::optional<Scanned> scanned;
  std::string db_built;
  std::vector<std::string> db_sources;
  if (verdict.decision != policy::Decision::deny) {
    auto identity = identity_of(img);
    in.image.name = img.name;
    if (img.reference) {
      in.image.registry = img.reference->registry;
      in.image.repository_name = img.reference->name();
    }
    in.image.tag = identity.tag;
    policy::read_config_facts(img.config_raw, in.image);
    const bool aws_findings = o.findings_from.aws() && pol.vulnerabilities.enabled;
    if (need_catalog || aws_findings) {
      Scanned s;
      if (need_catalog) {
        attach_progress(img, global);
        image::WalkOptions walk;
        walk.cache_dir = ro.cache_dir;
        walk.use_cache = ro.use_cache;
        IG_ASSIGN(s.inventory, inventory::catalog(img, walk));
      }
      if (db || aws_findings) {
        scan::MatchResult matched;
        if (db) {
          IG_ASSIGN(matched, scan::match(s.inventory, *db));
        }
        if (aws_findings) {
          IG_ASSIGN(auto found, fetch_aws_findings(o.findings_from, o.image, img.digest));
          for (const auto& n : found.notes) log::warn("{}", n);
          matched.findings = engine_findings ? aws::merge_findings(std::move(matched.findings), "imagegate",
                                                                   std::move(found.findings))
                                             : std::move(found.findings);
        }
        vulndb::DatabaseStatus status;
        if (db) {
          IG_ASSIGN(status, db->status());
          db_built = status.built_at.empty() ? status.updated_at : status.built_at;
          for (const auto& src : status.sources) db_sources.push_back(src.name);
        }
        auto gated = scan::apply_gate(std::move(matched.findings), gate);
        s.report.image_name = img.name;
        s.report.image_digest = img.digest;
        s.report.os = s.inventory.os;
        s.report.distro_release = scan::distro_release_key(s.inventory.os);
        s.report.db_schema_version = status.schema_version;
        s.report.db_built = status.built_at;
        s.report.db_updated = status.updated_at;
        s.report.tool_version = IG_VERSION;
        s.considered = gated.findings;
        s.report.findings = std::move(gated.findings);
        s.report.suppressed = std::move(gated.suppressed);
        s.report.warnings = matched.warnings;
        for (auto& w : useful_warnings(std::move(gated.warnings), vex_origins)) {
          s.report.warnings.push_back(std::move(w));
        }
        if (db && (o.format == "sarif" || !o.output_dir.empty())) IG_TRY(load_vulnerability_details(s.report, *db));
      }
      scanned = std::move(s);
    }
    if (scanned) {
      in.findings = scanned->considered;
      in.inventory = &scanned->inventory;
      policy::count_findings(report, scanned->considered);
      report.suppressed = scanned->report.suppressed.size();
      for (const auto& sup : scanned->report.suppressed) {
        report.waived.push_back(fmt::format("{} in {} {}: {}", sup.finding.vulnerability_id, sup.finding.package_name,
                                            sup.finding.package_version, sup.reason));
      }
      report.warnings = scanned->report.warnings;
    }
    report.scanned = true;
    verdict = policy::evaluate(pol, in);
  }
  report.verdict = std::move(verdict);
  report.exit_code = policy::verdict_exit_code(report.verdict);
  if (attester) {
    // Every computed verdict is attested, deny too: a deployer then trusts
    // the refusal as much as the approval.
    auto predicate = policy::predicate_of(report, db_built, db_sources, std::time(nullptr), IG_VERSION);
    IG_ASSIGN(std::string where, attest_verdict(*attest_target, *attester, predicate));
    if (!global.quiet) {
      fmt::print(stderr, "imagegate: attested the verdict ({}) as referrer {} of {}\n",
                 policy::decision_name(report.verdict.decision), where, attest_target->image.digest);
    }
  }
  // The table shows warnings itself.
  if (o.format != "table") {
    for (const auto& w : report.warnings) log::warn("{}", w);
  }

  std::string doc;
  if (req.format) {
    auto rdoc = document_of(img, "check", IG_VERSION);
    if (scanned) report::add_inventory(rdoc, scanned->inventory, true);
    if (scanned && db) scan::add_scan(rdoc, scanned->report);
    policy::add_check(rdoc, report, pol);
    IG_ASSIGN(doc, render_report(rdoc, req));
  } else if (o.format == "json") doc = policy::write_check_json(report);
  else if (o.format == "sarif") doc = scan::write_sarif(scanned ? scanned->report : scan::ScanReport{});
  else doc = policy::write_check_table(report);
  IG_TRY(write_output(doc, o.output));

  if (!o.digest_file.empty()) {
    std::string pinned = img.reference ? img.reference->name() + "@" + img.digest : img.digest;
    IG_TRY(atomic_write_file(o.digest_file, pinned + "\n"));
  }

  policy::CheckRecord record;
  record.report = &report;
  record.verdict_json = policy::write_check_json(report);
  record.summary = policy::write_check_table(report);
  record.policy_json = applied;
  if (scanned) {
    record.findings_json = scan::write_json(scanned->report);
    report::SbomFormat cdx{report::SbomFormatKind::cyclonedx, report::CycloneDxVersion::v1_6};
    record.sbom_json =
        report::write_sbom(report::SbomInput{identity_of(img), scanned->inventory, IG_VERSION, std::nullopt}, cdx);
  }
  IG_TRY(send_to_sinks(sinks, record));
  return report.exit_code;
}

}  // namespace

void register_check(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Decide whether an image may be deployed under a policy (signatures, vulnerabilities, config, licenses). Exit "
      "codes: 0 allow or warn, 20 denied by signatures, 21 by vulnerabilities, 22 by config, 23 by licenses");
  cmd->add_option("IMAGE", o->image,
                  "Image: REF | oci:DIR[:tag|@digest] | oci-archive:FILE | docker-archive:FILE | dir:PATH")
      ->required();
  cmd->add_option("--policy", o->policy_file,
                  "Policy file (YAML or JSON; docs/check.md). Without it: CRITICAL vulnerabilities deny");
  cmd->add_option("-f,--format", o->format,
                  "Output: table (default), json (docs/check.md), sarif (the findings), html, markdown, junit (one test "
                  "case per rule), gitlab (container-scanning report of the findings) or template (--template FILE); "
                  "docs/report-formats.md")
      ->check(CLI::IsMember({"table", "json", "sarif", "html", "markdown", "junit", "gitlab", "template"}));
  add_template_option(*cmd, o->template_file);
  cmd->add_option("-o,--output", o->output, "Write the output to FILE instead of standard output");
  cmd->add_option("--output-dir", o->output_dir,
                  "Also write verdict.json, findings.json, summary.txt, sbom.cdx.json and policy.applied.json here");
  cmd->add_option("--digest-file", o->digest_file, "Write REPOSITORY@sha256:… of the image checked to FILE");
  cmd->add_option("--severity", o->severities,
                  "Deny findings of these severities (comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)");
  cmd->add_option("--severity-threshold", o->threshold, "Deny findings of this severity and more severe ones");
  cmd->add_flag("--ignore-unfixed", o->ignore_unfixed, "Findings without a fixed version do not count");
  cmd->add_option("--ignore-file,--ignorefile", o->ignore_files,
                  "Ignore file (imagegate YAML, .trivyignore, .trivyignore.yaml); repeatable");
  cmd->add_option("--vex", o->vex,
                  "OpenVEX or CycloneDX VEX document: not_affected/fixed statements waive findings; repeatable");
  cmd->add_option("--key", o->keys, "Accept signatures by this public key (PEM file or awskms://); repeatable");
  add_keyless_options(*cmd, o->keyless);
  add_notation_options(*cmd, o->notation);
  cmd->add_flag("--fail-on-unsigned", o->fail_on_unsigned, "An unsigned image is denied (the default with signers)");
  cmd->add_flag("--no-fail-on-unsigned", o->no_fail_on_unsigned, "An unsigned image only warns");
  cmd->add_flag("--notify-only", o->notify_only, "Every rule only warns: the verdict is at most warn, exit 0");
  cmd->add_option("--webhook", o->webhooks, "POST the verdict JSON to this URL on deny (and warn with --notify-on-warn)");
  cmd->add_option("--slack-webhook", o->slack_webhooks, "Send a Slack message to this incoming-webhook URL on deny");
  cmd->add_flag("--notify-on-warn", o->notify_on_warn, "Also notify the webhooks and --sns-topic when the verdict is warn");
  cmd->add_option("--webhook-timeout", o->webhook_timeout, "Seconds per webhook attempt (default 10)")
      ->check(CLI::Range(1, 300));
  cmd->add_option("--s3-output", o->aws_sinks.s3_output,
                  "Write verdict.json, summary.txt, findings.json, sbom.json and policy.applied.json under "
                  "s3://BUCKET/PREFIX/<repository>_<tag>/<YYYYMMDDTHHMMSSZ>/ (docs/aws.md)");
  cmd->add_option("--s3-kms-key", o->aws_sinks.s3_kms_key, "Encrypt the --s3-output objects with this KMS key (SSE-KMS)");
  cmd->add_option("--cloudwatch-log-group", o->aws_sinks.log_group,
                  "Write the verdict, summary, findings and SBOM to this CloudWatch Logs group, a stream per image and kind");
  cmd->add_flag("--cloudwatch-create-log-group", o->aws_sinks.create_log_group,
                "Create the --cloudwatch-log-group when it does not exist");
  cmd->add_option("--sns-topic", o->aws_sinks.sns_topic,
                  "Publish an alert to this SNS topic ARN on deny (and warn with --notify-on-warn): text for email, "
                  "AWS Chatbot JSON for https");
  cmd->add_option("--eventbridge-bus", o->aws_sinks.eventbridge_bus,
                  "Send every verdict as an event (source imagegate) to this EventBridge bus (name, ARN or default)");
  cmd->add_option("--attest", o->attest_key,
                  "Sign the verdict (allow, warn or deny) with this private key (PEM from `key generate`, password "
                  "from IMAGEGATE_PASSWORD; or awskms://) and attach it to the image as an in-toto attestation");
  cmd->add_option("--reuse-attestation", o->reuse_key,
                  "If the image has a valid verdict attestation signed by this public key (PEM or awskms://) for the "
                  "same digest and policy, newer than --max-age, print it and exit with its code; no other work");
  cmd->add_option("--max-age", o->max_age, "Oldest attested verdict --reuse-attestation takes (default 24h; s, m, h, d, w)");
  o->findings_from.add_to(*cmd);
  o->image_opts.add_to(*cmd);
  cmd->callback([&global, &run, o] {
    run = [&global, o]() -> int {
      auto code = run_check(global, *o);
      return code ? *code : report_error(code.error());
    };
  });
}

}  // namespace ig::cli
