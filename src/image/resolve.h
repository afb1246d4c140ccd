// From what the user typed to an immutable, resolved image handle.
//
// A tag is resolved to a digest exactly once here; signature checks, the SBOM,
// the scan and the verdict all work from the same ResolvedImage, never from a
// string that could be resolved again to something else.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "image/credential_provider.h"
#include "image/reference.h"
#include "image/registry_endpoints.h"
#include "image/source.h"
#include "image/types.h"
#include "util/error.h"

namespace ig::image {

// Options for reaching registries. Credentials never appear in messages.
struct RegistryOptions {
  std::string username;                 // with password: explicit Basic credentials
  std::string password;
  std::string docker_config;            // path to config.json; default $DOCKER_CONFIG or ~/.docker/config.json
  std::string ca_file;                  // extra CA bundle for TLS
  std::vector<std::string> insecure_hosts;  // hosts for which TLS verification is off / HTTP allowed
  std::chrono::seconds timeout{300};    // total time for one operation, retries included
  int max_retries = 5;
  std::string user_agent = "imagegate";
  // Where a registry's traffic goes instead (image/registry_endpoints.h).
  std::vector<RegistryEndpoint> endpoints;
  // Credentials from outside this layer (ECR). Asked after --username and a
  // docker credential helper configured for the registry, before config.json "auths".
  RegistryCredentialProvider credential_provider;
};

struct ResolveOptions {
  std::optional<Platform> platform;     // default: host platform
  RegistryOptions registry;
  std::filesystem::path cache_dir;      // empty: default_cache_dir()
  bool use_cache = true;
  // Stop at what a signature covers: the root manifest, or the index when the
  // reference names one (platforms are not picked, as cosign signs the index).
  // No config blob is read, so artifacts (Helm charts, WASM modules, SBOMs) and
  // images whose config the registry lacks resolve too; `config`, `layers` and
  // `platform` stay empty, and for an index `index_digest` is set and `digest`
  // is not.
  bool manifest_only = false;
};

enum class SourceKind { registry, oci_layout, oci_archive, docker_archive, rootfs };
const char* source_kind_name(SourceKind k);

struct Layer {
  size_t index = 0;        // position in the manifest, bottom first
  Descriptor blob;         // as listed in the manifest (compressed digest)
  std::string diff_id;     // uncompressed digest from the config's rootfs
};

struct ResolvedImage {
  SourceKind kind = SourceKind::registry;
  std::string input;                   // exactly what the user typed
  std::optional<Reference> reference;  // for registry images
  std::string name;                    // display name: "docker.io/library/nginx:latest", "oci:/path:tag"
  std::string digest;                  // digest of the image manifest (the identity)
  std::string index_digest;            // digest of the index it was picked from, if any
  std::string media_type;              // of the image manifest
  Platform platform;
  std::vector<Platform> available_platforms;  // when resolved through an index
  RawManifest manifest_raw;
  Manifest manifest;
  std::string config_raw;
  ImageConfig config;
  std::vector<Layer> layers;
  std::shared_ptr<Source> source;      // to open layer blobs; null for rootfs
  std::filesystem::path rootfs;        // for SourceKind::rootfs
};

// Resolves `input` ("nginx", "oci:DIR:tag", "docker-archive:FILE", "dir:/", ...).
// Errors: usage (bad syntax), not_found (no such image/tag/platform; the
// message lists the platforms that exist), integrity, invalid_image, network.
Result<ResolvedImage> resolve(std::string_view input, const ResolveOptions& options);

}  // namespace ig::image
