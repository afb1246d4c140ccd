#include "image/rootfs_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/log.h"

namespace ig::image {

namespace {

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&&) = delete;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class FdReader final : public FileReader {
 public:
  FdReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    for (;;) {
      ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return fail(ErrorCode::io, "cannot read '{}': {}", path_, std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string path_;
};

class EmptyReader final : public FileReader {
 public:
  Result<size_t> read(std::span<std::byte>) override { return 0; }
};

struct WalkState {
  const std::filesystem::path& root;
  dev_t root_dev;
  bool skip_other_mounts;
  bool root_is_slash;
  const WalkLimits& limits;
  LayerVisitor& visitor;
  const std::atomic<bool>* cancel;
  WalkStats stats;
};

FileType type_of(mode_t m) {
  if (S_ISREG(m)) return FileType::regular;
  if (S_ISDIR(m)) return FileType::directory;
  if (S_ISLNK(m)) return FileType::symlink;
  return FileType::other;
}

bool skipped_system_dir(const WalkState& s, const std::string& rel) {
  return s.root_is_slash && (rel == "proc" || rel == "sys" || rel == "dev");
}

Result<void> walk_dir(WalkState& s, int dir_fd, const std::string& rel_dir, int depth);

// Visits one directory entry `name` of `dir_fd`, and recurses into directories.
Result<void> visit(WalkState& s, int dir_fd, const std::string& rel_dir, const char* name, int depth) {
  std::string rel = rel_dir.empty() ? std::string(name) : rel_dir + "/" + name;
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    log::warn("dir: skipping '{}': {}", rel, std::strerror(errno));
    ++s.stats.skipped;
    return {};
  }
  if (++s.stats.entries > s.limits.max_entries) {
    return fail(ErrorCode::invalid_image, "'{}' has more than {} entries: refusing to walk it", s.root.string(),
                s.limits.max_entries);
  }
  FileMeta meta;
  meta.path = rel;
  meta.type = type_of(st.st_mode);
  meta.mode = st.st_mode & 07777;
  meta.layer = 0;
  if (meta.type == FileType::regular) meta.size = static_cast<uint64_t>(st.st_size);
  if (meta.type == FileType::symlink) {
    std::vector<char> buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
    ssize_t n = ::readlinkat(dir_fd, name, buf.data(), buf.size());
    if (n >= 0) meta.link_target.assign(buf.data(), static_cast<size_t>(n));
    meta.size = meta.link_target.size();
  }
  if (meta.type == FileType::directory) {
    if (skipped_system_dir(s, rel) || (s.skip_other_mounts && st.st_dev != s.root_dev)) {
      log::debug("dir: not entering '{}' (another file system or a kernel directory)", rel);
      return {};
    }
    EmptyReader empty;
    IG_TRY(s.visitor.on_entry(meta, empty));
    return walk_dir(s, dir_fd, rel, depth + 1);
  }
  if (meta.type != FileType::regular) {
    EmptyReader empty;
    return s.visitor.on_entry(meta, empty);
  }
  // O_NOFOLLOW | O_NONBLOCK: the entry may have been swapped for a symlink or
  // FIFO since fstatat; never follow or block on it.
  Fd fd(::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    log::warn("dir: cannot open '{}': {}; skipping its content", rel, std::strerror(errno));
    EmptyReader empty;
    return s.visitor.on_entry(meta, empty);
  }
  FdReader reader(fd.get(), rel);
  return s.visitor.on_entry(meta, reader);
}

Result<void> walk_dir(WalkState& s, int parent_fd, const std::string& rel, int depth) {
  if (depth > 4096) {
    log::warn("dir: '{}' is nested too deeply; not entering it", rel);
    return {};
  }
  Fd fd(::openat(parent_fd, rel.empty() ? "." : rel.substr(rel.rfind('/') + 1).c_str(),
                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    log::warn("dir: cannot open directory '{}': {}; skipping it", rel, std::strerror(errno));
    ++s.stats.skipped;
    return {};
  }
  int dup_fd = ::dup(fd.get());
  DIR* d = dup_fd >= 0 ? ::fdopendir(dup_fd) : nullptr;
  if (d == nullptr) {
    if (dup_fd >= 0) ::close(dup_fd);
    return fail(ErrorCode::io, "cannot list '{}': {}", rel, std::strerror(errno));
  }
  // Names are collected first (sorted) so that the walk is deterministic and
  // the directory stream is not held open across the recursion.
  std::vector<std::string> names;
  while (struct dirent* de = ::readdir(d)) {
    std::string_view n = de->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (s.cancel != nullptr && s.cancel->load(std::memory_order_relaxed)) {
      return fail(ErrorCode::internal, "walk cancelled");
    }
    IG_TRY(visit(s, fd.get(), rel, n.c_str(), depth));
  }
  return {};
}

}  // namespace

Result<WalkStats> walk_rootfs(const std::filesystem::path& root, bool skip_other_mounts, const WalkLimits& limits,
                              LayerVisitor& visitor, const std::atomic<bool>* cancel) {
  Fd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root_fd.get() < 0) {
    int err = errno;
    return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                "cannot open root file system '{}': {}; give an existing directory (dir:PATH)", root.string(),
                std::strerror(err));
  }
  struct stat st {};
  if (::fstat(root_fd.get(), &st) != 0) {
    return fail(ErrorCode::io, "cannot stat '{}': {}", root.string(), std::strerror(errno));
  }
  std::error_code ec;
  bool is_slash = std::filesystem::equivalent(root, "/", ec);
  WalkState s{root, st.st_dev, skip_other_mounts, is_slash, limits, visitor, cancel, {}};
  IG_TRY(walk_dir(s, root_fd.get(), "", 0));
  return s.stats;
}

}  // namespace ig::image
