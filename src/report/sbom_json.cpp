#include "report/sbom_json.h"

#include <nlohmann/json.hpp>

namespace ig::report {

namespace {

using json = nlohmann::json;

constexpr size_t k_max_size = 512ull << 20;
constexpr int k_max_depth = 64;

// nlohmann's parser recurses once per nesting level: bound the depth before
// parsing so that hostile input cannot exhaust the stack.
bool depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

json image_json(const ImageIdentity& img) {
  json j = json::object();
  auto put = [&j](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("name", img.name);
  put("source", img.source);
  put("repository", img.repository);
  put("tag", img.tag);
  put("digest", img.digest);
  put("platform", img.platform);
  put("created", img.created);
  return j;
}

// Reads an optional string member; a present member of another type is an error.
Result<void> get_string(const json& obj, const char* where, const char* key, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) {
    return fail(ErrorCode::invalid_image, "SBOM JSON: {}.{} must be a string; the file is damaged or not an imagegate SBOM",
                where, key);
  }
  out = it->get<std::string>();
  return {};
}

Result<ImageIdentity> read_image(const json& j) {
  ImageIdentity img;
  if (!j.is_object()) {
    return fail(ErrorCode::invalid_image, "SBOM JSON: \"image\" must be an object; the file is damaged or not an imagegate SBOM");
  }
  IG_TRY(get_string(j, "image", "name", img.name));
  IG_TRY(get_string(j, "image", "source", img.source));
  IG_TRY(get_string(j, "image", "repository", img.repository));
  IG_TRY(get_string(j, "image", "tag", img.tag));
  IG_TRY(get_string(j, "image", "digest", img.digest));
  IG_TRY(get_string(j, "image", "platform", img.platform));
  IG_TRY(get_string(j, "image", "created", img.created));
  return img;
}

Result<void> read_inventory(const json& doc, inventory::Inventory& inv) {
  if (auto it = doc.find("os"); it != doc.end()) {
    if (!it->is_object()) return fail(ErrorCode::invalid_image, "SBOM JSON: \"os\" must be an object");
    try {
      inv.os = it->get<inventory::OsInfo>();
    } catch (const json::exception& e) {
      return fail(ErrorCode::invalid_image, "SBOM JSON: \"os\": {}", e.what());
    }
  }
  auto it = doc.find("packages");
  if (it == doc.end()) return {};
  if (!it->is_array()) return fail(ErrorCode::invalid_image, "SBOM JSON: \"packages\" must be an array");
  inv.packages.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    try {
      inv.packages.push_back((*it)[i].get<inventory::Package>());
    } catch (const json::exception& e) {
      return fail(ErrorCode::invalid_image, "SBOM JSON: packages[{}]: {}", i, e.what());
    }
  }
  return {};
}

}  // namespace

std::string write_sbom_json(const SbomInput& in) {
  nlohmann::ordered_json doc;
  doc["schema_version"] = k_sbom_json_schema_version;
  doc["tool"] = {{"name", "imagegate"}, {"version", in.tool_version}};
  if (in.timestamp) doc["timestamp"] = *in.timestamp;
  doc["image"] = image_json(in.image);
  doc["os"] = json(in.inventory.os);
  doc["packages"] = json(in.inventory.packages);
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<SbomInput> read_sbom_json(std::string_view text) {
  if (text.size() > k_max_size) {
    return fail(ErrorCode::invalid_image, "SBOM JSON is {} bytes, over the {} byte limit; is this an imagegate SBOM?",
                text.size(), k_max_size);
  }
  if (!depth_within(text, k_max_depth)) {
    return fail(ErrorCode::invalid_image, "SBOM JSON nests deeper than {} levels; the file is not an imagegate SBOM",
                k_max_depth);
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return fail(ErrorCode::invalid_image, "SBOM JSON is not valid JSON; write it with `imagegate sbom --format json`");
  }
  if (!doc.is_object()) return fail(ErrorCode::invalid_image, "SBOM JSON: the document must be an object");
  auto ver = doc.find("schema_version");
  if (ver == doc.end() || !ver->is_number_integer()) {
    return fail(ErrorCode::invalid_image,
                "SBOM JSON: no integer \"schema_version\"; this is not an imagegate SBOM (CycloneDX and SPDX are not read)");
  }
  auto v = ver->get<int64_t>();
  if (v < 1 || v > k_sbom_json_schema_version) {
    return fail(ErrorCode::invalid_image,
                "SBOM JSON: schema_version {} is not supported (this imagegate reads up to {}); upgrade imagegate",
                v, k_sbom_json_schema_version);
  }
  SbomInput in;
  if (auto tool = doc.find("tool"); tool != doc.end() && tool->is_object()) {
    IG_TRY(get_string(*tool, "tool", "version", in.tool_version));
  }
  if (auto ts = doc.find("timestamp"); ts != doc.end() && !ts->is_null()) {
    if (!ts->is_string()) return fail(ErrorCode::invalid_image, "SBOM JSON: \"timestamp\" must be a string");
    in.timestamp = ts->get<std::string>();
  }
  auto img = doc.find("image");
  if (img == doc.end()) return fail(ErrorCode::invalid_image, "SBOM JSON: no \"image\" object");
  IG_ASSIGN(in.image, read_image(*img));
  IG_TRY(read_inventory(doc, in.inventory));
  return in;
}

}  // namespace ig::report
