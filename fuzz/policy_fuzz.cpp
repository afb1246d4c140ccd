// Policy files (`imagegate check --policy`, `policy validate`): whatever
// parses must evaluate and render without trouble, and every error must be a
// usage error. The license-expression matcher is fed the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/check_report.h"
#include "policy/policy.h"
#include "policy/sink.h"
#include "policy/verdict.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ig::policy::license_matches(text, "GPL-3.0-only");
  (void)ig::policy::license_matches("MIT OR GPL-3.0-only", text.substr(0, 64));
  auto p = ig::policy::parse_policy(text, "fuzz");
  if (!p) {
    if (p.error().code != ig::ErrorCode::usage) std::abort();
    return 0;
  }
  (void)ig::policy::policy_to_json(*p);
  ig::policy::EvaluationInput in;
  ig::scan::Finding f;
  f.vulnerability_id = "CVE-2024-0727";
  f.severity = ig::scan::Severity::high;
  f.kev = true;
  f.epss = 0.9;
  f.cvss_score = 9.8;
  in.findings = {f};
  in.image.env = {"GITHUB_TOKEN=x", "A=AKIAABCDEFGHIJKLMNOP"};
  in.image.created = "2020-01-01T00:00:00Z";
  in.image.tag = "latest";
  in.today = "2026-01-01";
  ig::inventory::Inventory inv;
  ig::inventory::Package pkg;
  pkg.name = "x";
  pkg.licenses = {"MIT AND (GPL-3.0-only OR AGPL-3.0-only)"};
  inv.packages = {pkg};
  in.inventory = &inv;
  ig::policy::CheckReport report;
  report.verdict = ig::policy::evaluate(*p, in);
  report.exit_code = ig::policy::verdict_exit_code(report.verdict);
  if ((report.exit_code == 0) != (report.verdict.decision != ig::policy::Decision::deny)) std::abort();
  (void)ig::policy::write_check_json(report);
  (void)ig::policy::write_check_table(report);
  (void)ig::policy::slack_message(report);
  return 0;
}
