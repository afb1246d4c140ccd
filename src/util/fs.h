// Small file-system primitives: bounded reads, atomic writes, advisory locks.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig {

// Reads a whole file, refusing files larger than `max_size` (an invalid_image
// error, since oversized inputs come from untrusted content).
Result<std::string> read_file(const std::filesystem::path& path, uint64_t max_size = 64ull << 20);

// A read-only memory map of a whole file, for large files that are read once
// and parsed in place (the analysis cache's listings): no copy, and no zeroed
// buffer to fault in first. The file must not be truncated while mapped
// (access past the new end raises SIGBUS); imagegate only maps files it
// replaces by rename, which leaves a mapped old copy intact.
class MappedFile {
 public:
  // Maps `path`; errors as read_file. An empty file maps to an empty view.
  static Result<MappedFile> open(const std::filesystem::path& path, uint64_t max_size);
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  size_t size_ = 0;
};

// How hard atomic_write_file works to make the file survive a crash.
enum class Durability {
  // fsync before the rename: after a crash the file is either the old or the
  // complete new one. For what the user asked for (reports, keys).
  durable,
  // No fsync: a cache entry that can be rebuilt. After a crash the file may be
  // empty or cut short, so its reader must detect that (see layer_cache.cpp).
  // One fsync per cache file cost a cold scan about 20 ms of wall time.
  cache,
};

// Writes `data` to a temporary file beside `path` and renames it into place,
// so readers never see a partial file. `mode` applies to the new file (use
// 0600 for keys and credentials).
Result<void> atomic_write_file(const std::filesystem::path& path, std::string_view data, mode_t mode = 0644,
                               Durability durability = Durability::durable);

// Creates `dir` and its parents; io error naming the directory on failure.
Result<void> make_dirs(const std::filesystem::path& dir);

// An exclusive advisory lock (flock) held for the object's lifetime. Used so that
// two imagegate processes sharing a cache never write the same entry at once.
class FileLock {
 public:
  static Result<FileLock> acquire(const std::filesystem::path& lock_path);
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The user's cache root: $IMAGEGATE_CACHE_DIR, else $XDG_CACHE_HOME/imagegate,
// else $HOME/.cache/imagegate.
std::filesystem::path default_cache_dir();

}  // namespace ig
