#include "image/layer_walker.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "util/log.h"

namespace ig::image {

namespace {

// libarchive pulls the tar stream through this buffer.
constexpr size_t k_read_chunk = 512 * 1024;

constexpr std::string_view k_whiteout_prefix = ".wh.";
constexpr std::string_view k_opaque_marker = ".wh..wh..opq";
// Other ".wh..wh." names are aufs bookkeeping (".wh..wh.plnk", ".wh..wh.aufs").
constexpr std::string_view k_aufs_meta_prefix = ".wh..wh.";

struct ReadContext {
  ByteStream* stream = nullptr;
  std::vector<std::byte> buf;
  std::optional<Error> error;  // the stream's own error, which beats libarchive's
  uint64_t total = 0;
};

la_ssize_t read_callback(struct archive* a, void* client, const void** out) {
  auto* ctx = static_cast<ReadContext*>(client);
  auto n = ctx->stream->read(ctx->buf);
  if (!n) {
    ctx->error = std::move(n.error());
    archive_set_error(a, EIO, "layer stream failed");
    return -1;
  }
  ctx->total += *n;
  *out = ctx->buf.data();
  return static_cast<la_ssize_t>(*n);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

class EmptyReader final : public FileReader {
 public:
  Result<size_t> read(std::span<std::byte>) override { return 0; }
};

// The content of the current entry, straight from libarchive (which also
// expands sparse files).
class EntryReader final : public FileReader {
 public:
  EntryReader(struct archive* a, ReadContext& ctx, std::string_view what, const std::string& path)
      : a_(a), ctx_(ctx), what_(what), path_(path) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (done_ || buf.empty()) return 0;
    la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
    if (n < 0) {
      done_ = true;
      if (ctx_.error) return fail(*ctx_.error);
      return fail(ErrorCode::invalid_image, "{}: corrupt tar data in '{}': {}", what_, path_,
                  archive_error_string(a_) ? archive_error_string(a_) : "unknown error");
    }
    if (n == 0) done_ = true;
    return static_cast<size_t>(n);
  }

 private:
  struct archive* a_;
  ReadContext& ctx_;
  std::string_view what_;
  const std::string& path_;
  bool done_ = false;
};

std::string join_path(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

const char* entry_name(struct archive_entry* e) {
  const char* p = archive_entry_pathname_utf8(e);
  return p != nullptr ? p : archive_entry_pathname(e);
}

// Reports a whiteout entry; returns false when `path` is not one.
bool handle_whiteout(const std::string& path, std::string_view what, LayerVisitor& visitor, WalkStats& stats) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  std::string_view base = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
  if (!base.starts_with(k_whiteout_prefix)) return false;
  if (base == k_opaque_marker) {
    visitor.on_opaque(dir);
  } else if (base.starts_with(k_aufs_meta_prefix)) {
    log::debug("{}: ignoring aufs metadata entry '{}'", what, path);
  } else {
    std::string_view name = base.substr(k_whiteout_prefix.size());
    if (name.empty() || name == "." || name == "..") {
      log::warn("{}: skipping malformed whiteout '{}'", what, path);
      ++stats.skipped;
    } else {
      visitor.on_whiteout(join_path(dir, name));
    }
  }
  return true;
}

// Fills `meta` from the header; returns false when the entry must be skipped.
bool read_meta(struct archive_entry* e, std::string path, size_t layer_index, std::string_view what, FileMeta& meta) {
  meta = FileMeta{};
  meta.path = std::move(path);
  meta.layer = layer_index;
  meta.mode = static_cast<uint32_t>(archive_entry_perm(e));
  if (const char* hl = archive_entry_hardlink(e); hl != nullptr) {
    // Hard-link targets name a path in the same archive; an absolute one means
    // the same path from the image root (as Docker applies it), while one with
    // ".." could point outside and is never used.
    auto target = normalize_entry_path(hl);
    if (!target || target->empty()) {
      log::warn("{}: skipping hard link '{}' whose target '{}' points outside the image", what, meta.path, hl);
      return false;
    }
    meta.type = FileType::hardlink;
    meta.link_target = std::move(*target);
    return true;
  }
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      meta.type = FileType::regular;
      meta.size = archive_entry_size_is_set(e) ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
      break;
    case AE_IFDIR: meta.type = FileType::directory; break;
    case AE_IFLNK: {
      meta.type = FileType::symlink;
      const char* t = archive_entry_symlink_utf8(e);
      if (t == nullptr) t = archive_entry_symlink(e);
      meta.link_target = t != nullptr ? t : "";
      meta.size = meta.link_target.size();
      break;
    }
    default: meta.type = FileType::other; break;
  }
  return true;
}

}  // namespace

std::optional<std::string> normalize_entry_path(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return std::nullopt;
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

Result<void> drain_stream(ByteStream& stream) {
  std::vector<std::byte> buf(k_read_chunk);
  for (;;) {
    IG_ASSIGN(size_t n, stream.read(buf));
    if (n == 0) return {};
  }
}

Result<WalkStats> walk_layer_tar(ByteStream& tar, size_t layer_index, std::string_view what, const WalkLimits& limits,
                                 LayerVisitor& visitor, const std::atomic<bool>* cancel) {
  ReadContext ctx;
  ctx.stream = &tar;
  ctx.buf.resize(k_read_chunk);
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  if (!a) return fail(ErrorCode::internal, "cannot allocate a tar reader");
  archive_read_support_format_tar(a.get());
  archive_read_support_format_empty(a.get());
  if (archive_read_open(a.get(), &ctx, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    if (ctx.error) return fail(*ctx.error);
    return fail(ErrorCode::invalid_image, "{}: not a tar archive: {}", what, archive_error_string(a.get()));
  }
  WalkStats stats;
  EmptyReader empty;
  FileMeta meta;
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return fail(ErrorCode::internal, "{}: walk cancelled", what);
    }
    struct archive_entry* e = nullptr;
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      if (ctx.error) return fail(*ctx.error);
      return fail(ErrorCode::invalid_image, "{}: corrupt tar stream after {} entries: {}", what, stats.entries,
                  archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown error");
    }
    if (rc == ARCHIVE_WARN) log::debug("{}: tar warning: {}", what, archive_error_string(a.get()));
    if (++stats.entries > limits.max_entries) {
      return fail(ErrorCode::invalid_image, "{} has more than {} entries: refusing to walk it", what,
                  limits.max_entries);
    }
    const char* raw = entry_name(e);
    if (raw == nullptr) {
      log::warn("{}: skipping an entry without a name", what);
      ++stats.skipped;
      continue;
    }
    auto path = normalize_entry_path(raw);
    if (!path) {
      log::warn("{}: skipping entry '{}': its name contains '..'", what, raw);
      ++stats.skipped;
      continue;
    }
    if (path->empty()) continue;  // the root directory itself
    if (handle_whiteout(*path, what, visitor, stats)) continue;
    if (!read_meta(e, std::move(*path), layer_index, what, meta)) {
      ++stats.skipped;
      continue;
    }
    if (meta.type == FileType::regular) {
      EntryReader reader(a.get(), ctx, what, meta.path);
      IG_TRY(visitor.on_entry(meta, reader));
    } else {
      IG_TRY(visitor.on_entry(meta, empty));
    }
    // An analyzer may have swallowed a read error; a broken stream still ends the walk.
    if (ctx.error) return fail(*ctx.error);
  }
  return stats;
}

}  // namespace ig::image
