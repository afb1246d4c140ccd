// The vulnerability database as an OCI artifact, so that any registry (ECR,
// GHCR, Harbor, a plain docker-registry) can host and mirror it. This file
// holds the artifact's shape only: building the manifest and metadata for
// `db push`, and checking what `db pull` reads before anything is downloaded
// or replaced. Moving bytes is the CLI's job (src/cli/db.cpp). The format is
// documented in docs/db-artifact.md; change both together.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/database.h"

namespace ig::vulndb {

// OCI 1.1 image manifest with artifactType k_artifact_type, the metadata JSON
// as its config blob, and one layer: the SQLite file, zstd-compressed.
inline constexpr std::string_view k_artifact_type = "application/vnd.imagegate.db.v1";
inline constexpr std::string_view k_metadata_media_type = "application/vnd.imagegate.db.metadata.v1+json";
inline constexpr std::string_view k_layer_media_type = "application/vnd.imagegate.db.layer.v1.sqlite+zstd";
inline constexpr std::string_view k_manifest_media_type = "application/vnd.oci.image.manifest.v1+json";

// Manifest annotation keys (besides org.opencontainers.image.created).
inline constexpr std::string_view k_annotation_schema = "io.imagegate.db.schema-version";
inline constexpr std::string_view k_annotation_sources = "io.imagegate.db.sources";
inline constexpr std::string_view k_annotation_counts = "io.imagegate.db.counts";

// Bounds on what pull accepts from a registry, so that a hostile artifact
// cannot make us read or write without limit.
inline constexpr int64_t k_max_metadata_size = 1 << 20;
inline constexpr int64_t k_max_database_size = int64_t{32} << 30;

// What the metadata blob says about the database it travels with.
struct ArtifactMetadata {
  int schema_version = 0;
  std::string built_at;  // RFC 3339 UTC
  std::string builder;   // "imagegate 0.1.0"
  std::string database_digest;  // "sha256:…" of the uncompressed SQLite file
  int64_t database_size = 0;    // its size in bytes
  std::vector<SourceStatus> sources;
  int64_t vulnerabilities = 0, affected = 0, kev = 0, epss = 0;
};

// Metadata for a built database file of `size` bytes hashing to `digest`.
ArtifactMetadata metadata_for(const DatabaseStatus& s, std::string_view builder, std::string_view digest,
                              int64_t size);

std::string metadata_to_json(const ArtifactMetadata& m);

// Parses and checks a metadata blob read from a registry: invalid_image naming
// `what` for anything malformed or out of bounds, usage (with the fix) for a
// schema version this imagegate cannot read.
Result<ArtifactMetadata> parse_metadata(std::string_view json, std::string_view what);

// A blob the manifest points at.
struct BlobRef {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
};

// The manifest bytes for a metadata blob and a compressed database layer.
std::string build_manifest(const ArtifactMetadata& m, const BlobRef& metadata, const BlobRef& layer);

// The two blobs a pulled manifest names, after checking that it is an
// imagegate database artifact (invalid_image naming `what` otherwise) whose
// annotated schema version this imagegate reads (usage otherwise).
struct ArtifactManifest {
  BlobRef metadata;
  BlobRef layer;
  int schema_version = 0;
};
Result<ArtifactManifest> parse_manifest(std::string_view json, std::string_view what);

// The usage error for an artifact of a schema version this build cannot read.
Error schema_mismatch_error(std::string_view what, int version);

}  // namespace ig::vulndb
