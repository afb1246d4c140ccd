#include "report/document.h"

#include <map>
#include <tuple>

namespace ig::report {

int severity_rank(const std::string& severity) {
  for (int i = 0; i < 4; ++i) {
    if (severity == k_severity_names[i]) return i;
  }
  return 4;
}

std::array<size_t, 5> severity_counts(const std::vector<DocFinding>& findings) {
  std::array<size_t, 5> counts{};
  for (const auto& f : findings) ++counts[static_cast<size_t>(severity_rank(f.severity))];
  return counts;
}

std::string fix_state(const DocFinding& f) {
  if (!f.fixed_versions.empty()) return "fixed";
  return f.status.empty() ? "affected" : f.status;
}

std::vector<DocPackage> packages_of(const inventory::Inventory& inv) {
  std::vector<DocPackage> out;
  for (const auto* p : sorted_packages(inv)) {
    out.push_back({p->name, p->version, p->ecosystem, p->purl, p->licenses,
                   p->locations.empty() ? std::string() : p->locations.front(), p->layer_diff_id});
  }
  return out;
}

void add_inventory(Document& doc, const inventory::Inventory& inv, bool packages) {
  doc.os_family = inv.os.id;
  doc.os_version = inv.os.version_id;
  doc.os_name = inv.os.pretty_name;
  if (packages) {
    doc.has_packages = true;
    doc.packages = packages_of(inv);
  }
}

namespace {

using ojson = nlohmann::ordered_json;

ojson optional_number(const std::optional<double>& v) { return v ? ojson(*v) : ojson(nullptr); }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

ojson vulnerability_json(const DocFinding& f) {
  return ojson{{"VulnerabilityID", f.id},
               {"Aliases", f.aliases},
               {"PkgName", f.pkg_name},
               {"PkgType", f.pkg_type},
               {"PkgPath", f.path},
               {"PkgIdentifier", {{"PURL", f.purl}}},
               {"InstalledVersion", f.pkg_version},
               {"FixedVersion", join(f.fixed_versions, ", ")},
               {"FixedVersions", f.fixed_versions},
               {"Status", f.status},
               {"FixState", fix_state(f)},
               {"Severity", f.severity},
               {"SeveritySource", f.severity_source},
               {"Title", f.title},
               {"PrimaryURL", f.primary_url},
               {"CVSSScore", optional_number(f.cvss_score)},
               {"CVSSVector", f.cvss_vector},
               {"KEV", f.kev},
               {"EPSS", optional_number(f.epss)},
               {"EPSSPercentile", optional_number(f.epss_percentile)},
               {"Layer", {{"DiffID", f.layer_diff_id}}}};
}

ojson package_json(const DocPackage& p) {
  return ojson{{"Name", p.name},           {"Version", p.version},   {"Type", p.type},
               {"Identifier", {{"PURL", p.purl}}}, {"Licenses", p.licenses}, {"FilePath", p.path},
               {"Layer", {{"DiffID", p.layer_diff_id}}}};
}

// Trivy's targets: the OS packages form one result named after the image and
// its OS; language packages one per evidence file.
struct Target {
  std::string cls;  // "os-pkgs" or "lang-pkgs"
  std::string type;
  std::string name;
  // OS packages first, as in Trivy's reports.
  bool operator<(const Target& o) const {
    return std::tuple(cls != "os-pkgs", type, name) < std::tuple(o.cls != "os-pkgs", o.type, o.name);
  }
};

Target target_of(const Document& doc, const std::string& type, const std::string& path) {
  if (is_os_ecosystem(type)) {
    std::string os = doc.os_family.empty() ? type : doc.os_family + (doc.os_version.empty() ? "" : " " + doc.os_version);
    return {"os-pkgs", doc.os_family.empty() ? type : doc.os_family, doc.image.name + " (" + os + ")"};
  }
  return {"lang-pkgs", type, path};
}

ojson verdict_json(const DocVerdict& v) {
  ojson rules = ojson::array();
  for (const auto& r : v.rules) {
    rules.push_back({{"Rule", r.rule}, {"Kind", r.kind}, {"Mode", r.mode}, {"Fired", r.fired}, {"Evaluated", r.evaluated},
                     {"Saw", r.saw}, {"Items", r.items}, {"Fix", r.fix}});
  }
  return {{"Decision", v.decision},         {"ExitCode", v.exit_code},         {"DeniedBy", v.denied_by},
          {"PolicySource", v.policy_source}, {"PolicyDigest", v.policy_digest}, {"Rules", rules},
          {"Waived", v.waived}};
}

}  // namespace

nlohmann::ordered_json document_to_json(const Document& doc) {
  std::map<Target, std::pair<ojson, ojson>> targets;  // vulnerabilities, packages
  auto slot = [&](const Target& t) -> std::pair<ojson, ojson>& {
    auto [it, added] = targets.try_emplace(t, ojson::array(), ojson::array());
    return it->second;
  };
  for (const auto& f : doc.findings) slot(target_of(doc, f.pkg_type, f.path)).first.push_back(vulnerability_json(f));
  for (const auto& p : doc.packages) slot(target_of(doc, p.type, p.path)).second.push_back(package_json(p));
  ojson results = ojson::array();
  for (auto& [t, lists] : targets) {
    results.push_back({{"Target", t.name}, {"Class", t.cls}, {"Type", t.type},
                       {"Vulnerabilities", std::move(lists.first)}, {"Packages", std::move(lists.second)}});
  }

  std::map<std::string, std::pair<size_t, size_t>> per_layer;  // diff_id: packages, findings
  for (const auto& p : doc.packages) ++per_layer[p.layer_diff_id].first;
  for (const auto& f : doc.findings) ++per_layer[f.layer_diff_id].second;
  ojson layers = ojson::array();
  for (const auto& l : doc.layers) {
    auto counts = per_layer[l.diff_id];
    layers.push_back({{"Index", l.index}, {"Digest", l.digest}, {"DiffID", l.diff_id}, {"Size", l.size},
                      {"CreatedBy", l.created_by}, {"Packages", counts.first}, {"Findings", counts.second}});
  }

  auto counts = severity_counts(doc.findings);
  size_t fixed = 0, kev = 0;
  for (const auto& f : doc.findings) {
    if (!f.fixed_versions.empty()) ++fixed;
    if (f.kev) ++kev;
  }
  ojson out{{"SchemaVersion", 1},
            {"Command", doc.command},
            {"ArtifactName", doc.image.name},
            {"ArtifactType", "container_image"},
            {"Metadata",
             {{"Digest", doc.image.digest},
              {"Repository", doc.image.repository},
              {"Tag", doc.image.tag},
              {"Source", doc.image.source},
              {"Platform", doc.image.platform},
              {"Created", doc.image.created},
              {"Size", doc.image_size},
              {"OS", {{"Family", doc.os_family}, {"Name", doc.os_name}, {"Version", doc.os_version}}},
              {"Layers", layers}}},
            {"Scanned", doc.scanned},
            {"HasPackages", doc.has_packages},
            {"Summary",
             {{"Total", doc.findings.size()},
              {"Critical", counts[0]},
              {"High", counts[1]},
              {"Medium", counts[2]},
              {"Low", counts[3]},
              {"Unknown", counts[4]},
              {"Fixed", fixed},
              {"Unfixed", doc.findings.size() - fixed},
              {"KEV", kev},
              {"Suppressed", doc.suppressed},
              {"Packages", doc.packages.size()}}},
            {"Results", results},
            {"Verdict", doc.verdict ? verdict_json(*doc.verdict) : ojson(nullptr)},
            {"Signature", doc.signature ? ojson{{"Status", doc.signature->status},
                                                {"Method", doc.signature->method},
                                                {"Signer", doc.signature->signer},
                                                {"Detail", doc.signature->detail}}
                                        : ojson(nullptr)},
            {"Warnings", doc.warnings},
            {"Tool", {{"Name", "imagegate"}, {"Version", doc.tool_version}}},
            {"DB", {{"UpdatedAt", doc.db_updated}}}};
  return out;
}

}  // namespace ig::report
