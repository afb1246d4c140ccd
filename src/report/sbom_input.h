// What every SBOM writer works from: the image's identity plus its inventory,
// and the small pieces the writers share (stable ids, the image's package URL,
// name-based UUIDs, timestamps).
//
// Writers are pure functions of an SbomInput: the same input gives the same
// bytes, so two runs over the same image diff cleanly. Nothing here reads the
// clock except rfc3339_utc_now(), which only the CLI calls (for --timestamp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace ig::report {

// Who the image is. Filled by the CLI from image::ResolvedImage; plain strings
// so the report module needs no image code.
struct ImageIdentity {
  std::string name;        // as displayed: "docker.io/library/nginx:latest", "oci:/path:tag", "dir:/"
  std::string source;      // "registry", "oci_layout", "oci_archive", "docker_archive", "rootfs"
  std::string repository;  // "docker.io/library/nginx" for registry images, else ""
  std::string tag;         // "latest"; "" when unknown
  std::string digest;      // image manifest digest "sha256:…"; "" for a root file system
  std::string platform;    // "linux/amd64"
  std::string created;     // the config's "created" as stored; "" when absent
};

struct SbomInput {
  ImageIdentity image;
  inventory::Inventory inventory;
  std::string tool_version;               // imagegate's version, named in the document's tools/creators
  std::optional<std::string> timestamp;   // RFC 3339 UTC; only when the user asked for one
};

// OS package ecosystems (deb, apk, rpm): these belong under the OS component.
bool is_os_ecosystem(std::string_view ecosystem);

// The inventory's packages in the writers' order: ecosystem, name, version,
// purl, then locations. Pointers into `inv`.
std::vector<const inventory::Package*> sorted_packages(const inventory::Inventory& inv);

// One reference per package of `pkgs` (same order), unique within the list:
// the purl, or "pkg:<ecosystem>/<name>@<version>"-like text when a package has
// none. Packages that share a purl (the same npm package in two directories)
// get "package-id=<16 hex>" from their locations and layer added as a qualifier.
std::vector<std::string> package_refs(const std::vector<const inventory::Package*>& pkgs);

// Package URL of the image (purl type "oci"): pkg:oci/<name>@<digest>?arch=..&repository_url=..&tag=..
// with the digest's ':' percent-encoded; no version for a root file system.
std::string image_purl(const ImageIdentity& image);

// A short name for the image: the repository's last path component, else the
// last component of the layout/archive path, else "image".
std::string image_short_name(const ImageIdentity& image);

// The seed that identifies this SBOM's subject: the digest when there is one,
// else the name plus a hash of the inventory (a root file system has no digest).
std::string identity_seed(const SbomInput& in);

// A name-based UUID ("xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx") from the first 16
// bytes of SHA-256(`seed`), with the RFC 4122 version-5 and variant bits set:
// UUIDv5 in form, SHA-256 instead of SHA-1 inside.
std::string name_based_uuid(std::string_view seed);

// `t` rewritten as "YYYY-MM-DDThh:mm:ssZ" in UTC (fractions dropped, offsets
// applied), or "" when `t` is not an RFC 3339 date-time.
std::string normalize_rfc3339(std::string_view t);

// The current time as "YYYY-MM-DDThh:mm:ssZ".
std::string rfc3339_utc_now();

// Percent-encodes every byte outside [A-Za-z0-9._~-] and `keep`.
std::string percent_encode(std::string_view s, std::string_view keep = {});

}  // namespace ig::report
