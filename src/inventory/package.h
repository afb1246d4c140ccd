// What an image contains: the package model shared by the catalogers, the SBOM
// writers and the vulnerability matcher. Plain data that round-trips through
// JSON losslessly, so stored inventories can be re-matched later without
// pulling the image again.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ig::inventory {

struct OsInfo {
  std::string id;           // "debian", "alpine", "rhel", "ubuntu", "distroless"... ("" when unknown)
  std::string version_id;   // "12", "3.18.4"
  std::string codename;     // "bookworm"
  std::string pretty_name;
  std::string id_like;
  bool distroless = false;
  bool known() const { return !id.empty(); }
};

struct Package {
  std::string ecosystem;    // "deb", "apk", "rpm", "npm", "pypi", "golang", "maven", "cargo", "gem", "composer", "nuget"
  std::string name;         // as the ecosystem spells it (PyPI: PEP 503 normalised; Maven: groupId:artifactId)
  std::string version;      // full version as the ecosystem compares it (deb: [epoch:]upstream[-revision])
  std::string purl;         // package URL per the purl spec, with distro qualifiers for OS packages
  std::string source_name;  // source package (deb Source:, apk origin, rpm SOURCERPM name), if any
  std::string source_version;
  std::string arch;
  std::vector<std::string> licenses;
  std::string maintainer;   // deb Maintainer, rpm VENDOR
  uint64_t installed_size = 0;
  std::vector<std::string> locations;  // files that evidenced the package (e.g. var/lib/dpkg/status)
  std::vector<std::string> files;      // files the package owns, when the package database lists them
  std::string layer_diff_id;           // the layer that introduced the evidence
  bool os_owned = false;               // a language package inside files an OS package owns
  bool is_private = false;             // npm "private": true
  std::string modularity_label;        // rpm MODULARITYLABEL
  nlohmann::json extra = nlohmann::json::object();  // ecosystem-specific details (go main module, replace, ...)
};

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;  // sorted by ecosystem, name, version, first location
};

void to_json(nlohmann::json& j, const OsInfo& o);
void from_json(const nlohmann::json& j, OsInfo& o);
void to_json(nlohmann::json& j, const Package& p);
void from_json(const nlohmann::json& j, Package& p);
void to_json(nlohmann::json& j, const Inventory& inv);
void from_json(const nlohmann::json& j, Inventory& inv);

}  // namespace ig::inventory
