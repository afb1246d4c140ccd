// Referrers of an image: artifacts (signatures, SBOMs, scan reports) whose
// manifest names the image as its `subject`, as defined by the OCI
// distribution spec 1.1.
//
// Registries with the referrers API (GET /v2/<repo>/referrers/<digest>) list
// them directly. Registries without it (Debian's docker-registry, older
// Harbor/ECR) get the spec's "referrers tag schema" fallback: the tag
// `sha256-<hex>` holds an OCI index whose manifests are the referrers'
// descriptors. Both paths return the same descriptors, so callers never care
// which one the registry supports. See docs/signatures.md.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "image/registry.h"
#include "image/types.h"
#include "util/error.h"

namespace ig::sign {

// The fallback tag for `subject_digest`: "sha256:abc…" -> "sha256-abc…"
// (algorithm truncated to 32 characters, hex to 64, as the spec says).
// usage error when the digest is malformed.
Result<std::string> referrers_fallback_tag(const std::string& subject_digest);

// Descriptors of the manifests in `repo` whose subject is `subject_digest`,
// filtered by `artifact_type` when not empty. Uses the referrers API, else the
// fallback tag; an image nobody referred to yields an empty list, not an error.
// Errors: usage (bad digest), network, invalid_image (malformed index).
Result<std::vector<image::Descriptor>> list_referrers(image::RegistryClient& client, const std::string& repo,
                                                      const std::string& subject_digest,
                                                      const std::string& artifact_type = {});

// PUTs `manifest_bytes` (an OCI image manifest or index whose `subject` is
// `subject_digest`; its blobs must already be uploaded) by its own digest, and
// when the registry lacks the referrers API adds its descriptor (media type,
// digest, size, `artifact_type`, and the manifest's annotations) to the
// fallback index, keeping every entry already there. Returns the digest of
// `manifest_bytes`.
//
// The fallback update is read-modify-write on a tag: two writers racing on the
// same subject can lose one entry (the spec accepts this; there is no
// compare-and-swap for tags in the distribution API).
Result<std::string> push_referrer(image::RegistryClient& client, const std::string& repo,
                                  const std::string& subject_digest, std::string_view manifest_bytes,
                                  std::string_view media_type, const std::string& artifact_type);

// Fetches and parses a referrer's manifest by its descriptor (verified against
// the digest by the client). invalid_image when it is not an image manifest.
Result<image::Manifest> fetch_referrer_manifest(image::RegistryClient& client, const std::string& repo,
                                                const image::Descriptor& referrer, std::string* raw_bytes = nullptr);

// Downloads a small blob (a signature payload, a bundle) into memory, verified
// against its digest. invalid_signature when the descriptor says it is larger
// than `max_size`, so a hostile registry cannot make us read without bound.
Result<std::string> fetch_small_blob(image::RegistryClient& client, const std::string& repo,
                                     const image::Descriptor& blob, size_t max_size = 4u << 20);

// The OCI "empty" descriptor ({} as application/vnd.oci.empty.v1+json), used
// as the config of artifact manifests.
image::Descriptor empty_config_descriptor();
inline constexpr std::string_view k_empty_config_bytes = "{}";

// Builds an OCI image manifest for an artifact: config = the empty
// descriptor, `layers`, `subject`, `artifact_type` and `annotations`.
// Deterministic output (keys in a fixed order), so equal inputs give equal digests.
std::string make_artifact_manifest(const std::string& artifact_type, const std::vector<image::Descriptor>& layers,
                                   const image::Descriptor& subject,
                                   const std::map<std::string, std::string>& annotations = {});

// Serializes `m` as an OCI image manifest in wire format (camelCase keys,
// empty optional fields left out, keys sorted): what the registry stores.
std::string manifest_to_oci_json(const image::Manifest& m);

}  // namespace ig::sign
