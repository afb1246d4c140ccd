#include "report/sbom_cyclonedx.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "report/sbom_licenses.h"

namespace ig::report {

namespace {

using ojson = nlohmann::ordered_json;
using inventory::Package;

// Property names live under our own namespace, as the CycloneDX property
// taxonomy asks of tools (cf. "aquasecurity:trivy:...").
constexpr std::string_view k_ns = "imagegate:";

void add_prop(ojson& props, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  props.push_back({{"name", std::string(k_ns) + std::string(name)}, {"value", value}});
}

ojson tool_entry(const SbomInput& in, CycloneDxVersion v) {
  if (v == CycloneDxVersion::v1_4) {
    return ojson::array({{{"vendor", "imagegate"}, {"name", "imagegate"}, {"version", in.tool_version}}});
  }
  // 1.5 deprecated the array of tools in favour of components/services.
  ojson tool = {{"type", "application"}, {"name", "imagegate"}, {"version", in.tool_version}};
  return ojson{{"components", ojson::array({tool})}};
}

// licenses: one SPDX expression when the package declares exactly one valid
// expression that is not a plain listed id; otherwise one entry per declared license, by SPDX id when it is
// a listed id and by name when it is not.
ojson licenses_of(const Package& p, CycloneDxVersion v) {
  ojson out = ojson::array();
  bool ack = v == CycloneDxVersion::v1_6;
  if (p.licenses.size() == 1) {
    auto expr = normalize_license_expression(p.licenses[0]);
    // "MIT OR Zlib", "GPL-2.0+", "LicenseRef-x": valid, but not a listed id.
    if (expr && canonical_license_id(*expr).empty()) {
      ojson e = {{"expression", *expr}};
      if (ack) e["acknowledgement"] = "declared";
      out.push_back(std::move(e));
      return out;
    }
  }
  std::vector<std::string> seen;
  for (const auto& l : p.licenses) {
    if (l.empty() || std::find(seen.begin(), seen.end(), l) != seen.end()) continue;
    seen.push_back(l);
    ojson lic;
    if (auto id = canonical_license_id(l); !id.empty()) {
      lic["id"] = id;
    } else {
      lic["name"] = l;
    }
    if (ack) lic["acknowledgement"] = "declared";
    out.push_back({{"license", std::move(lic)}});
  }
  return out;
}

ojson package_component(const Package& p, const std::string& ref, CycloneDxVersion v) {
  ojson c;
  c["bom-ref"] = ref;
  c["type"] = "library";
  // Maven names are groupId:artifactId; CycloneDX has a field for the group.
  auto colon = p.name.find(':');
  if (p.ecosystem == "maven" && colon != std::string::npos && colon > 0 && colon + 1 < p.name.size()) {
    c["group"] = p.name.substr(0, colon);
    c["name"] = p.name.substr(colon + 1);
  } else {
    c["name"] = p.name.empty() ? std::string("unknown") : p.name;
  }
  if (!p.version.empty()) c["version"] = p.version;
  if (!p.maintainer.empty()) c["publisher"] = p.maintainer;
  if (auto lic = licenses_of(p, v); !lic.empty()) c["licenses"] = std::move(lic);
  if (!p.purl.empty()) c["purl"] = p.purl;
  if (v != CycloneDxVersion::v1_4 && !p.locations.empty()) {
    ojson occ = ojson::array();
    for (const auto& l : p.locations) occ.push_back({{"location", l}});
    c["evidence"] = {{"occurrences", std::move(occ)}};
  }
  ojson props = ojson::array();
  add_prop(props, "arch", p.arch);
  add_prop(props, "ecosystem", p.ecosystem);
  if (p.installed_size != 0) add_prop(props, "installed_size", std::to_string(p.installed_size));
  add_prop(props, "layer_diff_id", p.layer_diff_id);
  for (const auto& l : p.locations) add_prop(props, "location", l);
  add_prop(props, "modularity_label", p.modularity_label);
  if (p.os_owned) add_prop(props, "os_owned", "true");
  if (p.is_private) add_prop(props, "private", "true");
  add_prop(props, "source_name", p.source_name);
  add_prop(props, "source_version", p.source_version);
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

std::string os_ref(const inventory::OsInfo& os) {
  return "os:" + percent_encode(os.id) + (os.version_id.empty() ? "" : "@" + percent_encode(os.version_id));
}

ojson os_component(const inventory::OsInfo& os) {
  ojson c;
  c["bom-ref"] = os_ref(os);
  c["type"] = "operating-system";
  c["name"] = os.id;
  if (!os.version_id.empty()) c["version"] = os.version_id;
  if (!os.pretty_name.empty()) c["description"] = os.pretty_name;
  ojson props = ojson::array();
  add_prop(props, "os:codename", os.codename);
  if (os.distroless) add_prop(props, "os:distroless", "true");
  add_prop(props, "os:id_like", os.id_like);
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

ojson image_component(const ImageIdentity& img, const std::string& purl) {
  ojson c;
  c["bom-ref"] = purl;
  c["type"] = "container";
  c["name"] = img.name.empty() ? image_short_name(img) : img.name;
  std::string version = !img.digest.empty() ? img.digest : img.tag;
  if (!version.empty()) c["version"] = version;
  c["purl"] = purl;
  ojson props = ojson::array();
  add_prop(props, "image:created", img.created);
  add_prop(props, "image:digest", img.digest);
  add_prop(props, "image:platform", img.platform);
  add_prop(props, "image:repository", img.repository);
  add_prop(props, "image:source", img.source);
  add_prop(props, "image:tag", img.tag);
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

ojson sorted_unique(std::vector<std::string> refs) {
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  return ojson(refs);
}

}  // namespace

const char* cyclonedx_version_string(CycloneDxVersion v) {
  switch (v) {
    case CycloneDxVersion::v1_4: return "1.4";
    case CycloneDxVersion::v1_5: return "1.5";
    case CycloneDxVersion::v1_6: return "1.6";
  }
  return "1.6";
}

std::string write_cyclonedx(const SbomInput& in, const CycloneDxOptions& options) {
  const auto v = options.version;
  const std::string spec = cyclonedx_version_string(v);
  const auto pkgs = sorted_packages(in.inventory);
  const auto refs = package_refs(pkgs);
  const std::string root = image_purl(in.image);
  const bool has_os = in.inventory.os.known();

  ojson doc;
  doc["$schema"] = fmt::format("http://cyclonedx.org/schema/bom-{}.schema.json", spec);
  doc["bomFormat"] = "CycloneDX";
  doc["specVersion"] = spec;
  doc["serialNumber"] = "urn:uuid:" + name_based_uuid("cyclonedx-" + spec + "\n" + identity_seed(in));
  doc["version"] = 1;
  ojson meta;
  if (in.timestamp) meta["timestamp"] = *in.timestamp;
  meta["tools"] = tool_entry(in, v);
  meta["component"] = image_component(in.image, root);
  doc["metadata"] = std::move(meta);

  ojson components = ojson::array();
  std::vector<std::string> root_deps;
  std::vector<std::string> os_deps;
  if (has_os) {
    components.push_back(os_component(in.inventory.os));
    root_deps.push_back(os_ref(in.inventory.os));
  }
  for (size_t i = 0; i < pkgs.size(); ++i) {
    components.push_back(package_component(*pkgs[i], refs[i], v));
    (has_os && is_os_ecosystem(pkgs[i]->ecosystem) ? os_deps : root_deps).push_back(refs[i]);
  }
  doc["components"] = std::move(components);

  ojson deps = ojson::array();
  deps.push_back({{"ref", root}, {"dependsOn", sorted_unique(root_deps)}});
  if (has_os) deps.push_back({{"ref", os_ref(in.inventory.os)}, {"dependsOn", sorted_unique(os_deps)}});
  doc["dependencies"] = std::move(deps);
  // Package metadata is untrusted and may not be UTF-8: replace, never throw.
  return doc.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace ig::report
