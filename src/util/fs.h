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

// Writes `data` to a temporary file beside `path`, fsyncs it, and renames it into
// place, so readers never see a partial file. `mode` applies to the new file
// (use 0600 for keys and credentials).
Result<void> atomic_write_file(const std::filesystem::path& path, std::string_view data, mode_t mode = 0644);

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
