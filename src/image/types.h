// The OCI / Docker image data model: descriptors, manifests, indexes, configs.
// Plain structs; parse_* functions validate untrusted JSON and never throw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/error.h"

namespace ig::image {

namespace media_type {
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view oci_layer_nd_gzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_layer_foreign_gzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view docker_layer_zstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
inline constexpr std::string_view docker_layer_tar = "application/vnd.docker.image.rootfs.diff.tar";
}  // namespace media_type

// How a layer blob is compressed, from its media type. unknown is reported,
// never guessed.
enum class Compression { none, gzip, zstd, unknown };
Compression layer_compression(std::string_view media_type);

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
  std::string os_version;

  std::string str() const;  // "linux/arm64/v8"
  // Parses "os/arch[/variant]"; usage error otherwise.
  static Result<Platform> parse(std::string_view s);
  // The platform of the running host, e.g. linux/amd64.
  static Platform host();
  // True when this platform satisfies `wanted` (an empty variant in `wanted`
  // matches any; arm64 treats "" and "v8" alike).
  bool matches(const Platform& wanted) const;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::string artifact_type;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
};

struct Manifest {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

struct Index {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
};

struct ImageConfig {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string created;
  std::string user;
  std::string working_dir;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::vector<std::string> exposed_ports;
  std::map<std::string, std::string> labels;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, in layer order
  std::vector<HistoryEntry> history;
};

// What a manifest blob turned out to be.
enum class ManifestKind { image, index };
// Tells an index from an image manifest by mediaType, falling back to the
// presence of "manifests" vs "layers" when mediaType is absent (OCI allows it).
Result<ManifestKind> sniff_manifest_kind(std::string_view json, std::string_view content_type = {});

// Each parser returns invalid_image with a message that names the field at fault.
Result<Manifest> parse_manifest(std::string_view json);
Result<Index> parse_index(std::string_view json);
Result<ImageConfig> parse_config(std::string_view json);
Result<Descriptor> parse_descriptor(const nlohmann::json& j);

// JSON for `inspect --format json` and for the cache.
nlohmann::json to_json(const Descriptor& d);
nlohmann::json to_json(const Platform& p);
nlohmann::json to_json(const ImageConfig& c);

}  // namespace ig::image
