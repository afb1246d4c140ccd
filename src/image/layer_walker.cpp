#include "image/layer_walker.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "image/tar_header.h"
#include "util/log.h"

namespace ig::image {

namespace {

using tar::k_block;

// The most of the tar stream asked for at once: the read-ahead's whole chunk.
// (libarchive used to read layers; on a layer of 300,000 small files its
// per-entry work, an entry object and a wide-character copy of every name, was
// a fifth of the walk.)
constexpr size_t k_read_chunk = 1024 * 1024;

constexpr std::string_view k_whiteout_prefix = ".wh.";
constexpr std::string_view k_opaque_marker = ".wh..wh..opq";
// Other ".wh..wh." names are aufs bookkeeping (".wh..wh.plnk", ".wh..wh.aufs").
constexpr std::string_view k_aufs_meta_prefix = ".wh..wh.";

// The tar stream, read through the stream's own buffers (read_view): headers
// are parsed where they lie, entry data is copied once, into the reader's
// buffer, and skipped data is never copied. A header split between two
// buffers is put together in a block of its own.
class TarInput {
 public:
  explicit TarInput(ByteStream& stream) : stream_(stream) {}

  // Consumes the next 512-byte block; `block` points to it until the next call
  // on this input. Returns 512, or fewer when the stream ends first (0 when it
  // ends exactly here).
  Result<size_t> next_block(const unsigned char*& block) {
    IG_TRY(refill());
    if (cur_.size() >= k_block) {
      block = reinterpret_cast<const unsigned char*>(cur_.data());
      advance(k_block);
      return k_block;
    }
    size_t got = 0;
    while (got < k_block) {
      IG_ASSIGN(bool more, refill());
      if (!more) break;
      size_t n = std::min(k_block - got, cur_.size());
      std::memcpy(stitched_.data() + got, cur_.data(), n);
      advance(n);
      got += n;
    }
    block = stitched_.data();
    return got;
  }

  // Copies up to out.size() bytes; 0 only at end of stream.
  Result<size_t> read(std::span<std::byte> out) {
    if (out.empty()) return 0;
    IG_ASSIGN(bool more, refill());
    if (!more) return 0;
    size_t n = std::min(out.size(), cur_.size());
    std::memcpy(out.data(), cur_.data(), n);
    advance(n);
    return n;
  }

  // Skips `n` bytes; returns how many could be skipped before end of stream.
  Result<uint64_t> skip(uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
      IG_ASSIGN(bool more, refill());
      if (!more) break;
      size_t k = static_cast<size_t>(std::min<uint64_t>(n - done, cur_.size()));
      advance(k);
      done += k;
    }
    return done;
  }

  // Of the next unread byte in the stream.
  uint64_t offset() const { return offset_; }
  // The stream's own error, kept for when an analyzer swallowed it.
  const std::optional<Error>& error() const { return error_; }

 private:
  // Makes cur_ non-empty unless the stream has ended; false when it has.
  Result<bool> refill() {
    if (!cur_.empty()) return true;
    if (eof_) return false;
    auto v = stream_.read_view(k_read_chunk, scratch_);
    if (!v) {
      error_ = v.error();
      return fail(std::move(v.error()));
    }
    cur_ = *v;
    eof_ = cur_.empty();
    return !eof_;
  }
  void advance(size_t n) {
    cur_ = cur_.subspan(n);
    offset_ += n;
  }

  ByteStream& stream_;
  std::span<const std::byte> cur_;  // unread bytes of the stream's current buffer
  std::array<unsigned char, k_block> stitched_{};
  std::vector<std::byte> scratch_;  // for streams without buffers of their own
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::optional<Error> error_;
};

class EmptyReader final : public FileReader {
 public:
  Result<size_t> read(std::span<std::byte>) override { return 0; }
};

// The stored bytes of the current entry.
class EntryReader final : public FileReader {
 public:
  EntryReader(TarInput& in, uint64_t size, std::string_view what, const std::string& path)
      : in_(in), remaining_(size), what_(what), path_(path) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (remaining_ == 0 || buf.empty()) return 0;
    IG_ASSIGN(size_t n, in_.read(buf.first(static_cast<size_t>(std::min<uint64_t>(buf.size(), remaining_)))));
    if (n == 0) return truncated();
    remaining_ -= n;
    return n;
  }
  uint64_t remaining() const { return remaining_; }
  tl::unexpected<Error> truncated() const {
    return fail(ErrorCode::invalid_image, "{}: the tar stream ends inside '{}' (truncated layer)", what_, path_);
  }

 private:
  TarInput& in_;
  uint64_t remaining_;
  std::string_view what_;
  const std::string& path_;
};

// A sparse file: zeros for the holes, the stored fragments in between.
class SparseReader final : public FileReader {
 public:
  SparseReader(EntryReader& stored, std::vector<tar::Fragment> map, uint64_t real_size)
      : stored_(stored), map_(std::move(map)), size_(real_size) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (pos_ >= size_ || buf.empty()) return 0;
    while (next_ < map_.size() && pos_ >= map_[next_].offset + map_[next_].length) ++next_;
    uint64_t limit = size_ - pos_;
    if (next_ < map_.size() && pos_ >= map_[next_].offset) {
      limit = std::min(limit, map_[next_].offset + map_[next_].length - pos_);
      IG_ASSIGN(size_t n, stored_.read(buf.first(static_cast<size_t>(std::min<uint64_t>(buf.size(), limit)))));
      if (n == 0) return stored_.truncated();
      pos_ += n;
      return n;
    }
    if (next_ < map_.size()) limit = std::min(limit, map_[next_].offset - pos_);
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), limit));
    std::memset(buf.data(), 0, n);
    pos_ += n;
    return n;
  }

 private:
  EntryReader& stored_;
  std::vector<tar::Fragment> map_;
  uint64_t size_;
  uint64_t pos_ = 0;
  size_t next_ = 0;
};

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  if (!dir.empty()) out.append(dir).push_back('/');
  out.append(name);
  return out;
}

// Reports a whiteout entry; returns false when `path` is not one.
bool handle_whiteout(const std::string& path, std::string_view what, LayerVisitor& visitor, WalkStats& stats) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
  if (!base.starts_with(k_whiteout_prefix)) return false;
  std::string_view dir = slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
  if (base == k_opaque_marker) {
    visitor.on_opaque(std::string(dir));
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

// Reads `size` bytes of an extended header's data, then its padding.
Result<std::string> read_meta_data(TarInput& in, uint64_t size, std::string_view what) {
  std::string data(static_cast<size_t>(size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    IG_ASSIGN(size_t n, in.read(std::as_writable_bytes(std::span(data)).subspan(got)));
    if (n == 0) return fail(ErrorCode::invalid_image, "{}: the tar stream ends inside an extended header", what);
    got += n;
  }
  IG_TRY(in.skip(tar::padding(size)));
  return data;
}

// The old GNU sparse map: four fragments in the header, 21 more in each
// extension block that follows it.
Result<std::vector<tar::Fragment>> gnu_sparse_map(TarInput& in, const unsigned char* header, std::string_view what) {
  std::vector<tar::Fragment> map;
  auto add = [&](const unsigned char* p, size_t count) -> Result<void> {
    for (size_t i = 0; i < count; ++i, p += 24) {
      if (p[0] == 0) continue;
      auto off = tar::parse_number(p, 12);
      auto len = tar::parse_number(p + 12, 12);
      if (!off || !len) return fail(ErrorCode::invalid_image, "{} has a malformed GNU sparse map", what);
      IG_TRY(tar::add_fragment(map, {*off, *len}, what));
    }
    return {};
  };
  IG_TRY(add(header + tar::k_gnu_sparse, 4));
  bool extended = header[tar::k_gnu_is_extended] != 0;  // `header` is not used past here
  while (extended) {
    const unsigned char* block = nullptr;
    IG_ASSIGN(size_t got, in.next_block(block));
    if (got < k_block) return fail(ErrorCode::invalid_image, "{}: the tar stream ends inside a sparse map", what);
    IG_TRY(add(block, 21));
    extended = block[504] != 0;
  }
  return map;
}

// The pax 1.0 sparse map, at the start of the entry's data: decimal numbers
// on lines of their own (count, then offset/length pairs), padded to a block.
Result<std::vector<tar::Fragment>> pax1_sparse_map(EntryReader& stored, std::string_view what) {
  std::vector<tar::Fragment> map;
  std::string text;
  uint64_t used = 0;
  auto next_number = [&]() -> Result<uint64_t> {
    for (;;) {
      size_t nl = text.find('\n');
      if (nl != std::string::npos) {
        auto v = tar::parse_decimal(std::string_view(text.data(), nl));
        if (!v) return fail(ErrorCode::invalid_image, "{} has a malformed sparse map", what);
        text.erase(0, nl + 1);
        used += nl + 1;
        return *v;
      }
      if (text.size() > 32) return fail(ErrorCode::invalid_image, "{} has a malformed sparse map", what);
      char block[k_block];
      IG_ASSIGN(size_t n, stored.read(std::as_writable_bytes(std::span(block))));
      if (n == 0) return fail(ErrorCode::invalid_image, "{}: the tar stream ends inside a sparse map", what);
      text.append(block, n);
    }
  };
  IG_ASSIGN(uint64_t count, next_number());
  for (uint64_t i = 0; i < count; ++i) {
    IG_ASSIGN(uint64_t off, next_number());
    IG_ASSIGN(uint64_t len, next_number());
    IG_TRY(tar::add_fragment(map, {off, len}, what));
  }
  // The map is padded to a whole block; the fragments' bytes follow.
  uint64_t pad = tar::padding(used);
  if (text.size() > pad) return fail(ErrorCode::invalid_image, "{} has a malformed sparse map", what);
  pad -= text.size();
  char block[k_block];
  while (pad > 0) {
    IG_ASSIGN(size_t n, stored.read(std::as_writable_bytes(std::span(block, static_cast<size_t>(pad)))));
    if (n == 0) return fail(ErrorCode::invalid_image, "{}: the tar stream ends inside a sparse map", what);
    pad -= n;
  }
  return map;
}

FileType file_type(char type, std::string_view raw_name) {
  switch (type) {
    case '0':
    case '7':
    case 'S': return FileType::regular;
    // Pre-POSIX archives mark directories by a trailing slash only.
    case '\0': return raw_name.ends_with('/') ? FileType::directory : FileType::regular;
    case '1': return FileType::hardlink;
    case '2': return FileType::symlink;
    case '5':
    case 'D': return FileType::directory;
    default: return FileType::other;
  }
}

tl::unexpected<Error> bad_header(const unsigned char* b, uint64_t offset, uint64_t entries, std::string_view what) {
  if (offset == 0 && b[0] == 0x1f && b[1] == 0x8b) {
    return fail(ErrorCode::invalid_image,
                "{} holds gzip data where a tar stream should start: its media type says it is uncompressed, or it "
                "was compressed twice; rebuild the image with the layer's real media type (…tar+gzip)",
                what);
  }
  if (offset == 0) return fail(ErrorCode::invalid_image, "{}: not a tar stream (bad header checksum)", what);
  return fail(ErrorCode::invalid_image, "{}: corrupt tar stream: bad header checksum at offset {} after {} entries",
              what, offset, entries);
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

Result<WalkStats> walk_layer_tar(ByteStream& stream, size_t layer_index, std::string_view what,
                                 const WalkLimits& limits, LayerVisitor& visitor, const std::atomic<bool>* cancel) {
  TarInput in(stream);
  WalkStats stats;
  tar::Extended ext;                // from the last pax header
  std::string gnu_name, gnu_link;   // from the last GNU 'L' and 'K' headers
  EmptyReader empty;
  FileMeta meta;
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return fail(ErrorCode::internal, "{}: walk cancelled", what);
    }
    const uint64_t header_offset = in.offset();
    const unsigned char* b = nullptr;
    IG_ASSIGN(size_t avail, in.next_block(b));
    // A stream that simply ends between entries has lost only its
    // end-of-archive marker, which Go's reader (and so the runtime) accepts.
    if (avail == 0) break;
    if (avail < k_block) {
      return fail(ErrorCode::invalid_image, "{}: the tar stream is truncated inside a header at offset {}", what,
                  header_offset);
    }
    if (tar::all_zero(b)) break;  // end-of-archive marker
    if (!tar::checksum_ok(b)) return bad_header(b, header_offset, stats.entries, what);
    const char type = static_cast<char>(b[tar::k_type]);
    auto header_size = tar::parse_number(b + tar::k_size, 12);
    if (!header_size) {
      return fail(ErrorCode::invalid_image, "{}: invalid size in the tar header at offset {}", what, header_offset);
    }
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (*header_size > tar::k_max_meta_size) {
        return fail(ErrorCode::invalid_image, "{} has an extended header of {} bytes at offset {}, over the {} allowed",
                    what, *header_size, header_offset, tar::k_max_meta_size);
      }
      IG_ASSIGN(std::string data, read_meta_data(in, *header_size, what));
      // As in Go's reader: each pax header replaces the one before it, a GNU
      // long name beats a pax path, and a global header (which changes
      // nothing imagegate reads) ends what came before it.
      if (type == 'x') {
        ext = tar::Extended{};
        IG_TRY(tar::parse_pax(data, ext, what));
      } else if (type == 'g') {
        ext = tar::Extended{};
        gnu_name.clear();
        gnu_link.clear();
      } else {
        (type == 'L' ? gnu_name : gnu_link) = data.c_str();  // NUL-terminated
      }
      continue;
    }
    if (++stats.entries > limits.max_entries) {
      return fail(ErrorCode::invalid_image, "{} has more than {} entries: refusing to walk it", what,
                  limits.max_entries);
    }

    // `b` is valid until the input is read again: copy out what is needed.
    std::string raw = ext.sparse_name ? std::move(*ext.sparse_name)
                      : !gnu_name.empty() ? std::move(gnu_name)
                      : ext.path          ? std::move(*ext.path)
                                          : tar::header_name(b);
    std::string link = !gnu_link.empty() ? std::move(gnu_link)
                       : ext.link        ? std::move(*ext.link)
                                         : std::string(tar::field(b, tar::k_linkname, 100));
    gnu_name.clear();
    gnu_link.clear();
    const uint64_t stored = tar::header_only(type) ? 0 : ext.size.value_or(*header_size);
    const uint32_t mode = static_cast<uint32_t>(tar::parse_number(b + tar::k_mode, 8).value_or(0) & 07777);
    const FileType ftype = file_type(type, raw);

    bool sparse = false;
    std::vector<tar::Fragment> sparse_map;
    std::optional<uint64_t> real_size;
    if (type == 'S') {
      sparse = true;
      real_size = tar::parse_number(b + tar::k_gnu_real_size, 12);
      if (!real_size) return fail(ErrorCode::invalid_image, "{} has a malformed GNU sparse header", what);
      IG_ASSIGN(sparse_map, gnu_sparse_map(in, b, what));
    } else {
      if (ext.sparse && ftype == FileType::regular) {
        sparse = true;
        real_size = ext.sparse_size;
        sparse_map = std::move(ext.sparse_map);
      }
    }
    const int sparse_major = ext.sparse_major.value_or(0);
    ext = tar::Extended{};

    EntryReader content(in, stored, what, raw);
    auto finish_entry = [&]() -> Result<void> {
      // An analyzer may have swallowed a read error; a broken stream still ends the walk.
      if (in.error()) return fail(*in.error());
      uint64_t rest = content.remaining() + tar::padding(stored);
      IG_ASSIGN(uint64_t skipped, in.skip(rest));
      if (skipped < content.remaining()) return content.truncated();
      return {};
    };

    auto path = normalize_entry_path(raw);
    if (!path) {
      log::warn("{}: skipping entry '{}': its name contains '..'", what, raw);
      ++stats.skipped;
      IG_TRY(finish_entry());
      continue;
    }
    if (path->empty() || handle_whiteout(*path, what, visitor, stats)) {  // "" is the root directory itself
      IG_TRY(finish_entry());
      continue;
    }
    meta = FileMeta{};
    meta.path = std::move(*path);
    meta.layer = layer_index;
    meta.mode = mode;
    meta.type = ftype;
    switch (ftype) {
      case FileType::hardlink: {
        // Hard-link targets name a path in the same archive; an absolute one
        // means the same path from the image root (as Docker applies it),
        // while one with ".." could point outside and is never used.
        auto target = normalize_entry_path(link);
        if (!target || target->empty()) {
          log::warn("{}: skipping hard link '{}' whose target '{}' points outside the image", what, meta.path, link);
          ++stats.skipped;
          IG_TRY(finish_entry());
          continue;
        }
        meta.link_target = std::move(*target);
        break;
      }
      case FileType::symlink:
        meta.link_target = std::move(link);
        meta.size = meta.link_target.size();
        break;
      case FileType::regular: meta.size = sparse ? real_size.value_or(stored) : stored; break;
      default: break;
    }
    if (ftype != FileType::regular) {
      IG_TRY(visitor.on_entry(meta, empty));
    } else if (!sparse) {
      IG_TRY(visitor.on_entry(meta, content));
    } else {
      if (sparse_major >= 1) {
        IG_ASSIGN(sparse_map, pax1_sparse_map(content, what));
      }
      IG_TRY(tar::check_sparse_map(sparse_map, meta.size, content.remaining(), what));
      SparseReader reader(content, std::move(sparse_map), meta.size);
      IG_TRY(visitor.on_entry(meta, reader));
    }
    IG_TRY(finish_entry());
  }
  return stats;
}

}  // namespace ig::image
