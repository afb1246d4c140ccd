#include "policy/check_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>


namespace ig::policy {

namespace {

constexpr const char* k_count_names[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};
// A table shows this many items per reason; JSON has them all.
constexpr size_t k_table_items = 10;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int verdict_exit_code(const Verdict& v) {
  if (v.decision != Decision::deny || !v.denied_by) return 0;
  switch (*v.denied_by) {
    case Kind::signature: return k_exit_denied_signature;
    case Kind::vulnerability: return k_exit_denied_vulnerability;
    case Kind::config: return k_exit_denied_config;
    case Kind::license: return k_exit_denied_license;
  }
  return k_exit_denied_config;
}

void count_findings(CheckReport& report, const std::vector<scan::Finding>& findings) {
  report.counts = {};
  for (const auto& f : findings) {
    switch (f.severity) {
      case scan::Severity::critical: ++report.counts[0]; break;
      case scan::Severity::high: ++report.counts[1]; break;
      case scan::Severity::medium: ++report.counts[2]; break;
      case scan::Severity::low: ++report.counts[3]; break;
      case scan::Severity::unknown: ++report.counts[5]; break;
    }
  }
}

std::string counts_line(const CheckReport& report) {
  std::string out;
  for (size_t i = 0; i < report.counts.size(); ++i) {
    out += fmt::format("{}{}: {}", i ? ", " : "", k_count_names[i], report.counts[i]);
  }
  return out;
}

std::string write_check_table(const CheckReport& r) {
  std::string out = fmt::format("Verdict: {}", upper(decision_name(r.verdict.decision)));
  if (r.verdict.denied_by) out += fmt::format(" (exit {}: denied by a {} rule)", r.exit_code, kind_name(*r.verdict.denied_by));
  out += fmt::format("\nImage: {}\nDigest: {}\nPolicy: {}\n", r.image_name, r.image_digest, r.policy_source);
  if (r.signature.status != SignatureOutcome::Status::not_checked) {
    out += fmt::format("Signature: {}", signature_status_name(r.signature.status));
    if (!r.signature.signer.empty()) out += " (" + r.signature.signer + ")";
    out += "\n";
  }
  if (r.verdict.reasons.empty()) out += "\nNo rule fired.\n";
  for (const auto& reason : r.verdict.reasons) {
    out += fmt::format("\n[{}] {} ({}): {}\n", mode_name(reason.mode), reason.rule, kind_name(reason.kind), reason.saw);
    for (size_t i = 0; i < reason.items.size() && i < k_table_items; ++i) out += "    " + reason.items[i] + "\n";
    if (reason.items.size() > k_table_items) {
      out += fmt::format("    ... and {} more (see --format json)\n", reason.items.size() - k_table_items);
    }
    out += "  fix: " + reason.fix + "\n";
  }
  out += "\n";
  if (r.scanned) {
    out += counts_line(r);
    if (r.suppressed) out += fmt::format(" (suppressed: {})", r.suppressed);
    out += "\n";
    for (size_t i = 0; i < r.waived.size() && i < k_table_items; ++i) out += "  waived: " + r.waived[i] + "\n";
    if (r.waived.size() > k_table_items) out += fmt::format("  ... and {} more waived\n", r.waived.size() - k_table_items);
  } else {
    out += "Not scanned: the signature step already denied the image.\n";
  }
  for (const auto& w : r.warnings) out += "warning: " + w + "\n";
  return out;
}

std::string write_check_json(const CheckReport& r) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& reason : r.verdict.reasons) {
    reasons.push_back({{"rule", reason.rule},
                       {"kind", kind_name(reason.kind)},
                       {"mode", mode_name(reason.mode)},
                       {"saw", reason.saw},
                       {"items", reason.items},
                       {"fix", reason.fix}});
  }
  nlohmann::json counts = nlohmann::json::object();
  for (size_t i = 0; i < r.counts.size(); ++i) counts[k_count_names[i]] = r.counts[i];
  nlohmann::json sig{{"status", signature_status_name(r.signature.status)}};
  if (!r.signature_method.empty()) sig["methods"] = r.signature_method;
  if (!r.signature.signer.empty()) sig["signer"] = r.signature.signer;
  if (!r.signature.detail.empty()) sig["detail"] = r.signature.detail;
  nlohmann::json j{{"schema_version", k_check_json_schema_version},
                   {"decision", decision_name(r.verdict.decision)},
                   {"exit_code", r.exit_code},
                   {"image", {{"name", r.image_name}, {"digest", r.image_digest}, {"repository", r.repository}}},
                   {"policy", {{"source", r.policy_source}, {"digest", r.policy_digest}}},
                   {"checked_on", r.checked_on},
                   {"signature", sig},
                   {"scanned", r.scanned},
                   {"counts", counts},
                   {"suppressed", r.suppressed},
                   {"waived", r.waived},
                   {"reasons", reasons},
                   {"warnings", r.warnings}};
  if (r.verdict.denied_by) j["denied_by"] = kind_name(*r.verdict.denied_by);
  return j.dump(2) + "\n";
}

}  // namespace ig::policy
