// The registry source: images pulled over the OCI distribution API, and the
// reusable RegistryClient beneath it (the same client later pushes signatures,
// attestations and SBOMs, and pulls the vulnerability database artifact).
//
// The client speaks HTTPS (plain HTTP only to loopback hosts and hosts the user
// marked insecure, after HTTPS failed), authenticates on demand (Bearer tokens
// or Basic, credentials from options or the docker config), retries server
// errors, 429s and broken connections with exponential backoff and jitter, and
// verifies every manifest and blob it reads against its digest.
//
// Environment: IMAGEGATE_RETRY_BASE_MS sets the first retry delay in
// milliseconds (default 500; doubled per attempt, capped at 30 s, jittered);
// tests set it to 1.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/auth.h"
#include "image/http.h"
#include "image/resolve.h"

namespace ig::image {

// Largest manifest or index accepted from a registry.
inline constexpr size_t k_max_manifest_size = 4u << 20;

// The Accept header value for manifest requests: OCI and Docker, image and index.
std::string manifest_accept_header();

// Called as blob bytes arrive: digest, bytes so far, total (the descriptor size).
// May be called from several threads at once for different blobs.
using ProgressFn = std::function<void(const std::string& digest, uint64_t done, uint64_t total)>;

// Talks to one registry ("docker.io", "ghcr.io", "localhost:5000").
// Thread-safe: requests may run concurrently from several threads.
class RegistryClient {
 public:
  RegistryClient(std::string registry, RegistryOptions options);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const std::string& registry() const { return registry_; }
  void set_progress(ProgressFn progress) { progress_ = std::move(progress); }
  // Replaces the sleep between retries (unit tests record delays instead).
  void set_sleep(std::function<void(std::chrono::milliseconds)> sleep) { sleep_ = std::move(sleep); }

  // GETs manifest `ref` (tag or digest) of `repo`. By digest the bytes are
  // verified against it; by tag the computed digest must equal the server's
  // Docker-Content-Digest when it sends one (integrity error otherwise).
  // not_found "tag X not found in REPO" on 404; invalid_image over 4 MiB.
  Result<RawManifest> get_manifest(const std::string& repo, const std::string& ref);

  // HEADs manifest `ref`: media type, digest and size without the body (falls
  // back to a GET when the server sends no Docker-Content-Digest).
  Result<Descriptor> head_manifest(const std::string& repo, const std::string& ref);

  // PUTs `bytes` as manifest `ref` (a tag, or the bytes' own digest). Returns
  // the digest of `bytes`. The blobs it references must be uploaded first.
  Result<std::string> put_manifest(const std::string& repo, const std::string& ref, std::string_view bytes,
                                   std::string_view media_type);

  // True when blob `digest` exists in `repo`.
  Result<bool> blob_exists(const std::string& repo, const std::string& digest);

  // Downloads blob `d` into `fd`, verifying size and digest while streaming.
  // Bytes already in `fd` (a partial download) are re-hashed and the rest is
  // fetched with a Range request; a server that ignores the Range restarts the
  // file from zero. Follows redirects to storage back ends (the Authorization
  // header is not sent to other hosts). Never writes more than d.size bytes.
  Result<void> download_blob(const std::string& repo, const Descriptor& d, int fd);

  // Uploads a blob monolithically (POST then PUT ?digest=), from memory or a file.
  Result<void> upload_blob(const std::string& repo, const std::string& digest, std::string_view data);
  Result<void> upload_blob_file(const std::string& repo, const std::string& digest, const std::filesystem::path& file);

  // All tags of `repo`, following Link pagination.
  Result<std::vector<std::string>> list_tags(const std::string& repo);

  // The OCI 1.1 referrers index for `digest` (filtered by artifact_type when not
  // empty). std::nullopt when the registry has no referrers API (404): callers
  // then fall back to the "sha256-<hex>" tag schema.
  Result<std::optional<RawManifest>> get_referrers(const std::string& repo, const std::string& digest,
                                                   const std::string& artifact_type = {});

 private:
  struct Call;
  Result<HttpResponse> call(Call& c);
  Result<HttpResponse> send(const std::function<HttpRequest()>& build, bool registry_request,
                            std::chrono::steady_clock::time_point deadline);
  HttpResponse attempt(HttpRequest& req, bool registry_request, bool& switched_scheme);
  Error transport_error(const HttpResponse& resp, const std::string& host, int attempts) const;
  Result<HttpResponse> send_plain(HttpRequest& req);
  Result<void> upload(const std::string& repo, const std::string& digest, const std::string* data,
                      const std::filesystem::path* file);
  void apply_transport(HttpRequest& req, const std::string& host) const;
  std::string scheme();
  bool plain_http_allowed(std::string_view host) const;
  bool is_insecure(std::string_view host) const;
  std::chrono::milliseconds backoff(int attempt, const HttpResponse& resp) const;
  Error status_error(const HttpResponse& resp, std::string_view what) const;

  std::string registry_;   // as the user wrote it, for credentials and messages
  std::string api_host_;   // where the API lives (registry-1.docker.io for docker.io)
  RegistryOptions options_;
  HttpSession session_;
  Authenticator auth_;
  ProgressFn progress_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  std::mutex mutex_;
  std::string scheme_;  // "https" or "http" once decided; empty before
  std::optional<RegistryEndpoint> endpoint_;  // where the registry mapping sends this registry, if anywhere
};

// A Source over one image in a registry. Blobs are stored in the
// content-addressed cache (<cache_dir>/blobs/<alg>/<hex>) after verification,
// or, with use_cache false, in an unlinked temporary file.
class RegistrySource : public Source {
 public:
  RegistrySource(Reference ref, std::shared_ptr<RegistryClient> client, std::filesystem::path cache_dir,
                 bool use_cache);

  Result<RawManifest> fetch_root() override;
  Result<RawManifest> fetch_manifest(const Descriptor& d) override;
  Result<std::unique_ptr<ByteStream>> open_blob(const Descriptor& d) override;
  std::string describe() const override;

  RegistryClient& client() { return *client_; }

 private:
  Result<std::unique_ptr<ByteStream>> open_cached_blob(const Descriptor& d, const std::string& algorithm,
                                                       const std::string& hex);
  Result<std::unique_ptr<ByteStream>> open_temporary_blob(const Descriptor& d);

  Reference ref_;
  std::shared_ptr<RegistryClient> client_;
  std::filesystem::path cache_dir_;
  bool use_cache_;
};

Result<std::shared_ptr<Source>> make_registry_source(const Reference& ref, const RegistryOptions& options,
                                                     const std::filesystem::path& cache_dir, bool use_cache);

}  // namespace ig::image
