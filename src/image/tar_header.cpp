#include "image/tar_header.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace ig::image::tar {

std::string_view field(const unsigned char* block, size_t off, size_t len) {
  const char* p = reinterpret_cast<const char*>(block) + off;
  size_t n = 0;
  while (n < len && p[n] != '\0') ++n;
  return {p, n};
}

std::optional<uint64_t> parse_number(const unsigned char* p, size_t len) {
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

bool checksum_ok(const unsigned char* block) {
  auto stored = parse_number(block + k_checksum, 8);
  if (!stored) return false;
  uint64_t usum = 0;
  int64_t ssum = 0;
  for (size_t i = 0; i < k_block; ++i) {
    unsigned char c = (i >= k_checksum && i < k_checksum + 8) ? ' ' : block[i];
    usum += c;
    ssum += static_cast<signed char>(c);
  }
  return *stored == usum || static_cast<int64_t>(*stored) == ssum;
}

bool all_zero(const unsigned char* block) {
  return std::all_of(block, block + k_block, [](unsigned char c) { return c == 0; });
}

std::string header_name(const unsigned char* block) {
  std::string_view name = field(block, 0, 100);
  // POSIX ustar ("ustar\0" "00") has a prefix field; old GNU ("ustar  ") does not.
  if (std::memcmp(block + 257, "ustar\0", 6) == 0) {
    std::string_view prefix = field(block, 345, 155);
    if (!prefix.empty()) {
      std::string out;
      out.reserve(prefix.size() + 1 + name.size());
      out.append(prefix).append("/").append(name);
      return out;
    }
  }
  return std::string(name);
}

bool header_only(char type) {
  return type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
}

std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Result<void> add_fragment(std::vector<Fragment>& map, Fragment f, std::string_view what) {
  if (map.size() >= k_max_sparse_fragments) {
    return fail(ErrorCode::invalid_image, "{} has a sparse file of more than {} fragments", what,
                k_max_sparse_fragments);
  }
  map.push_back(f);
  return {};
}

namespace {

Result<uint64_t> pax_number(std::string_view key, std::string_view value, std::string_view what) {
  auto v = parse_decimal(value);
  if (!v || *v > k_max_member_size) {
    return fail(ErrorCode::invalid_image, "{} has an invalid pax {} '{}'", what, key, value);
  }
  return *v;
}

}  // namespace

Result<void> parse_pax(std::string_view data, Extended& ext, std::string_view what) {
  // GNU.sparse.offset/numbytes (format 0.0) come in pairs, in order.
  bool want_numbytes = false;
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
    if (key == "path" || key == "linkpath" || key == "GNU.sparse.name") {
      // Go's reader refuses these too: a NUL would end the name in any C API.
      if (value.find('\0') != std::string_view::npos) {
        return fail(ErrorCode::invalid_image, "{} has a pax {} with a NUL byte", what, key);
      }
      (key == "path" ? ext.path : key == "linkpath" ? ext.link : ext.sparse_name) = std::string(value);
    } else if (key == "size") {
      IG_ASSIGN(ext.size, pax_number(key, value, what));
    } else if (key.starts_with("GNU.sparse.")) {
      ext.sparse = true;
      if (key == "GNU.sparse.realsize" || key == "GNU.sparse.size") {
        IG_ASSIGN(ext.sparse_size, pax_number(key, value, what));
      } else if (key == "GNU.sparse.major") {
        IG_ASSIGN(uint64_t major, pax_number(key, value, what));
        ext.sparse_major = static_cast<int>(std::min<uint64_t>(major, 1000));
      } else if (key == "GNU.sparse.offset") {
        if (want_numbytes) return fail(ErrorCode::invalid_image, "{} has a sparse offset without its size", what);
        IG_ASSIGN(uint64_t offset, pax_number(key, value, what));
        IG_TRY(add_fragment(ext.sparse_map, {offset, 0}, what));
        want_numbytes = true;
      } else if (key == "GNU.sparse.numbytes") {
        if (!want_numbytes) return fail(ErrorCode::invalid_image, "{} has a sparse size without its offset", what);
        IG_ASSIGN(ext.sparse_map.back().length, pax_number(key, value, what));
        want_numbytes = false;
      } else if (key == "GNU.sparse.map") {
        ext.sparse_map.clear();
        size_t n = 0;
        while (!value.empty()) {
          size_t comma = value.find(',');
          std::string_view num = value.substr(0, comma);
          value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
          IG_ASSIGN(uint64_t v, pax_number(key, num, what));
          if (n % 2 == 0) {
            IG_TRY(add_fragment(ext.sparse_map, {v, 0}, what));
          } else {
            ext.sparse_map.back().length = v;
          }
          ++n;
        }
        if (n % 2 != 0) return fail(ErrorCode::invalid_image, "{} has an odd GNU.sparse.map", what);
      }
    }
  }
  if (want_numbytes) return fail(ErrorCode::invalid_image, "{} has a sparse offset without its size", what);
  return {};
}

Result<void> check_sparse_map(const std::vector<Fragment>& map, uint64_t real_size, uint64_t stored,
                              std::string_view what) {
  uint64_t end = 0;
  uint64_t total = 0;
  for (const auto& f : map) {
    if (f.offset < end || f.length > real_size || f.offset > real_size - f.length) {
      return fail(ErrorCode::invalid_image, "{} has a malformed sparse map (fragments overlap or pass the end)", what);
    }
    end = f.offset + f.length;
    total += f.length;
  }
  if (total > stored) {
    return fail(ErrorCode::invalid_image, "{} has a sparse map of {} bytes but stores {}", what, total, stored);
  }
  return {};
}

}  // namespace ig::image::tar
