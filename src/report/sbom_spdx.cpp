#include "report/sbom_spdx.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "report/sbom_licenses.h"
#include "util/digest.h"

namespace ig::report {

namespace {

using ojson = nlohmann::ordered_json;
using inventory::Package;

constexpr std::string_view k_noassertion = "NOASSERTION";
constexpr std::string_view k_epoch = "1970-01-01T00:00:00Z";

// Collects the LicenseRef-s a document uses, one per distinct license text.
class LicenseRefs {
 public:
  std::string ref_for(const std::string& text) {
    if (auto it = by_text_.find(text); it != by_text_.end()) return it->second;
    std::string id = "LicenseRef-" + spdx_idstring(text);
    // Two texts that differ only in characters outside the id set get a hash.
    if (by_id_.count(id) != 0) id += "-" + sha256_digest(text).substr(7, 8);
    by_text_[text] = id;
    by_id_[id] = text;
    return id;
  }

  ojson extracted() const {
    ojson out = ojson::array();
    for (const auto& [id, text] : by_id_) {
      out.push_back({{"licenseId", id}, {"extractedText", text}, {"name", text}});
    }
    return out;
  }

 private:
  std::map<std::string, std::string> by_text_;
  std::map<std::string, std::string> by_id_;
};

// licenseDeclared: every declared license ANDed, each a valid expression or a LicenseRef.
std::string declared_license(const Package& p, LicenseRefs& refs) {
  std::vector<std::string> parts;
  for (const auto& l : p.licenses) {
    if (l.empty()) continue;
    std::string part;
    if (auto expr = normalize_license_expression(l)) {
      part = is_compound_license_expression(*expr) ? "(" + *expr + ")" : *expr;
    } else {
      part = refs.ref_for(l);
    }
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(std::move(part));
  }
  if (parts.empty()) return std::string(k_noassertion);
  if (parts.size() == 1 && parts[0].front() == '(') return parts[0].substr(1, parts[0].size() - 2);
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " AND ") + part;
  return out;
}

std::string source_info(const Package& p) {
  std::string out;
  if (!p.source_name.empty()) {
    out = "built package from: " + p.source_name + (p.source_version.empty() ? "" : " " + p.source_version);
  }
  if (!p.locations.empty()) {
    std::string locs;
    for (const auto& l : p.locations) locs += (locs.empty() ? "" : ", ") + l;
    out += (out.empty() ? "" : "; ") + std::string("acquired package info from: ") + locs;
  }
  return out;
}

// SPDX spells a person "Person: name (email)"; maintainers come as "name <email>".
std::string supplier(std::string_view maintainer) {
  auto lt = maintainer.find('<');
  auto gt = maintainer.rfind('>');
  if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt) {
    return "Person: " + std::string(maintainer);
  }
  auto name = maintainer.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  return fmt::format("Person: {} ({})", name, maintainer.substr(lt + 1, gt - lt - 1));
}

ojson base_package(const std::string& id, const std::string& name) {
  ojson j;
  j["SPDXID"] = id;
  j["name"] = name.empty() ? std::string("unknown") : name;
  return j;
}

void finish_package(ojson& j, const std::string& declared) {
  j["downloadLocation"] = k_noassertion;
  j["filesAnalyzed"] = false;
  j["licenseConcluded"] = k_noassertion;
  j["licenseDeclared"] = declared;
  j["copyrightText"] = k_noassertion;
}

ojson package_entry(const Package& p, const std::string& id, LicenseRefs& refs) {
  ojson j = base_package(id, p.name);
  if (!p.version.empty()) j["versionInfo"] = p.version;
  if (!p.maintainer.empty()) j["supplier"] = supplier(p.maintainer);
  finish_package(j, declared_license(p, refs));
  if (auto si = source_info(p); !si.empty()) j["sourceInfo"] = si;
  if (!p.purl.empty()) {
    j["externalRefs"] = ojson::array(
        {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", p.purl}}});
  }
  if (!p.layer_diff_id.empty()) j["comment"] = "layer diff_id: " + p.layer_diff_id;
  j["primaryPackagePurpose"] = "LIBRARY";
  return j;
}

ojson image_entry(const ImageIdentity& img, const std::string& purl) {
  ojson j = base_package("SPDXRef-Image", img.name.empty() ? image_short_name(img) : img.name);
  std::string version = !img.digest.empty() ? img.digest : img.tag;
  if (!version.empty()) j["versionInfo"] = version;
  finish_package(j, std::string(k_noassertion));
  if (img.digest.starts_with("sha256:")) {
    j["checksums"] = ojson::array({{{"algorithm", "SHA256"}, {"checksumValue", img.digest.substr(7)}}});
  }
  j["externalRefs"] = ojson::array(
      {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
  j["primaryPackagePurpose"] = "CONTAINER";
  return j;
}

ojson os_entry(const inventory::OsInfo& os) {
  ojson j = base_package("SPDXRef-OperatingSystem", os.id);
  if (!os.version_id.empty()) j["versionInfo"] = os.version_id;
  finish_package(j, std::string(k_noassertion));
  if (!os.pretty_name.empty()) j["description"] = os.pretty_name;
  j["primaryPackagePurpose"] = "OPERATING_SYSTEM";
  return j;
}

ojson relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

std::string created_time(const SbomInput& in) {
  if (in.timestamp) return *in.timestamp;
  if (auto t = normalize_rfc3339(in.image.created); !t.empty()) return t;
  return std::string(k_epoch);
}

}  // namespace

std::string write_spdx_json(const SbomInput& in, const SpdxOptions& /*options*/) {
  const auto pkgs = sorted_packages(in.inventory);
  const auto refs = package_refs(pkgs);
  const std::string uuid = name_based_uuid("spdx-2.3\n" + identity_seed(in));

  ojson doc;
  doc["spdxVersion"] = "SPDX-2.3";
  doc["dataLicense"] = "CC0-1.0";
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = in.image.name.empty() ? image_short_name(in.image) : in.image.name;
  doc["documentNamespace"] = "https://imagegate.invalid/spdx/" + spdx_idstring(image_short_name(in.image)) + "-" + uuid;
  doc["creationInfo"] = {{"creators", ojson::array({"Tool: imagegate-" + in.tool_version})},
                         {"created", created_time(in)}};

  LicenseRefs license_refs;
  ojson packages = ojson::array();
  ojson rels = ojson::array();
  packages.push_back(image_entry(in.image, image_purl(in.image)));
  rels.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
  if (in.inventory.os.known()) {
    packages.push_back(os_entry(in.inventory.os));
    rels.push_back(relationship("SPDXRef-Image", "CONTAINS", "SPDXRef-OperatingSystem"));
  }
  for (size_t i = 0; i < pkgs.size(); ++i) {
    const auto& p = *pkgs[i];
    // The hash of the unique ref keeps ids distinct; the names keep them readable.
    std::string id = fmt::format("SPDXRef-Package-{}-{}-{}", spdx_idstring(p.ecosystem), spdx_idstring(p.name),
                                 sha256_digest(refs[i]).substr(7, 16));
    packages.push_back(package_entry(p, id, license_refs));
    rels.push_back(relationship("SPDXRef-Image", "CONTAINS", id));
  }
  doc["packages"] = std::move(packages);
  if (auto extracted = license_refs.extracted(); !extracted.empty()) {
    doc["hasExtractedLicensingInfos"] = std::move(extracted);
  }
  doc["relationships"] = std::move(rels);
  // Package metadata is untrusted and may not be UTF-8: replace, never throw.
  return doc.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace ig::report
