#include "image/types.h"

#include <sys/utsname.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/digest.h"

namespace ig::image {

using nlohmann::json;

namespace {

tl::unexpected<Error> bad_field(std::string_view what, std::string_view field, std::string_view why) {
  return fail(ErrorCode::invalid_image, "{}: field '{}' {}", what, field, why);
}

const char* type_name(const json& j) { return j.type_name(); }

// Optional string member: absent or null gives "".
Result<std::string> opt_string(const json& obj, const char* key, std::string_view what, std::string_view prefix = {}) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return bad_field(what, fmt::format("{}{}", prefix, key), fmt::format("must be a string, not {}", type_name(*it)));
  }
  return it->get<std::string>();
}

Result<std::vector<std::string>> opt_string_array(const json& obj, const char* key, std::string_view what,
                                                  std::string_view prefix = {}) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) {
    return bad_field(what, fmt::format("{}{}", prefix, key),
                     fmt::format("must be an array of strings, not {}", type_name(*it)));
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return bad_field(what, fmt::format("{}{}", prefix, key),
                       fmt::format("must hold only strings, but holds a {}", type_name(v)));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> opt_string_map(const json& obj, const char* key, std::string_view what,
                                                          std::string_view prefix = {}) {
  std::map<std::string, std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return bad_field(what, fmt::format("{}{}", prefix, key),
                     fmt::format("must be an object of strings, not {}", type_name(*it)));
  }
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return bad_field(what, fmt::format("{}{}.{}", prefix, key, k),
                       fmt::format("must be a string, not {}", type_name(v)));
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<json> parse_object(std::string_view text, std::string_view what) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_image, "{} is not valid JSON", what);
  if (!j.is_object()) return fail(ErrorCode::invalid_image, "{} must be a JSON object, not {}", what, type_name(j));
  return j;
}

Result<int> schema_version(const json& j, std::string_view what) {
  auto it = j.find("schemaVersion");
  if (it == j.end()) return bad_field(what, "schemaVersion", "is missing; it must be 2");
  if (!it->is_number_integer()) return bad_field(what, "schemaVersion", "must be the number 2");
  auto v = it->get<int64_t>();
  if (v == 1) {
    return fail(ErrorCode::invalid_image,
                "{} is a Docker schema 1 manifest, which is deprecated and not supported; re-push the image with a "
                "current Docker or copy it with 'skopeo copy --format v2s2'",
                what);
  }
  if (v != 2) return bad_field(what, "schemaVersion", fmt::format("is {}; only 2 is supported", v));
  return 2;
}

Result<std::optional<Descriptor>> opt_descriptor(const json& j, const char* key, std::string_view what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<Descriptor>();
  auto d = parse_descriptor(*it);
  if (!d) return fail(d.error().with_context(fmt::format("{}: field '{}'", what, key)));
  return std::optional<Descriptor>(std::move(*d));
}

Result<std::vector<Descriptor>> descriptor_array(const json& j, const char* key, std::string_view what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) {
    return bad_field(what, key, it == j.end() ? "is missing" : fmt::format("must be an array, not {}", type_name(*it)));
  }
  std::vector<Descriptor> out;
  for (size_t i = 0; i < it->size(); ++i) {
    auto d = parse_descriptor((*it)[i]);
    if (!d) return fail(d.error().with_context(fmt::format("{}: field '{}[{}]'", what, key, i)));
    out.push_back(std::move(*d));
  }
  return out;
}

bool is_index_type(std::string_view mt) { return mt == media_type::oci_index || mt == media_type::docker_manifest_list; }
bool is_manifest_type(std::string_view mt) {
  return mt == media_type::oci_manifest || mt == media_type::docker_manifest;
}

std::string normalize_arch(std::string arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  return arch;
}

}  // namespace

Compression layer_compression(std::string_view mt) {
  namespace m = media_type;
  if (mt == m::oci_layer_gzip || mt == m::oci_layer_nd_gzip || mt == m::docker_layer_gzip ||
      mt == m::docker_layer_foreign_gzip) {
    return Compression::gzip;
  }
  if (mt == m::oci_layer_zstd || mt == m::docker_layer_zstd ||
      mt == "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd") {
    return Compression::zstd;
  }
  if (mt == m::oci_layer || mt == m::docker_layer_tar || mt == "application/vnd.oci.image.layer.nondistributable.v1.tar") {
    return Compression::none;
  }
  return Compression::unknown;
}

std::string Platform::str() const {
  if (os.empty() && architecture.empty()) return "unknown";
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Result<Platform> Platform::parse(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    parts.emplace_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  auto valid = [](const std::string& p) {
    return !p.empty() && std::all_of(p.begin(), p.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    });
  };
  if (parts.size() < 2 || parts.size() > 3 || !std::all_of(parts.begin(), parts.end(), valid)) {
    return fail(ErrorCode::usage,
                "invalid platform '{}': expected os/arch[/variant] in lowercase, e.g. linux/amd64 or linux/arm64/v8",
                s);
  }
  Platform p;
  p.os = parts[0];
  p.architecture = normalize_arch(parts[1]);
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

Platform Platform::host() {
  Platform p;
  p.os = "linux";
  struct utsname u {};
  std::string machine = ::uname(&u) == 0 ? u.machine : "x86_64";
  if (machine.rfind("armv7", 0) == 0) {
    p.architecture = "arm";
    p.variant = "v7";
  } else if (machine.rfind("armv6", 0) == 0) {
    p.architecture = "arm";
    p.variant = "v6";
  } else if (machine == "i686" || machine == "i386") {
    p.architecture = "386";
  } else {
    p.architecture = normalize_arch(machine);
  }
  return p;
}

bool Platform::matches(const Platform& wanted) const {
  if (os != wanted.os || normalize_arch(architecture) != normalize_arch(wanted.architecture)) return false;
  if (wanted.variant.empty() || variant == wanted.variant) return true;
  // arm64 images often leave the variant out; it means v8.
  if (normalize_arch(architecture) == "arm64") {
    auto v8 = [](const std::string& v) { return v.empty() ? std::string("v8") : v; };
    return v8(variant) == v8(wanted.variant);
  }
  return false;
}

Result<Descriptor> parse_descriptor(const json& j) {
  constexpr std::string_view what = "descriptor";
  if (!j.is_object()) return fail(ErrorCode::invalid_image, "a descriptor must be a JSON object, not {}", type_name(j));
  Descriptor d;
  IG_ASSIGN(d.media_type, opt_string(j, "mediaType", what));
  if (d.media_type.empty()) return bad_field(what, "mediaType", "is missing or empty");
  IG_ASSIGN(d.digest, opt_string(j, "digest", what));
  if (auto dg = Digest::parse(d.digest); !dg) return bad_field(what, "digest", "is invalid: " + dg.error().message);
  auto size = j.find("size");
  if (size == j.end()) return bad_field(what, "size", "is missing");
  if (size->is_number_unsigned()) {
    if (size->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return bad_field(what, "size", "is too large");
    }
    d.size = static_cast<int64_t>(size->get<uint64_t>());
  } else if (size->is_number_integer()) {
    d.size = size->get<int64_t>();
    if (d.size < 0) return bad_field(what, "size", fmt::format("is negative ({})", d.size));
  } else {
    return bad_field(what, "size", fmt::format("must be a non-negative integer, not {}", type_name(*size)));
  }
  IG_ASSIGN(d.artifact_type, opt_string(j, "artifactType", what));
  IG_ASSIGN(d.urls, opt_string_array(j, "urls", what));
  IG_ASSIGN(d.annotations, opt_string_map(j, "annotations", what));
  if (auto p = j.find("platform"); p != j.end() && !p->is_null()) {
    if (!p->is_object()) return bad_field(what, "platform", "must be an object");
    Platform pl;
    IG_ASSIGN(pl.os, opt_string(*p, "os", what, "platform."));
    IG_ASSIGN(pl.architecture, opt_string(*p, "architecture", what, "platform."));
    IG_ASSIGN(pl.variant, opt_string(*p, "variant", what, "platform."));
    IG_ASSIGN(pl.os_version, opt_string(*p, "os.version", what, "platform."));
    if (pl.os.empty() || pl.architecture.empty()) return bad_field(what, "platform", "needs both 'os' and 'architecture'");
    d.platform = std::move(pl);
  }
  return d;
}

Result<ManifestKind> sniff_manifest_kind(std::string_view text, std::string_view content_type) {
  IG_ASSIGN(json j, parse_object(text, "manifest"));
  IG_ASSIGN(std::string mt, opt_string(j, "mediaType", "manifest"));
  if (mt.empty()) {
    // Content-Type may carry parameters ("…+json; charset=utf-8").
    mt = std::string(content_type.substr(0, content_type.find(';')));
    while (!mt.empty() && mt.back() == ' ') mt.pop_back();
  }
  if (is_index_type(mt)) return ManifestKind::index;
  if (is_manifest_type(mt)) return ManifestKind::image;
  if (j.contains("manifests")) return ManifestKind::index;
  if (j.contains("layers") || j.contains("config")) return ManifestKind::image;
  if (j.contains("fsLayers") || mt.find("manifest.v1") != std::string::npos) {
    return fail(ErrorCode::invalid_image,
                "the manifest is a Docker schema 1 manifest, which is deprecated and not supported; re-push the image "
                "with a current Docker or copy it with 'skopeo copy --format v2s2'");
  }
  if (mt.empty()) {
    return fail(ErrorCode::invalid_image,
                "the manifest has no mediaType and neither 'manifests' nor 'layers': it is not an image or an index");
  }
  return fail(ErrorCode::invalid_image, "the manifest has media type '{}', which is not an image manifest or index", mt);
}

Result<Manifest> parse_manifest(std::string_view text) {
  constexpr std::string_view what = "image manifest";
  IG_ASSIGN(json j, parse_object(text, what));
  Manifest m;
  IG_ASSIGN(m.schema_version, schema_version(j, what));
  IG_ASSIGN(m.media_type, opt_string(j, "mediaType", what));
  if (is_index_type(m.media_type)) {
    return bad_field(what, "mediaType", fmt::format("is '{}', an index, where an image manifest was expected", m.media_type));
  }
  IG_ASSIGN(m.artifact_type, opt_string(j, "artifactType", what));
  IG_ASSIGN(auto config, opt_descriptor(j, "config", what));
  if (!config) return bad_field(what, "config", "is missing");
  m.config = std::move(*config);
  IG_ASSIGN(m.layers, descriptor_array(j, "layers", what));
  IG_ASSIGN(m.subject, opt_descriptor(j, "subject", what));
  IG_ASSIGN(m.annotations, opt_string_map(j, "annotations", what));
  return m;
}

Result<Index> parse_index(std::string_view text) {
  constexpr std::string_view what = "image index";
  IG_ASSIGN(json j, parse_object(text, what));
  Index x;
  IG_ASSIGN(x.schema_version, schema_version(j, what));
  IG_ASSIGN(x.media_type, opt_string(j, "mediaType", what));
  if (is_manifest_type(x.media_type)) {
    return bad_field(what, "mediaType", fmt::format("is '{}', an image manifest, where an index was expected", x.media_type));
  }
  IG_ASSIGN(x.artifact_type, opt_string(j, "artifactType", what));
  IG_ASSIGN(x.manifests, descriptor_array(j, "manifests", what));
  IG_ASSIGN(x.subject, opt_descriptor(j, "subject", what));
  IG_ASSIGN(x.annotations, opt_string_map(j, "annotations", what));
  return x;
}

namespace {

Result<void> parse_runtime_config(const json& j, ImageConfig& c) {
  constexpr std::string_view what = "image config";
  auto it = j.find("config");
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_object()) return bad_field(what, "config", "must be an object");
  const json& r = *it;
  IG_ASSIGN(c.user, opt_string(r, "User", what, "config."));
  IG_ASSIGN(c.working_dir, opt_string(r, "WorkingDir", what, "config."));
  IG_ASSIGN(c.entrypoint, opt_string_array(r, "Entrypoint", what, "config."));
  IG_ASSIGN(c.cmd, opt_string_array(r, "Cmd", what, "config."));
  IG_ASSIGN(c.env, opt_string_array(r, "Env", what, "config."));
  IG_ASSIGN(c.labels, opt_string_map(r, "Labels", what, "config."));
  if (auto p = r.find("ExposedPorts"); p != r.end() && !p->is_null()) {
    if (!p->is_object()) return bad_field(what, "config.ExposedPorts", "must be an object");
    for (const auto& [port, unused] : p->items()) c.exposed_ports.push_back(port);
  }
  return {};
}

Result<void> parse_history(const json& j, ImageConfig& c) {
  constexpr std::string_view what = "image config";
  auto it = j.find("history");
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_array()) return bad_field(what, "history", "must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& h = (*it)[i];
    std::string prefix = fmt::format("history[{}].", i);
    if (!h.is_object()) return bad_field(what, fmt::format("history[{}]", i), "must be an object");
    HistoryEntry e;
    IG_ASSIGN(e.created, opt_string(h, "created", what, prefix));
    IG_ASSIGN(e.created_by, opt_string(h, "created_by", what, prefix));
    IG_ASSIGN(e.comment, opt_string(h, "comment", what, prefix));
    if (auto el = h.find("empty_layer"); el != h.end() && !el->is_null()) {
      if (!el->is_boolean()) return bad_field(what, prefix + "empty_layer", "must be true or false");
      e.empty_layer = el->get<bool>();
    }
    c.history.push_back(std::move(e));
  }
  return {};
}

}  // namespace

Result<ImageConfig> parse_config(std::string_view text) {
  constexpr std::string_view what = "image config";
  IG_ASSIGN(json j, parse_object(text, what));
  ImageConfig c;
  IG_ASSIGN(c.architecture, opt_string(j, "architecture", what));
  c.architecture = normalize_arch(c.architecture);
  IG_ASSIGN(c.os, opt_string(j, "os", what));
  IG_ASSIGN(c.variant, opt_string(j, "variant", what));
  IG_ASSIGN(c.created, opt_string(j, "created", what));
  IG_TRY(parse_runtime_config(j, c));
  IG_TRY(parse_history(j, c));
  auto rootfs = j.find("rootfs");
  if (rootfs != j.end() && !rootfs->is_null()) {
    if (!rootfs->is_object()) return bad_field(what, "rootfs", "must be an object");
    IG_ASSIGN(c.diff_ids, opt_string_array(*rootfs, "diff_ids", what, "rootfs."));
    for (size_t i = 0; i < c.diff_ids.size(); ++i) {
      if (auto d = Digest::parse(c.diff_ids[i]); !d) {
        return bad_field(what, fmt::format("rootfs.diff_ids[{}]", i), "is not a valid digest: " + d.error().message);
      }
    }
  }
  return c;
}

json to_json(const Platform& p) {
  json j{{"os", p.os}, {"architecture", p.architecture}};
  if (!p.variant.empty()) j["variant"] = p.variant;
  if (!p.os_version.empty()) j["os_version"] = p.os_version;
  return j;
}

json to_json(const Descriptor& d) {
  json j{{"media_type", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) j["artifact_type"] = d.artifact_type;
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) j["platform"] = to_json(*d.platform);
  return j;
}

json to_json(const ImageConfig& c) {
  json history = json::array();
  for (const auto& h : c.history) {
    history.push_back(
        {{"created", h.created}, {"created_by", h.created_by}, {"comment", h.comment}, {"empty_layer", h.empty_layer}});
  }
  return json{{"user", c.user},
              {"entrypoint", c.entrypoint},
              {"cmd", c.cmd},
              {"env", c.env},
              {"exposed_ports", c.exposed_ports},
              {"labels", c.labels},
              {"created", c.created},
              {"working_dir", c.working_dir},
              {"history", history},
              {"architecture", c.architecture},
              {"os", c.os},
              {"variant", c.variant},
              {"diff_ids", c.diff_ids}};
}

}  // namespace ig::image
