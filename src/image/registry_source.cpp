// RegistrySource: the Source interface over a RegistryClient, with the
// content-addressed blob cache.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "image/registry.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::image {

namespace fs = std::filesystem;

namespace {

std::shared_ptr<const int> share_fd(int fd) {
  return std::shared_ptr<const int>(new int(fd), [](const int* p) {
    ::close(*p);
    delete p;
  });
}

Result<void> check_descriptor(const Descriptor& d, std::string_view what) {
  auto digest = Digest::parse(d.digest);
  if (!digest) return fail(ErrorCode::invalid_image, "{} has a bad digest: {}", what, digest.error().message);
  if (d.size < 0) return fail(ErrorCode::invalid_image, "{} {} has a negative size", what, d.digest);
  return {};
}

Result<void> sync_and_rename(int fd, const fs::path& from, const fs::path& to) {
  if (::fsync(fd) != 0) return fail(ErrorCode::io, "cannot flush '{}': {}", from.string(), std::strerror(errno));
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return fail(ErrorCode::io, "cannot move '{}' into the cache: {}", to.string(), std::strerror(errno));
  }
  return {};
}

}  // namespace

RegistrySource::RegistrySource(Reference ref, std::shared_ptr<RegistryClient> client, fs::path cache_dir,
                               bool use_cache)
    : ref_(std::move(ref)), client_(std::move(client)), cache_dir_(std::move(cache_dir)), use_cache_(use_cache) {}

std::string RegistrySource::describe() const { return "registry " + ref_.name(); }

Result<RawManifest> RegistrySource::fetch_root() { return client_->get_manifest(ref_.repository, ref_.manifest_ref()); }

Result<RawManifest> RegistrySource::fetch_manifest(const Descriptor& d) {
  IG_TRY(check_descriptor(d, "manifest"));
  if (static_cast<uint64_t>(d.size) > k_max_manifest_size) {
    return fail(ErrorCode::invalid_image, "manifest {} is {} bytes, more than the {} MiB allowed", d.digest, d.size,
                k_max_manifest_size >> 20);
  }
  IG_ASSIGN(RawManifest m, client_->get_manifest(ref_.repository, d.digest));
  if (m.bytes.size() != static_cast<size_t>(d.size)) {
    return fail(ErrorCode::integrity, "manifest {} of {} is {} bytes but its descriptor says {}", d.digest,
                ref_.name(), m.bytes.size(), d.size);
  }
  if (m.media_type.empty()) m.media_type = d.media_type;
  return m;
}

Result<std::unique_ptr<ByteStream>> RegistrySource::open_blob(const Descriptor& d) {
  IG_TRY(check_descriptor(d, "blob"));
  if (!use_cache_) return open_temporary_blob(d);
  auto digest = Digest::parse(d.digest);
  return open_cached_blob(d, digest->algorithm, digest->hex);
}

// Cached blobs are verified again as they are read: the cache directory is
// only as trustworthy as the disk. A download happens under a per-blob lock so
// that two processes never write the same entry; the partial file survives a
// failed network transfer and is resumed by the next attempt.
Result<std::unique_ptr<ByteStream>> RegistrySource::open_cached_blob(const Descriptor& d, const std::string& algorithm,
                                                                     const std::string& hex) {
  fs::path dir = cache_dir_ / "blobs" / algorithm;
  fs::path final_path = dir / hex;
  auto open_final = [&]() -> Result<std::unique_ptr<ByteStream>> {
    IG_ASSIGN(auto stream, open_file_stream(final_path.string()));
    return verifying_stream(std::move(stream), d, fmt::format("cached blob {}", d.digest));
  };
  std::error_code ec;
  if (fs::file_size(final_path, ec) == static_cast<uintmax_t>(d.size) && !ec) return open_final();

  IG_TRY(make_dirs(dir));
  IG_TRY(make_dirs(cache_dir_ / "tmp"));
  IG_ASSIGN(FileLock lock, FileLock::acquire(cache_dir_ / "locks" / (algorithm + "-" + hex + ".lock")));
  // Another process may have finished while we waited for the lock.
  if (fs::file_size(final_path, ec) == static_cast<uintmax_t>(d.size) && !ec) return open_final();

  fs::path partial = cache_dir_ / "tmp" / (algorithm + "-" + hex + ".partial");
  int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorCode::io, "cannot create '{}': {}", partial.string(), std::strerror(errno));
  auto shared = share_fd(fd);
  auto downloaded = client_->download_blob(ref_.repository, d, fd);
  if (!downloaded) {
    // Bad bytes must not be resumed; bytes cut off by the network may be.
    if (downloaded.error().code != ErrorCode::network) ::unlink(partial.c_str());
    return fail(downloaded.error());
  }
  IG_TRY(sync_and_rename(fd, partial, final_path));
  log::debug("cached blob {} ({} bytes)", d.digest, d.size);
  // Just verified while downloading; the descriptor we hold is the content.
  return file_region_stream(shared, 0, static_cast<uint64_t>(d.size));
}

Result<std::unique_ptr<ByteStream>> RegistrySource::open_temporary_blob(const Descriptor& d) {
  std::string tmpl = (fs::temp_directory_path() / "imagegate-blob-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return fail(ErrorCode::io, "cannot create a temporary file in '{}': {}", fs::temp_directory_path().string(),
                          std::strerror(errno));
  // Unlinked at once: the file lives exactly as long as the stream.
  ::unlink(tmpl.c_str());
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  auto shared = share_fd(fd);
  IG_TRY(client_->download_blob(ref_.repository, d, fd));
  return file_region_stream(shared, 0, static_cast<uint64_t>(d.size));
}

Result<std::shared_ptr<Source>> make_registry_source(const Reference& ref, const RegistryOptions& options,
                                                     const fs::path& cache_dir, bool use_cache) {
  if (!options.ca_file.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(options.ca_file, ec)) {
      return fail(ErrorCode::usage, "--ca-file '{}' is not a readable file: give the PEM file of your registry's CA",
                  options.ca_file);
    }
  }
  auto client = std::make_shared<RegistryClient>(ref.registry, options);
  fs::path cache = cache_dir.empty() ? default_cache_dir() : cache_dir;
  return std::shared_ptr<Source>(std::make_shared<RegistrySource>(ref, std::move(client), cache, use_cache));
}

}  // namespace ig::image
