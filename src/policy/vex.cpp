#include "policy/vex.h"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/fs.h"

namespace ig::policy {

namespace {

constexpr uint64_t k_max_vex_size = 16u << 20;

using json = nlohmann::json;

Error bad(std::string_view name, std::string_view what) {
  return Error{ErrorCode::usage, fmt::format("VEX document {}: {}; see docs/check.md for the formats read", name, what)};
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The product's package URLs: its subcomponents', else its own when it names
// a package (an image, pkg:oci, stands for all of its packages: none listed).
void product_purls(const json& p, std::vector<std::string>& out, bool& whole_image) {
  std::string id = p.is_string() ? p.get<std::string>() : p.is_object() ? str(p, "@id") : "";
  if (p.is_object()) {
    if (auto ids = p.find("identifiers"); ids != p.end() && ids->is_object() && id.empty()) id = str(*ids, "purl");
    if (auto subs = p.find("subcomponents"); subs != p.end() && subs->is_array() && !subs->empty()) {
      for (const auto& s : *subs) {
        std::string sid = s.is_string() ? s.get<std::string>() : s.is_object() ? str(s, "@id") : "";
        if (s.is_object() && sid.empty()) {
          if (auto ids = s.find("identifiers"); ids != s.end() && ids->is_object()) sid = str(*ids, "purl");
        }
        if (sid.starts_with("pkg:")) out.push_back(sid);
      }
      return;
    }
  }
  if (id.starts_with("pkg:") && !id.starts_with("pkg:oci/") && !id.starts_with("pkg:docker/")) {
    out.push_back(id);
  } else {
    whole_image = true;
  }
}

Result<std::vector<scan::IgnoreRule>> parse_openvex(const json& doc, std::string_view name) {
  std::vector<scan::IgnoreRule> out;
  auto sit = doc.find("statements");
  if (sit == doc.end() || !sit->is_array()) return fail(bad(name, "'statements' must be a list"));
  size_t n = 0;
  for (const auto& st : *sit) {
    ++n;
    if (!st.is_object()) return fail(bad(name, fmt::format("statement {} is not an object", n)));
    std::string vuln;
    if (auto v = st.find("vulnerability"); v != st.end()) {
      vuln = v->is_string() ? v->get<std::string>() : v->is_object() ? str(*v, "name") : "";
    }
    std::string status = str(st, "status");
    if (vuln.empty() || status.empty()) {
      return fail(bad(name, fmt::format("statement {} needs a vulnerability and a status", n)));
    }
    if (status != "not_affected" && status != "fixed") continue;
    scan::IgnoreRule r;
    r.id = vuln;
    r.origin = fmt::format("{} statement {}", name, n);
    bool whole = false;
    if (auto products = st.find("products"); products != st.end() && products->is_array()) {
      for (const auto& p : *products) product_purls(p, r.purls, whole);
    } else {
      whole = true;
    }
    // A statement about the whole image and named packages waives everywhere.
    if (whole) r.purls.clear();
    std::string why = str(st, "justification");
    std::string impact = str(st, "impact_statement");
    if (impact.empty()) impact = str(st, "status_notes");
    r.statement = fmt::format("VEX {}{}{}", status, why.empty() ? "" : " (" + why + ")", impact.empty() ? "" : ": " + impact);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<scan::IgnoreRule>> parse_cyclonedx(const json& doc, std::string_view name) {
  std::vector<scan::IgnoreRule> out;
  auto vit = doc.find("vulnerabilities");
  if (vit == doc.end() || !vit->is_array()) return out;
  const auto& vulns = *vit;
  // bom-ref -> purl, for affects[].ref that name components of this BOM.
  std::map<std::string, std::string> refs;
  if (auto comps = doc.find("components"); comps != doc.end() && comps->is_array()) {
    for (const auto& c : *comps) {
      if (c.is_object() && !str(c, "bom-ref").empty()) refs[str(c, "bom-ref")] = str(c, "purl");
    }
  }
  size_t n = 0;
  for (const auto& v : vulns) {
    ++n;
    if (!v.is_object()) return fail(bad(name, fmt::format("vulnerability {} is not an object", n)));
    std::string id = str(v, "id");
    auto analysis = v.find("analysis");
    if (id.empty()) return fail(bad(name, fmt::format("vulnerability {} has no id", n)));
    if (analysis == v.end() || !analysis->is_object()) continue;  // no VEX statement
    std::string state = str(*analysis, "state");
    if (state != "not_affected" && state != "resolved" && state != "false_positive") continue;
    scan::IgnoreRule r;
    r.id = id;
    r.origin = fmt::format("{} vulnerability {}", name, n);
    bool whole = true;
    if (auto affects = v.find("affects"); affects != v.end() && affects->is_array()) {
      for (const auto& a : *affects) {
        std::string ref = a.is_object() ? str(a, "ref") : "";
        if (auto it = refs.find(ref); it != refs.end() && !it->second.empty()) ref = it->second;
        if (ref.starts_with("pkg:") && !ref.starts_with("pkg:oci/") && !ref.starts_with("pkg:docker/")) {
          r.purls.push_back(ref);
          whole = false;
        }
      }
    }
    if (whole) r.purls.clear();
    std::string why = str(*analysis, "justification");
    std::string detail = str(*analysis, "detail");
    r.statement =
        fmt::format("VEX {}{}{}", state, why.empty() ? "" : " (" + why + ")", detail.empty() ? "" : ": " + detail);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<std::vector<scan::IgnoreRule>> parse_vex(std::string_view text, std::string_view name) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(bad(name, "not a JSON object"));
  try {
    if (doc.contains("statements")) return parse_openvex(doc, name);
    if (str(doc, "bomFormat") == "CycloneDX") return parse_cyclonedx(doc, name);
  } catch (const json::exception& e) {
    return fail(bad(name, e.what()));
  }
  return fail(bad(name, "neither OpenVEX (statements) nor CycloneDX (bomFormat: CycloneDX)"));
}

Result<std::vector<scan::IgnoreRule>> load_vex(const std::filesystem::path& path) {
  auto text = read_file(path, k_max_vex_size);
  if (!text) return fail(text.error().with_context(fmt::format("reading the VEX document {}", path.string())));
  return parse_vex(*text, path.string());
}

}  // namespace ig::policy
