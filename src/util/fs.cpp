#include "util/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ig {

namespace fs = std::filesystem;

namespace {

// Opens `path` for reading and checks that it is a regular file of at most
// `max_size` bytes; returns the descriptor (the caller closes it) and size.
Result<std::pair<int, size_t>> open_bounded(const fs::path& path, uint64_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io, "cannot open '{}': {}", path.string(),
                std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::io, "'{}' is not a regular file", path.string());
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    ::close(fd);
    return fail(ErrorCode::invalid_image, "'{}' is {} bytes, more than the {} bytes allowed for this kind of file",
                path.string(), st.st_size, max_size);
  }
  return std::pair<int, size_t>(fd, static_cast<size_t>(st.st_size));
}

}  // namespace

Result<std::string> read_file(const fs::path& path, uint64_t max_size) {
  IG_ASSIGN(auto opened, open_bounded(path, max_size));
  auto [fd, size] = opened;
  std::string out;
  out.resize(size);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(done);
  return out;
}

Result<MappedFile> MappedFile::open(const fs::path& path, uint64_t max_size) {
  IG_ASSIGN(auto opened, open_bounded(path, max_size));
  auto [fd, size] = opened;
  if (size == 0) {
    ::close(fd);
    return MappedFile(nullptr, 0);
  }
  // MAP_POPULATE maps the whole file up front in one call instead of one
  // page fault per few pages while parsing.
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int err = errno;
  ::close(fd);
  if (p == MAP_FAILED) return fail(ErrorCode::io, "cannot map '{}': {}", path.string(), std::strerror(err));
  return MappedFile(p, size);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

Result<void> make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create directory '{}': {}", dir.string(), ec.message());
  return {};
}

Result<void> atomic_write_file(const fs::path& path, std::string_view data, mode_t mode, Durability durability) {
  static std::atomic<unsigned> counter{0};
  if (path.has_parent_path()) IG_TRY(make_dirs(path.parent_path()));
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail(ErrorCode::io, "cannot create '{}': {}", tmp.string(), std::strerror(errno));
  // The umask may have narrowed the mode; keys must still end up exactly 0600.
  ::fchmod(fd, mode);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(ErrorCode::io, "cannot write '{}': {}", tmp.string(), std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if ((durability == Durability::durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(ErrorCode::io, "cannot flush '{}': {}", tmp.string(), std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(ErrorCode::io, "cannot move '{}' into place: {}", path.string(), std::strerror(err));
  }
  return {};
}

Result<FileLock> FileLock::acquire(const fs::path& lock_path) {
  if (lock_path.has_parent_path()) IG_TRY(make_dirs(lock_path.parent_path()));
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::io, "cannot open lock file '{}': {}", lock_path.string(), std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      return fail(ErrorCode::io, "cannot lock '{}': {}", lock_path.string(), std::strerror(err));
    }
  }
  return FileLock(fd);
}

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

fs::path default_cache_dir() {
  if (const char* d = std::getenv("IMAGEGATE_CACHE_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') return fs::path(x) / "imagegate";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return fs::path(h) / ".cache" / "imagegate";
  return fs::temp_directory_path() / "imagegate-cache";
}

}  // namespace ig
