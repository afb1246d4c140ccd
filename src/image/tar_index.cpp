#include "image/tar_index.h"

#include "image/tar_header.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace ig::image {

namespace {

using tar::k_block;
using tar::k_max_meta_size;
constexpr size_t k_max_members = 1u << 20;
constexpr int k_max_link_depth = 16;

using Block = std::array<unsigned char, k_block>;

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
  tar::Extended pending;
  uint64_t off = 0;
  Block b{};
  while (off < archive_size) {
    if (archive_size - off < k_block) {
      return fail(ErrorCode::invalid_image, "{} is truncated: a partial tar header at offset {}", what, off);
    }
    IG_TRY(read_at(off, std::as_writable_bytes(std::span(b))));
    if (tar::all_zero(b.data())) break;  // end-of-archive marker
    if (!tar::checksum_ok(b.data())) return not_tar(b, what, off);
    char type = static_cast<char>(b[156]);
    auto header_size = tar::parse_number(b.data() + tar::k_size, 12);
    if (!header_size) return fail(ErrorCode::invalid_image, "{} has an invalid size in the tar header at offset {}", what, off);
    const bool meta = type == 'x' || type == 'L' || type == 'K' || type == 'g';
    uint64_t size = meta ? *header_size : pending.size.value_or(*header_size);
    if (tar::header_only(type)) size = 0;
    const uint64_t data_off = off + k_block;
    if (size > archive_size - data_off) {
      return fail(ErrorCode::invalid_image, "{} is truncated: a member at offset {} claims {} bytes past the end", what,
                  off, size);
    }
    uint64_t padded = size + tar::padding(size);
    uint64_t next = std::min(archive_size, data_off + padded);

    if (meta && type != 'g') {
      if (size > k_max_meta_size) {
        return fail(ErrorCode::invalid_image, "{} has an extended header of {} bytes at offset {}, over the {} allowed",
                    what, size, off, k_max_meta_size);
      }
      std::string data(static_cast<size_t>(size), '\0');
      IG_TRY(read_at(data_off, std::as_writable_bytes(std::span(data))));
      if (type == 'x') {
        IG_TRY(tar::parse_pax(data, pending, what));
      } else {
        std::string name(data.c_str());  // GNU long names are NUL-terminated
        (type == 'L' ? pending.path : pending.link) = std::move(name);
      }
    } else if (type != 'g') {
      std::string name = normalize(pending.path ? *pending.path : tar::header_name(b.data()));
      TarMember m;
      m.type = type == '\0' || type == '7' ? '0' : type;
      m.offset = data_off;
      m.size = size;
      m.link = pending.link ? *pending.link : std::string(tar::field(b.data(), tar::k_linkname, 100));
      pending = tar::Extended{};
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
