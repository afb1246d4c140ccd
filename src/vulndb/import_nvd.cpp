#include "vulndb/import_nvd.h"

#include <algorithm>
#include <optional>

#include "util/log.h"
#include "vulndb/cvss.h"
#include "vulndb/document.h"
#include "vulndb/importer.h"

namespace ig::vulndb {

namespace {

// A yearly feed is a few hundred MiB, most of it CPE configurations we drop
// while parsing.
constexpr uint64_t k_max_nvd_file = 2ull << 30;

// The metric arrays of NVD's "metrics" object, newest CVSS version first.
constexpr std::string_view k_metric_keys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"};

// The rating to keep from one metric array: NVD's own (type "Primary"), else
// the first listed. Null when none has a vector.
const nlohmann::json* chosen_metric(const nlohmann::json& arr) {
  if (!arr.is_array()) return nullptr;
  const nlohmann::json* first = nullptr;
  for (const auto& m : arr) {
    if (json_string(json_child(m, "cvssData"), "vectorString").empty()) continue;
    if (json_string(m, "type") == "Primary") return &m;
    if (!first) first = &m;
  }
  return first;
}

void add_metrics(const nlohmann::json& metrics, Vulnerability& v) {
  for (auto key : k_metric_keys) {
    const nlohmann::json* m = chosen_metric(json_child(metrics, key));
    if (!m) continue;
    std::string vector = json_string(json_child(*m, "cvssData"), "vectorString");
    auto score = score_cvss(vector);
    if (!score) {
      log::debug("{}: ignoring NVD {}: {}", v.id, key, score.error().message);
      continue;
    }
    Severity s;
    s.source = "nvd";
    s.type = cvss_type_name(score->version);
    s.vector = std::move(vector);
    s.score = score->base_score;
    s.rating = rating_for(score->version, score->base_score);
    // v3.1 and v3.0 share a type: keep the newer.
    bool have = false;
    for (const auto& e : v.severities) have = have || e.type == s.type;
    if (!have) v.severities.push_back(std::move(s));
  }
}

std::string english(const nlohmann::json& descriptions) {
  if (!descriptions.is_array()) return {};
  std::string any;
  for (const auto& d : descriptions) {
    std::string text = json_string(d, "value");
    if (json_string(d, "lang") == "en") return text;
    if (any.empty()) any = std::move(text);
  }
  return any;
}

void add_weaknesses(const nlohmann::json& weaknesses, Vulnerability& v) {
  if (!weaknesses.is_array()) return;
  for (const auto& w : weaknesses) {
    const auto& desc = json_child(w, "description");
    if (!desc.is_array()) continue;
    for (const auto& d : desc) {
      std::string cwe = json_string(d, "value");
      // "NVD-CWE-noinfo" and "NVD-CWE-Other" say there is no CWE.
      if (!cwe.starts_with("CWE-")) continue;
      if (std::find(v.cwes.begin(), v.cwes.end(), cwe) == v.cwes.end()) v.cwes.push_back(std::move(cwe));
    }
  }
}

std::optional<Advisory> parse_cve(const nlohmann::json& cve) {
  Advisory a;
  Vulnerability& v = a.vuln;
  v.id = json_string(cve, "id");
  if (!v.id.starts_with("CVE-")) return std::nullopt;
  if (json_string(cve, "vulnStatus") == "Rejected") return std::nullopt;
  v.details = english(json_child(cve, "descriptions"));
  v.published = json_string(cve, "published");
  v.modified = json_string(cve, "lastModified");
  v.primary_url = "https://nvd.nist.gov/vuln/detail/" + v.id;
  add_metrics(json_child(cve, "metrics"), v);
  add_weaknesses(json_child(cve, "weaknesses"), v);
  if (const auto& refs = json_child(cve, "references"); refs.is_array()) {
    for (const auto& r : refs) {
      std::string url = json_string(r, "url");
      if (!url.empty()) v.references.push_back({std::move(url), "WEB"});
    }
  }
  return a;
}

}  // namespace

bool looks_like_nvd(std::string_view head) {
  return head.find("\"NVD_CVE\"") != std::string_view::npos &&
         head.find("\"vulnerabilities\"") != std::string_view::npos;
}

Result<std::vector<Advisory>> parse_nvd(std::string_view text, std::string_view name, int64_t* skipped) {
  bool too_deep = false;
  // Drops CPE configurations (most of a feed's bytes) and refuses deep nesting
  // while parsing, so neither costs memory or stack.
  nlohmann::json::parser_callback_t keep = [&](int depth, nlohmann::json::parse_event_t event,
                                               nlohmann::json& parsed) {
    if (depth > k_max_document_depth) too_deep = true;
    if (too_deep) return false;
    return !(event == nlohmann::json::parse_event_t::key && parsed == "configurations");
  };
  auto doc = nlohmann::json::parse(text.begin(), text.end(), keep, false);
  if (too_deep) {
    return fail(ErrorCode::invalid_image, "{}: nested deeper than {} levels", name, k_max_document_depth);
  }
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_image, "{}: not a JSON object; an NVD CVE feed is the JSON 2.0 document NVD "
                "publishes as nvdcve-2.0-*.json(.gz)", name);
  }
  const auto& vulns = json_child(doc, "vulnerabilities");
  if (!vulns.is_array()) {
    return fail(ErrorCode::invalid_image, "{}: not an NVD CVE 2.0 feed (no 'vulnerabilities' array)", name);
  }
  std::vector<Advisory> out;
  out.reserve(vulns.size());
  for (const auto& entry : vulns) {
    auto a = parse_cve(json_child(entry, "cve"));
    if (a) {
      out.push_back(std::move(*a));
    } else if (skipped) {
      ++*skipped;
    }
  }
  return out;
}

Result<ImportStats> import_nvd(ImportSession& session, const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_source_text(path, k_max_nvd_file));
  ImportStats stats;
  IG_ASSIGN(auto advisories, parse_nvd(text, path.string(), &stats.skipped));
  text.clear();
  text.shrink_to_fit();
  for (const auto& a : advisories) {
    IG_TRY(session.add(a));
    ++stats.records;
  }
  return stats;
}

}  // namespace ig::vulndb
