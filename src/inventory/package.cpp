// JSON form of the package model. Field names are stable: stored inventories
// and the analysis cache depend on them. Empty optional fields are omitted on
// output and default on input, so old documents keep loading.
#include "inventory/package.h"

namespace ig::inventory {
namespace {

template <typename T>
void get_opt(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) it->get_to(out);
}

void put_str(nlohmann::json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

template <typename T>
void put_vec(nlohmann::json& j, const char* key, const std::vector<T>& v) {
  if (!v.empty()) j[key] = v;
}

}  // namespace

void to_json(nlohmann::json& j, const OsInfo& o) {
  j = nlohmann::json::object();
  put_str(j, "id", o.id);
  put_str(j, "version_id", o.version_id);
  put_str(j, "codename", o.codename);
  put_str(j, "pretty_name", o.pretty_name);
  put_str(j, "id_like", o.id_like);
  if (o.distroless) j["distroless"] = true;
}

void from_json(const nlohmann::json& j, OsInfo& o) {
  o = OsInfo{};
  if (!j.is_object()) return;
  get_opt(j, "id", o.id);
  get_opt(j, "version_id", o.version_id);
  get_opt(j, "codename", o.codename);
  get_opt(j, "pretty_name", o.pretty_name);
  get_opt(j, "id_like", o.id_like);
  get_opt(j, "distroless", o.distroless);
}

void to_json(nlohmann::json& j, const Package& p) {
  j = nlohmann::json::object();
  j["ecosystem"] = p.ecosystem;
  j["name"] = p.name;
  j["version"] = p.version;
  put_str(j, "purl", p.purl);
  put_str(j, "source_name", p.source_name);
  put_str(j, "source_version", p.source_version);
  put_str(j, "arch", p.arch);
  put_vec(j, "licenses", p.licenses);
  put_str(j, "maintainer", p.maintainer);
  if (p.installed_size != 0) j["installed_size"] = p.installed_size;
  put_vec(j, "locations", p.locations);
  put_vec(j, "files", p.files);
  put_str(j, "layer_diff_id", p.layer_diff_id);
  if (p.os_owned) j["os_owned"] = true;
  if (p.is_private) j["private"] = true;
  put_str(j, "modularity_label", p.modularity_label);
  if (p.extra.is_object() && !p.extra.empty()) j["extra"] = p.extra;
}

// Throws nlohmann::json::exception on wrongly typed fields, like every
// nlohmann from_json; callers reading untrusted JSON catch it.
void from_json(const nlohmann::json& j, Package& p) {
  p = Package{};
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "package must be an object", &j);
  get_opt(j, "ecosystem", p.ecosystem);
  get_opt(j, "name", p.name);
  get_opt(j, "version", p.version);
  get_opt(j, "purl", p.purl);
  get_opt(j, "source_name", p.source_name);
  get_opt(j, "source_version", p.source_version);
  get_opt(j, "arch", p.arch);
  get_opt(j, "licenses", p.licenses);
  get_opt(j, "maintainer", p.maintainer);
  get_opt(j, "installed_size", p.installed_size);
  get_opt(j, "locations", p.locations);
  get_opt(j, "files", p.files);
  get_opt(j, "layer_diff_id", p.layer_diff_id);
  get_opt(j, "os_owned", p.os_owned);
  get_opt(j, "private", p.is_private);
  get_opt(j, "modularity_label", p.modularity_label);
  auto it = j.find("extra");
  if (it != j.end() && it->is_object()) p.extra = *it;
}

void to_json(nlohmann::json& j, const Inventory& inv) {
  j = nlohmann::json::object();
  j["os"] = inv.os;
  j["packages"] = inv.packages;
}

void from_json(const nlohmann::json& j, Inventory& inv) {
  inv = Inventory{};
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "inventory must be an object", &j);
  get_opt(j, "os", inv.os);
  get_opt(j, "packages", inv.packages);
}

}  // namespace ig::inventory
