// Referrers: the OCI 1.1 API, and the tag-schema fallback for registries
// without it.
#include "sign/referrers.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "util/digest.h"
#include "util/log.h"

namespace ig::sign {

using nlohmann::json;

namespace {

json descriptor_json(const image::Descriptor& d) {
  json j{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) {
    json p{{"os", d.platform->os}, {"architecture", d.platform->architecture}};
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    if (!d.platform->os_version.empty()) p["os.version"] = d.platform->os_version;
    j["platform"] = p;
  }
  return j;
}

bool matches_type(const image::Descriptor& d, const std::string& artifact_type) {
  return artifact_type.empty() || d.artifact_type == artifact_type;
}

std::vector<image::Descriptor> filter(std::vector<image::Descriptor> all, const std::string& artifact_type) {
  std::vector<image::Descriptor> out;
  for (auto& d : all) {
    if (matches_type(d, artifact_type)) out.push_back(std::move(d));
  }
  return out;
}

// The fallback index as JSON: an empty index when the tag does not exist yet.
Result<json> read_fallback_index(image::RegistryClient& client, const std::string& repo, const std::string& tag) {
  auto raw = client.get_manifest(repo, tag);
  if (!raw) {
    if (raw.error().code == ErrorCode::not_found) {
      return json{{"schemaVersion", 2}, {"mediaType", image::media_type::oci_index}, {"manifests", json::array()}};
    }
    return fail(raw.error());
  }
  // Validate with the shared parser first, so a malformed index is reported
  // the same way everywhere; then keep the JSON to preserve unknown fields.
  auto idx = image::parse_index(raw->bytes);
  if (!idx) {
    return fail(idx.error().with_context(
        fmt::format("the referrers fallback tag {} in {} does not hold an OCI index; delete the tag to start afresh",
                    tag, repo)));
  }
  return json::parse(raw->bytes);
}

}  // namespace

Result<std::string> referrers_fallback_tag(const std::string& subject_digest) {
  IG_ASSIGN(Digest d, Digest::parse(subject_digest));
  return d.algorithm.substr(0, 32) + "-" + d.hex.substr(0, 64);
}

Result<std::vector<image::Descriptor>> list_referrers(image::RegistryClient& client, const std::string& repo,
                                                      const std::string& subject_digest,
                                                      const std::string& artifact_type) {
  IG_ASSIGN(std::string tag, referrers_fallback_tag(subject_digest));
  IG_ASSIGN(auto api, client.get_referrers(repo, subject_digest, artifact_type));
  if (api) {
    auto idx = image::parse_index(api->bytes);
    if (!idx) return fail(idx.error().with_context(fmt::format("the referrers of {} in {}", subject_digest, repo)));
    // The registry may ignore the filter (it says so only in a header we do
    // not need): filtering again is cheap and always right.
    return filter(std::move(idx->manifests), artifact_type);
  }
  log::debug("{} has no referrers API; reading the fallback tag {}", client.registry(), tag);
  auto raw = client.get_manifest(repo, tag);
  if (!raw) {
    if (raw.error().code == ErrorCode::not_found) return std::vector<image::Descriptor>{};
    return fail(raw.error());
  }
  auto idx = image::parse_index(raw->bytes);
  if (!idx) return fail(idx.error().with_context(fmt::format("the referrers fallback tag {} in {}", tag, repo)));
  return filter(std::move(idx->manifests), artifact_type);
}

Result<std::string> push_referrer(image::RegistryClient& client, const std::string& repo,
                                  const std::string& subject_digest, std::string_view manifest_bytes,
                                  std::string_view media_type, const std::string& artifact_type) {
  IG_ASSIGN(std::string tag, referrers_fallback_tag(subject_digest));
  std::string digest = sha256_digest(manifest_bytes);
  IG_TRY(client.put_manifest(repo, digest, manifest_bytes, media_type));
  IG_ASSIGN(auto api, client.get_referrers(repo, subject_digest));
  if (api) return digest;  // the registry indexed the subject itself

  image::Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = digest;
  d.size = static_cast<int64_t>(manifest_bytes.size());
  d.artifact_type = artifact_type;
  if (auto parsed = json::parse(manifest_bytes, nullptr, false); parsed.is_object()) {
    if (auto a = parsed.find("annotations"); a != parsed.end() && a->is_object()) {
      for (const auto& [k, v] : a->items()) {
        if (v.is_string()) d.annotations[k] = v.get<std::string>();
      }
    }
  }
  IG_ASSIGN(json index, read_fallback_index(client, repo, tag));
  json& manifests = index["manifests"];
  if (!manifests.is_array()) manifests = json::array();
  for (const auto& m : manifests) {
    if (m.is_object() && m.value("digest", "") == digest) return digest;  // already listed
  }
  manifests.push_back(descriptor_json(d));
  IG_TRY(client.put_manifest(repo, tag, index.dump(), image::media_type::oci_index));
  return digest;
}

Result<image::Manifest> fetch_referrer_manifest(image::RegistryClient& client, const std::string& repo,
                                                const image::Descriptor& referrer, std::string* raw_bytes) {
  IG_ASSIGN(image::RawManifest raw, client.get_manifest(repo, referrer.digest));
  auto m = image::parse_manifest(raw.bytes);
  if (!m) return fail(m.error().with_context(fmt::format("referrer {} in {}", referrer.digest, repo)));
  if (raw_bytes) *raw_bytes = std::move(raw.bytes);
  return m;
}

Result<std::string> fetch_small_blob(image::RegistryClient& client, const std::string& repo,
                                     const image::Descriptor& blob, size_t max_size) {
  if (blob.size < 0 || static_cast<uint64_t>(blob.size) > max_size) {
    return fail(ErrorCode::invalid_signature, "blob {} in {} is {} bytes, over the {} byte limit for signature data",
                blob.digest, repo, blob.size, max_size);
  }
  // An unnamed temporary file: download_blob streams into a descriptor.
  std::unique_ptr<FILE, int (*)(FILE*)> tmp(std::tmpfile(), &std::fclose);
  if (!tmp) return fail(ErrorCode::io, "cannot create a temporary file for blob {}: {}", blob.digest, std::strerror(errno));
  IG_TRY(client.download_blob(repo, blob, fileno(tmp.get())));
  std::string data(static_cast<size_t>(blob.size), '\0');
  if (::pread(fileno(tmp.get()), data.data(), data.size(), 0) != static_cast<ssize_t>(data.size())) {
    return fail(ErrorCode::io, "cannot read back blob {}: {}", blob.digest, std::strerror(errno));
  }
  return data;
}

image::Descriptor empty_config_descriptor() {
  image::Descriptor d;
  d.media_type = std::string(image::media_type::oci_empty);
  d.digest = sha256_digest(k_empty_config_bytes);
  d.size = static_cast<int64_t>(k_empty_config_bytes.size());
  return d;
}

std::string manifest_to_oci_json(const image::Manifest& m) {
  json j{{"schemaVersion", 2}};
  j["mediaType"] = m.media_type.empty() ? std::string(image::media_type::oci_manifest) : m.media_type;
  if (!m.artifact_type.empty()) j["artifactType"] = m.artifact_type;
  j["config"] = descriptor_json(m.config);
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(descriptor_json(l));
  j["layers"] = std::move(layers);
  if (m.subject) j["subject"] = descriptor_json(*m.subject);
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j.dump();
}

std::string make_artifact_manifest(const std::string& artifact_type, const std::vector<image::Descriptor>& layers,
                                   const image::Descriptor& subject,
                                   const std::map<std::string, std::string>& annotations) {
  image::Manifest m;
  m.media_type = std::string(image::media_type::oci_manifest);
  m.artifact_type = artifact_type;
  m.config = empty_config_descriptor();
  m.layers = layers;
  image::Descriptor s;  // only what identifies the subject
  s.media_type = subject.media_type;
  s.digest = subject.digest;
  s.size = subject.size;
  m.subject = s;
  m.annotations = annotations;
  return manifest_to_oci_json(m);
}

}  // namespace ig::sign
