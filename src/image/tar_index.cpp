#include "image/tar_index.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace ig::image {

namespace {

constexpr uint64_t k_block = 512;
constexpr uint64_t k_max_meta_size = 1u << 20;      // pax or GNU long-name data
constexpr size_t k_max_members = 1u << 20;
constexpr uint64_t k_max_member_size = 1ull << 62;  // keeps offset arithmetic far from overflow
constexpr int k_max_link_depth = 16;

using Block = std::array<unsigned char, k_block>;

std::string_view field(const Block& b, size_t off, size_t len) {
  const char* p = reinterpret_cast<const char*>(b.data()) + off;
  size_t n = 0;
  while (n < len && p[n] != '\0') ++n;
  return {p, n};
}

// Numeric header fields are octal text, or base-256 when the high bit of the
// first byte is set (GNU/star extension for values that do not fit).
std::optional<uint64_t> parse_number(const Block& b, size_t off, size_t len) {
  const unsigned char* p = b.data() + off;
  uint64_t v = 0;
  if (p[0] & 0x80) {
    if (p[0] == 0xff) return std::nullopt;  // negative
    v = p[0] & 0x7f;
    for (size_t i = 1; i < len; ++i) {
      if (v > (k_max_member_size >> 8)) return std::nullopt;
      v = (v << 8) | p[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < len && p[i] == ' ') ++i;
  bool any = false;
  for (; i < len && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v > (k_max_member_size >> 3)) return std::nullopt;
    v = (v << 3) | static_cast<uint64_t>(p[i] - '0');
    any = true;
  }
  for (; i < len; ++i) {
    if (p[i] != ' ' && p[i] != '\0') return std::nullopt;
  }
  if (!any) return 0;
  return v;
}

bool checksum_ok(const Block& b) {
  auto stored = parse_number(b, 148, 8);
  if (!stored) return false;
  uint64_t usum = 0;
  int64_t ssum = 0;
  for (size_t i = 0; i < k_block; ++i) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
    usum += c;
    ssum += static_cast<signed char>(c);
  }
  return *stored == usum || static_cast<int64_t>(*stored) == ssum;
}

bool all_zero(const Block& b) {
  return std::all_of(b.begin(), b.end(), [](unsigned char c) { return c == 0; });
}

tl::unexpected<Error> not_tar(const Block& b, std::string_view what, uint64_t off) {
  if (off == 0 && b[0] == 0x1f && b[1] == 0x8b) {
    return fail(ErrorCode::invalid_image,
                "{} is gzip-compressed; imagegate reads plain tar archives (what 'docker save' writes): decompress it "
                "first, e.g. 'gunzip -k FILE'",
                what);
  }
  if (off == 0 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
    return fail(ErrorCode::invalid_image,
                "{} is zstd-compressed; imagegate reads plain tar archives: decompress it first, e.g. 'zstd -d FILE'",
                what);
  }
  if (off == 0) return fail(ErrorCode::invalid_image, "{} is not a tar archive (bad header checksum)", what);
  return fail(ErrorCode::invalid_image, "{} is corrupt: the tar header at offset {} has a bad checksum", what, off);
}

struct Pending {
  std::optional<std::string> path;
  std::optional<std::string> link;
  std::optional<uint64_t> size;
};

std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// Pax records: "<len> <key>=<value>\n", where <len> counts the whole record.
Result<void> parse_pax(std::string_view data, Pending& p, std::string_view what) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    auto len = sp == std::string_view::npos ? std::nullopt : parse_decimal(data.substr(0, sp));
    if (!len || *len <= sp + 1 || *len > data.size() || data[*len - 1] != '\n') {
      // Trailing NUL padding is tolerated; anything else is malformed.
      if (std::all_of(data.begin(), data.end(), [](char c) { return c == '\0'; })) return {};
      return fail(ErrorCode::invalid_image, "{} has a malformed pax extended header record", what);
    }
    std::string_view rec = data.substr(sp + 1, *len - sp - 2);
    data.remove_prefix(*len);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos) {
      return fail(ErrorCode::invalid_image, "{} has a pax extended header record without '='", what);
    }
    std::string_view key = rec.substr(0, eq);
    std::string_view value = rec.substr(eq + 1);
    if (key == "path") {
      p.path = std::string(value);
    } else if (key == "linkpath") {
      p.link = std::string(value);
    } else if (key == "size") {
      auto v = parse_decimal(value);
      if (!v || *v > k_max_member_size) {
        return fail(ErrorCode::invalid_image, "{} has an invalid pax size '{}'", what, value);
      }
      p.size = *v;
    }
  }
  return {};
}

std::string header_name(const Block& b) {
  std::string name(field(b, 0, 100));
  // POSIX ustar ("ustar\0" "00") has a prefix field; old GNU ("ustar  ") does not.
  if (std::memcmp(b.data() + 257, "ustar\0", 6) == 0) {
    std::string_view prefix = field(b, 345, 155);
    if (!prefix.empty()) name = std::string(prefix) + "/" + name;
  }
  return name;
}

bool has_no_data(char type) { return type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6'; }

}  // namespace

std::string TarIndex::normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

Result<TarIndex> TarIndex::build(const ReadAt& read_at, uint64_t archive_size, std::string_view what) {
  TarIndex index;
  Pending pending;
  uint64_t off = 0;
  Block b{};
  while (off < archive_size) {
    if (archive_size - off < k_block) {
      return fail(ErrorCode::invalid_image, "{} is truncated: a partial tar header at offset {}", what, off);
    }
    IG_TRY(read_at(off, std::as_writable_bytes(std::span(b))));
    if (all_zero(b)) break;  // end-of-archive marker
    if (!checksum_ok(b)) return not_tar(b, what, off);
    char type = static_cast<char>(b[156]);
    auto header_size = parse_number(b, 124, 12);
    if (!header_size) return fail(ErrorCode::invalid_image, "{} has an invalid size in the tar header at offset {}", what, off);
    const bool meta = type == 'x' || type == 'L' || type == 'K' || type == 'g';
    uint64_t size = meta ? *header_size : pending.size.value_or(*header_size);
    if (has_no_data(type)) size = 0;
    const uint64_t data_off = off + k_block;
    if (size > archive_size - data_off) {
      return fail(ErrorCode::invalid_image, "{} is truncated: a member at offset {} claims {} bytes past the end", what,
                  off, size);
    }
    uint64_t padded = size + (k_block - size % k_block) % k_block;
    uint64_t next = std::min(archive_size, data_off + padded);

    if (meta && type != 'g') {
      if (size > k_max_meta_size) {
        return fail(ErrorCode::invalid_image, "{} has an extended header of {} bytes at offset {}, over the {} allowed",
                    what, size, off, k_max_meta_size);
      }
      std::string data(static_cast<size_t>(size), '\0');
      IG_TRY(read_at(data_off, std::as_writable_bytes(std::span(data))));
      if (type == 'x') {
        IG_TRY(parse_pax(data, pending, what));
      } else {
        std::string name(data.c_str());  // GNU long names are NUL-terminated
        (type == 'L' ? pending.path : pending.link) = std::move(name);
      }
    } else if (type != 'g') {
      std::string name = normalize(pending.path ? *pending.path : header_name(b));
      TarMember m;
      m.type = type == '\0' || type == '7' ? '0' : type;
      m.offset = data_off;
      m.size = size;
      m.link = pending.link ? *pending.link : std::string(field(b, 157, 100));
      pending = Pending{};
      if (!name.empty()) {
        auto [it, inserted] = index.members_.insert_or_assign(name, std::move(m));
        if (inserted) {
          if (index.members_.size() > k_max_members) {
            return fail(ErrorCode::invalid_image, "{} has more than {} members", what, k_max_members);
          }
          index.order_.push_back(it->first);
        }
      }
    }
    off = next;
  }
  return index;
}

const TarMember* TarIndex::find_file(std::string_view name) const {
  std::string path = normalize(name);
  for (int depth = 0; depth <= k_max_link_depth && !path.empty(); ++depth) {
    auto it = members_.find(path);
    if (it == members_.end()) return nullptr;
    const TarMember& m = it->second;
    if (m.type == '0') return &m;
    if (m.type == '1') {
      path = normalize(m.link);  // hard links name a path from the archive root
    } else if (m.type == '2') {
      if (!m.link.empty() && m.link.front() == '/') {
        path = normalize(m.link);
      } else {
        size_t slash = path.rfind('/');
        std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
        path = normalize(dir + m.link);
      }
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

}  // namespace ig::image
