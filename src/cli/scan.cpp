// imagegate scan IMAGE: the image's packages matched against the vulnerability
// database, filtered by the gate, as a table, JSON, SARIF or CycloneDX with
// vulnerabilities.
#include <cstdio>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "aws/ecr_findings.h"
#include "cli/aws_findings.h"
#include "cli/command.h"
#include "cli/image_identity.h"
#include "cli/list_flags.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/report_output.h"
#include "image/resolve.h"
#include "inventory/catalog.h"
#include "scan/db_age.h"
#include "scan/gate.h"
#include "scan/matcher.h"
#include "scan/scan_cyclonedx.h"
#include "scan/scan_document.h"
#include "scan/scan_json.h"
#include "scan/scan_sarif.h"
#include "scan/scan_table.h"
#include "util/fs.h"
#include "util/log.h"
#include "vulndb/database.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

namespace {

struct ScanOptions {
  std::string image;
  std::string format = "table";
  std::string output;
  std::string template_file;
  std::vector<std::string> severities;
  std::string threshold;
  bool ignore_unfixed = false;
  std::vector<std::string> ignore_statuses;
  std::string ignore_file;
  int exit_code = 0;
  unsigned threads = 0;
  std::string db_max_age = "7d";
  bool skip_db_age_check = false;
  bool skip_db_update = false;  // accepted for Trivy users; imagegate never updates the database by itself
  std::vector<std::string> scanners;
  FindingsFromOptions findings_from;
  ImageOptions image_opts;
};

// Trivy's --scanners: imagegate has one scanner, so "vuln" is all it can take.
Result<void> check_scanners(const std::vector<std::string>& scanners) {
  for (const auto& s : scanners) {
    if (s != "vuln") {
      return fail(ErrorCode::usage,
                  "--scanners {}: imagegate scans only for known vulnerabilities; use --scanners vuln (or leave the "
                  "flag out)",
                  s);
    }
  }
  return {};
}

Result<scan::Severity> severity_option(std::string_view flag, std::string_view value) {
  auto s = scan::parse_severity(value);
  if (!s) {
    return fail(ErrorCode::usage, "{} '{}' is not a severity: use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN", flag,
                value);
  }
  return *s;
}

Result<scan::GateOptions> gate_options(const ScanOptions& o) {
  scan::GateOptions g;
  for (const auto& s : o.severities) {
    IG_ASSIGN(auto v, severity_option("--severity", s));
    g.severities.insert(v);
  }
  if (!o.threshold.empty()) {
    IG_ASSIGN(g.threshold, severity_option("--severity-threshold", o.threshold));
  }
  g.ignore_unfixed = o.ignore_unfixed;
  for (const auto& s : o.ignore_statuses) {
    auto st = vulndb::parse_fix_status(s);
    if (!st || *st == vulndb::FixStatus::not_affected) {
      return fail(ErrorCode::usage,
                  "--ignore-status '{}' is not a status: use fixed, affected, will_not_fix, fix_deferred or "
                  "end_of_life",
                  s);
    }
    g.ignore_statuses.insert(vulndb::fix_status_name(*st));
  }
  if (!o.ignore_file.empty()) {
    auto rules = scan::load_ignore_file(o.ignore_file);
    if (!rules) return fail(rules.error().with_context(fmt::format("reading --ignore-file {}", o.ignore_file)));
    g.ignores = std::move(*rules);
  }
  g.today = scan::utc_today();
  return g;
}

// Details of every reported vulnerability, for the SARIF and CycloneDX writers.
Result<void> load_details(scan::ScanReport& report, vulndb::Database& db) {
  for (const auto& f : report.findings) {
    if (report.vulnerabilities.contains(f.vulnerability_id)) continue;
    IG_ASSIGN(auto v, db.vulnerability(f.vulnerability_id));
    // A CVE known only as an alias has no record: describe it by the record that matched.
    if (!v && !f.fix_source.empty()) {
      IG_ASSIGN(v, db.vulnerability(f.fix_source));
    }
    if (!v) continue;
    v->id = f.vulnerability_id;
    v->aliases = f.aliases;  // every other id of the group, not only those this record names
    report.vulnerabilities.emplace(f.vulnerability_id, std::move(*v));
  }
  return {};
}

std::string render(const scan::ScanReport& report, const std::string& format, const report::SbomInput& sbom) {
  if (format == "json") return scan::write_json(report);
  if (format == "sarif") return scan::write_sarif(report);
  if (format == "cyclonedx") return scan::write_scan_cyclonedx(sbom, report);
  return scan::write_table(report);
}

// --findings-from ecr|inspector: the AWS service's findings through the same
// gate and writers; no image is read and no database is opened.
Result<int> run_aws_scan(const ScanOptions& o, const std::string& input, const scan::GateOptions& gate) {
  if (o.format == "cyclonedx") {
    return fail(ErrorCode::usage,
                "--format cyclonedx lists the image's packages, which only imagegate's own scan reads: use "
                "--findings-from engine or both, or another --format");
  }
  IG_ASSIGN(auto found, fetch_aws_findings(o.findings_from, input, ""));
  for (const auto& n : found.notes) log::warn("{}", n);
  auto gated = scan::apply_gate(std::move(found.findings), gate);
  scan::ScanReport report;
  report.image_name = input;
  report.image_digest = found.digest;
  report.findings = std::move(gated.findings);
  report.suppressed = std::move(gated.suppressed);
  report.warnings = std::move(gated.warnings);
  report.tool_version = IG_VERSION;
  for (const auto& w : report.warnings) log::warn("{}", w);
  IG_TRY(write_output(render(report, o.format, {}), o.output));
  return report.findings.empty() ? 0 : o.exit_code;
}

Result<int> run_scan(const GlobalOptions& global, const ScanOptions& o) {
  IG_TRY(check_scanners(o.scanners));
  IG_TRY(o.findings_from.validate());
  IG_ASSIGN(auto input, o.image_opts.image_input(o.image));
  IG_ASSIGN(auto gate, gate_options(o));
  IG_ASSIGN(ReportRequest req, prepare_report(o.format, o.template_file));
  if (!o.findings_from.engine()) return run_aws_scan(o, input, gate);
  int64_t max_age = 0;
  if (!o.skip_db_age_check) {
    IG_ASSIGN(max_age, scan::parse_max_age("--db-max-age", o.db_max_age));
  }
  auto db_path = database_path(global);
  auto db = vulndb::Database::open(db_path, vulndb::Database::Mode::read);
  if (!db) {
    if (db.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found,
                  "no vulnerability database at {}: create one with `imagegate db import SOURCE...` or point --db "
                  "at one",
                  db_path.string());
    }
    return fail(db.error());
  }
  IG_ASSIGN(auto ro, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(auto img, image::resolve(input, ro));
  attach_progress(img, global);
  image::WalkOptions walk;
  walk.threads = o.threads;
  walk.cache_dir = ro.cache_dir;
  walk.use_cache = ro.use_cache;
  IG_ASSIGN(auto inv, inventory::catalog(img, walk));
  IG_ASSIGN(auto matched, scan::match(inv, *db));
  if (o.findings_from.aws()) {
    // Pinned to the digest just read, so both sources describe the same manifest.
    IG_ASSIGN(auto found, fetch_aws_findings(o.findings_from, input, img.digest));
    for (const auto& n : found.notes) log::warn("{}", n);
    matched.findings = aws::merge_findings(std::move(matched.findings), "imagegate", std::move(found.findings));
  }
  IG_ASSIGN(auto status, db->status());
  auto gated = scan::apply_gate(std::move(matched.findings), gate);

  scan::ScanReport report;
  report.image_name = img.name;
  report.image_digest = img.digest;
  report.os = inv.os;
  report.distro_release = scan::distro_release_key(inv.os);
  report.db_schema_version = status.schema_version;
  report.db_built = status.built_at;
  report.db_updated = status.updated_at;
  report.findings = std::move(gated.findings);
  report.suppressed = std::move(gated.suppressed);
  report.tool_version = IG_VERSION;
  if (!o.skip_db_age_check) {
    if (auto w = scan::db_age_warning(status, max_age)) report.warnings.push_back(std::move(*w));
  }
  report.warnings.insert(report.warnings.end(), matched.warnings.begin(), matched.warnings.end());
  report.warnings.insert(report.warnings.end(), gated.warnings.begin(), gated.warnings.end());
  for (const auto& w : report.warnings) log::warn("{}", w);
  if (o.format == "sarif" || o.format == "cyclonedx") IG_TRY(load_details(report, *db));

  if (req.format) {
    auto doc = document_of(img, "scan", IG_VERSION);
    report::add_inventory(doc, inv, true);
    scan::add_scan(doc, report);
    IG_ASSIGN(auto text, render_report(doc, req));
    IG_TRY(write_output(text, o.output));
    return report.findings.empty() ? 0 : o.exit_code;
  }
  report::SbomInput sbom;
  if (o.format == "cyclonedx") sbom = report::SbomInput{identity_of(img), std::move(inv), IG_VERSION, std::nullopt};
  IG_TRY(write_output(render(report, o.format, sbom), o.output));
  return report.findings.empty() ? 0 : o.exit_code;
}

}  // namespace

void register_scan(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto opts = std::make_shared<ScanOptions>();
  auto* cmd = app.add_subcommand("scan", "Find known vulnerabilities in an image's packages");
  cmd->add_option("IMAGE", opts->image,
                  "Image: REF | oci:DIR[:tag|@digest] | oci-archive:FILE | docker-archive:FILE | dir:PATH (or use "
                  "--input FILE)");
  cmd->add_option("-f,--format", opts->format,
                  "Output format: table (default), json (docs/scan-json.md), sarif (SARIF 2.1.0 for GitHub code "
                  "scanning), cyclonedx (CycloneDX 1.6 SBOM with vulnerabilities; docs/scan-formats.md), html, "
                  "markdown, junit, gitlab (container-scanning report) or template (--template FILE); "
                  "docs/report-formats.md")
      ->check(CLI::IsMember({"table", "json", "sarif", "cyclonedx", "html", "markdown", "junit", "gitlab", "template"}));
  add_template_option(*cmd, opts->template_file);
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE (atomically) instead of standard output");
  // One value per occurrence: IMAGE is optional (--input), so a list option
  // left greedy would swallow it (`--severity CRITICAL IMAGE`).
  cmd->add_option("--severity", opts->severities,
                  "Report only these severities (comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)")
      ->allow_extra_args(false);
  cmd->add_option("--severity-threshold", opts->threshold, "Report only this severity and more severe ones");
  cmd->add_flag("--ignore-unfixed", opts->ignore_unfixed, "Drop findings that have no fixed version yet");
  cmd->add_option("--ignore-status", opts->ignore_statuses,
                  "Drop findings with these statuses (fixed, affected, will_not_fix, fix_deferred, end_of_life)")
      ->allow_extra_args(false);
  cmd->add_option("--ignore-file,--ignorefile", opts->ignore_file,
                  "Ignore file: imagegate YAML (ignore: [{id, purl, path, expires, statement}]), .trivyignore or "
                  ".trivyignore.yaml");
  cmd->add_option("--exit-code", opts->exit_code, "Exit with this code when findings remain after filtering (default 0)")
      ->check(CLI::Range(0, 255));
  cmd->add_option("--threads", opts->threads, "Layers analysed in parallel (default: number of CPUs)");
  cmd->add_option("--db-max-age", opts->db_max_age,
                  "Warn when the database is older than this (e.g. 36h, 3d, 2w; default 7d)");
  cmd->add_flag("--skip-db-age-check", opts->skip_db_age_check, "Do not warn about the database's age");
  cmd->add_flag("--skip-db-update", opts->skip_db_update,
                "Accepted for Trivy users and ignored: imagegate never updates the database by itself (run `imagegate "
                "db pull` or `db import` when you choose)");
  cmd->add_option("--scanners", opts->scanners, "Accepted for Trivy users: only 'vuln' (the one scanner imagegate has)")
      ->allow_extra_args(false);
  opts->findings_from.add_to(*cmd);
  opts->image_opts.add_to(*cmd);
  opts->image_opts.add_input_to(*cmd);
  cmd->callback([&global, &run, opts] {
    run = [&global, opts]() -> int {
      ScanOptions o = *opts;
      o.severities = split_commas(o.severities);
      o.ignore_statuses = split_commas(o.ignore_statuses);
      o.scanners = split_commas(o.scanners);
      auto code = run_scan(global, o);
      return code ? *code : report_error(code.error());
    };
  });
}

}  // namespace ig::cli
