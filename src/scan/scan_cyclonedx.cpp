#include "scan/scan_cyclonedx.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "report/sbom_cyclonedx.h"

namespace ig::scan {

namespace {

using ojson = nlohmann::ordered_json;

struct VulnSource {
  std::string name;
  std::string url;
};

// Who publishes records under an id's prefix, so that consumers can look the
// id up. Ids we do not recognise are OSV's (every feed we import is in OSV).
VulnSource source_of(std::string_view id) {
  std::string s(id);
  if (id.starts_with("CVE-")) return {"NVD", "https://nvd.nist.gov/vuln/detail/" + s};
  if (id.starts_with("GHSA-")) return {"GitHub", "https://github.com/advisories/" + s};
  return {"OSV", "https://osv.dev/vulnerability/" + s};
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CycloneDX's severity enum from a vulndb rating or our severity name.
std::string cdx_severity(std::string_view rating) {
  std::string r = lower(rating);
  for (const char* ok : {"critical", "high", "medium", "low", "info", "none"}) {
    if (r == ok) return r;
  }
  return "unknown";
}

// The package refs of the SBOM writer, findable by what a finding records
// about its package: purl, first location and layer.
class RefIndex {
 public:
  explicit RefIndex(const inventory::Inventory& inv) {
    auto pkgs = report::sorted_packages(inv);
    auto refs = report::package_refs(pkgs);
    for (size_t i = 0; i < pkgs.size(); ++i) {
      const auto& p = *pkgs[i];
      std::string loc = p.locations.empty() ? std::string() : p.locations.front();
      exact_.emplace(std::make_tuple(p.purl, loc, p.layer_diff_id), refs[i]);
      by_purl_.emplace(p.purl, refs[i]);  // keeps the first
    }
  }
  std::string ref_of(const Finding& f) const {
    if (auto it = exact_.find(std::make_tuple(f.package_purl, f.path, f.layer_diff_id)); it != exact_.end()) {
      return it->second;
    }
    if (auto it = by_purl_.find(f.package_purl); it != by_purl_.end()) return it->second;
    return f.package_purl.empty() ? "pkg:generic/" + report::percent_encode(f.package_name) : f.package_purl;
  }

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::string> exact_;
  std::map<std::string, std::string> by_purl_;
};

ojson ratings_of(const std::vector<const Finding*>& fs, const vulndb::Vulnerability* v) {
  ojson out = ojson::array();
  std::set<std::string> sources;
  if (v) {
    for (const auto& s : v->severities) {
      ojson r;
      if (!s.source.empty()) r["source"] = {{"name", s.source}};
      if (s.score) r["score"] = *s.score;
      r["severity"] = cdx_severity(s.rating.empty() && s.type == "label" ? s.vector : s.rating);
      r["method"] = cyclonedx_rating_method(s.type, s.vector);
      if (s.type != "label" && !s.vector.empty()) r["vector"] = s.vector;
      out.push_back(std::move(r));
      sources.insert(s.source);
    }
  }
  // The severity imagegate decided on, when its source (a distro's urgency)
  // is not among the vulnerability's own ratings.
  const Finding& f = *fs.front();
  if (!sources.contains(f.severity_source)) {
    ojson r;
    if (!f.severity_source.empty()) r["source"] = {{"name", f.severity_source}};
    if (f.cvss_score) r["score"] = *f.cvss_score;
    r["severity"] = cdx_severity(severity_name(f.severity));
    r["method"] = f.cvss_vector.empty() ? "other" : cyclonedx_rating_method("", f.cvss_vector);
    if (!f.cvss_vector.empty()) r["vector"] = f.cvss_vector;
    out.push_back(std::move(r));
  }
  return out;
}

std::string recommendation_of(const std::vector<const Finding*>& fs) {
  std::vector<std::string> parts;
  for (const auto* f : fs) {
    if (f->fixed_versions.empty()) continue;
    auto p = fmt::format("Upgrade {} to {}", f->package_name, fmt::join(f->fixed_versions, " or "));
    if (std::find(parts.begin(), parts.end(), p) == parts.end()) parts.push_back(std::move(p));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

void add_details(ojson& j, const vulndb::Vulnerability& v) {
  if (!v.aliases.empty()) {
    ojson refs = ojson::array();
    for (const auto& a : v.aliases) {
      auto src = source_of(a);
      refs.push_back({{"id", a}, {"source", {{"name", src.name}, {"url", src.url}}}});
    }
    j["references"] = std::move(refs);
  }
  ojson cwes = ojson::array();
  for (const auto& cwe : v.cwes) {  // "CWE-79" → 79, as CycloneDX wants
    if (!cwe.starts_with("CWE-")) continue;
    int n = 0;
    auto [end, ec] = std::from_chars(cwe.data() + 4, cwe.data() + cwe.size(), n);
    if (ec == std::errc() && end == cwe.data() + cwe.size()) cwes.push_back(n);
  }
  if (!cwes.empty()) j["cwes"] = std::move(cwes);
  if (!v.details.empty()) j["detail"] = v.details;
  ojson advisories = ojson::array();
  std::set<std::string> seen;
  for (const auto& r : v.references) {
    if (r.url.empty() || !seen.insert(r.url).second) continue;
    advisories.push_back({{"url", r.url}});
  }
  if (!advisories.empty()) j["advisories"] = std::move(advisories);
  if (auto p = report::normalize_rfc3339(v.published); !p.empty()) j["published"] = p;
  if (auto m = report::normalize_rfc3339(v.modified); !m.empty()) j["updated"] = m;
}

ojson analysis_of(std::string_view status) {
  auto a = cyclonedx_analysis(status);
  ojson j = {{"state", a.state}};
  if (*a.response) j["response"] = ojson::array({a.response});
  j["detail"] = fmt::format("status: {}", status);
  return j;
}

ojson vulnerability_json(const std::string& bom_ref, const std::string& status, const std::vector<const Finding*>& fs,
                         const vulndb::Vulnerability* v, const RefIndex& refs) {
  const Finding& first = *fs.front();
  ojson j;
  j["bom-ref"] = bom_ref;
  j["id"] = first.vulnerability_id;
  auto src = source_of(first.vulnerability_id);
  j["source"] = {{"name", src.name}, {"url", src.url}};
  j["ratings"] = ratings_of(fs, v);
  std::string description = v && !v->summary.empty() ? v->summary : first.title;
  if (!description.empty()) j["description"] = description;
  if (v) add_details(j, *v);
  if (auto rec = recommendation_of(fs); !rec.empty()) j["recommendation"] = rec;
  j["analysis"] = analysis_of(status);

  // One affects entry per component, listing each installed version found.
  std::map<std::string, std::set<std::string>> affected;
  for (const auto* f : fs) affected[refs.ref_of(*f)].insert(f->package_version);
  ojson affects = ojson::array();
  for (const auto& [ref, versions] : affected) {
    ojson vs = ojson::array();
    for (const auto& ver : versions) vs.push_back({{"version", ver.empty() ? std::string("unknown") : ver}, {"status", "affected"}});
    affects.push_back({{"ref", ref}, {"versions", std::move(vs)}});
  }
  j["affects"] = std::move(affects);

  ojson props = ojson::array();
  auto prop = [&props](std::string_view name, const std::string& value) {
    if (!value.empty()) props.push_back({{"name", fmt::format("imagegate:{}", name)}, {"value", value}});
  };
  prop("status", status);
  prop("matched_package", first.matched_package);
  prop("distro_release", first.distro_release);
  if (first.kev) prop("kev", "true");
  if (first.epss) prop("epss", fmt::format("{}", *first.epss));
  if (first.epss_percentile) prop("epss_percentile", fmt::format("{}", *first.epss_percentile));
  if (!props.empty()) j["properties"] = std::move(props);
  return j;
}

ojson vulnerabilities_json(const report::SbomInput& sbom, const ScanReport& r) {
  // (id, status) -> findings, in id order.
  std::map<std::pair<std::string, std::string>, std::vector<const Finding*>> groups;
  std::map<std::string, int> statuses_per_id;
  for (const auto& f : r.findings) {
    auto& g = groups[{f.vulnerability_id, f.status}];
    if (g.empty()) ++statuses_per_id[f.vulnerability_id];
    g.push_back(&f);
  }
  RefIndex refs(sbom.inventory);
  ojson out = ojson::array();
  for (const auto& [key, fs] : groups) {
    const auto& [id, status] = key;
    std::string bom_ref = statuses_per_id[id] > 1 ? id + "#" + status : id;
    auto it = r.vulnerabilities.find(id);
    out.push_back(vulnerability_json(bom_ref, status, fs, it == r.vulnerabilities.end() ? nullptr : &it->second, refs));
  }
  return out;
}

}  // namespace

const char* cyclonedx_rating_method(std::string_view type, std::string_view vector) {
  if (type == "CVSS_V2" || (type.empty() && (vector.starts_with("AV:") || vector.starts_with("(AV:")))) return "CVSSv2";
  if (type == "CVSS_V4" || vector.starts_with("CVSS:4.")) return "CVSSv4";
  if (vector.starts_with("CVSS:3.1/")) return "CVSSv31";
  if (type == "CVSS_V3" || vector.starts_with("CVSS:3.")) return "CVSSv3";
  return "other";
}

VexAnalysis cyclonedx_analysis(std::string_view status) {
  if (status == "not_affected") return {"not_affected", ""};
  if (status == "fixed") return {"exploitable", "update"};
  if (status == "will_not_fix") return {"exploitable", "will_not_fix"};
  if (status == "end_of_life") return {"exploitable", "can_not_fix"};
  // affected, fix_deferred: affected, and nobody has said what will happen.
  return {"exploitable", ""};
}

std::string write_scan_cyclonedx(const report::SbomInput& sbom, const ScanReport& report) {
  auto doc = ojson::parse(report::write_cyclonedx(sbom, report::CycloneDxOptions{report::CycloneDxVersion::v1_6}));
  auto vulns = vulnerabilities_json(sbom, report);
  // A scan document differs from the plain SBOM of the same image, and from
  // scans with other findings: its serial number says so.
  doc["serialNumber"] =
      "urn:uuid:" + report::name_based_uuid("cyclonedx-vex-1.6\n" + report::identity_seed(sbom) + "\n" +
                                            vulns.dump(-1, ' ', false, ojson::error_handler_t::replace));
  doc["vulnerabilities"] = std::move(vulns);
  return doc.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace ig::scan
