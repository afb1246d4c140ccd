// ndb Packages.db reading; bounds-checked, read-only.
#include "inventory/rpm_ndb.h"

#include "util/log.h"

namespace ig::inventory {
namespace {

constexpr uint32_t k_page = 4096;
constexpr uint32_t k_blk = 16;
constexpr uint32_t k_head_size = 32;
constexpr uint32_t k_blob_head = 16;
constexpr uint32_t k_blob_tail = 12;

constexpr uint32_t magic(char a, char b, char c, char d) {
  return static_cast<uint32_t>(a) | static_cast<uint32_t>(b) << 8 | static_cast<uint32_t>(c) << 16 |
         static_cast<uint32_t>(d) << 24;
}
constexpr uint32_t k_db_magic = magic('R', 'p', 'm', 'P');
constexpr uint32_t k_slot_magic = magic('S', 'l', 'o', 't');
constexpr uint32_t k_blob_magic = magic('B', 'l', 'b', 'S');
constexpr uint32_t k_tail_magic = magic('B', 'l', 'b', 'E');

uint32_t le32(std::string_view s, size_t off) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[off + i])); };
  return u(0) | u(1) << 8 | u(2) << 16 | u(3) << 24;
}

uint32_t adler32(std::string_view s) {
  uint32_t a = 1, b = 0;
  for (char c : s) {
    a = (a + static_cast<unsigned char>(c)) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

// The blob of one slot, or an empty optional (with a reason) when damaged.
std::string_view read_blob(std::string_view file, uint32_t pkgidx, uint64_t blkoff, uint64_t blkcnt,
                           std::string& why) {
  uint64_t start = blkoff * k_blk, len = blkcnt * k_blk;
  if (start > file.size() || len > file.size() - start || len < k_blob_head + k_blob_tail) {
    why = "its blocks lie outside the file";
    return {};
  }
  std::string_view b = file.substr(start, len);
  if (le32(b, 0) != k_blob_magic || le32(b, 4) != pkgidx) {
    why = "its blob header is wrong";
    return {};
  }
  uint32_t blob_len = le32(b, 12);
  if ((uint64_t{k_blob_head} + blob_len + k_blob_tail + k_blk - 1) / k_blk != blkcnt) {
    why = "its blob length does not match its block count";
    return {};
  }
  size_t tail = len - k_blob_tail;
  if (le32(b, tail + 4) != blob_len || le32(b, tail + 8) != k_tail_magic) {
    why = "its blob trailer is wrong";
    return {};
  }
  if (le32(b, tail) != adler32(b.substr(0, tail))) {
    why = "its checksum does not match";
    return {};
  }
  return b.substr(k_blob_head, blob_len);
}

}  // namespace

Result<std::vector<std::string>> read_ndb_blobs(std::string_view file) {
  if (file.size() < k_head_size || le32(file, 0) != k_db_magic) {
    return fail(ErrorCode::invalid_image, "not an rpm ndb database (no RpmP magic)");
  }
  if (le32(file, 4) != 0) {
    return fail(ErrorCode::invalid_image, "rpm ndb database version {} is not supported (expected 0)", le32(file, 4));
  }
  uint64_t slot_pages = le32(file, 12);
  if (slot_pages == 0 || slot_pages * k_page > file.size()) {
    return fail(ErrorCode::invalid_image, "rpm ndb database claims {} slot pages but has {} bytes", slot_pages,
                file.size());
  }
  const uint64_t min_blk = slot_pages * (k_page / k_blk);
  std::vector<std::string> out;
  for (uint64_t off = k_head_size; off + 16 <= slot_pages * k_page; off += 16) {
    if (le32(file, off) != k_slot_magic) {
      return fail(ErrorCode::invalid_image, "rpm ndb slot at offset {} has no Slot magic", off);
    }
    uint32_t pkgidx = le32(file, off + 4), blkoff = le32(file, off + 8), blkcnt = le32(file, off + 12);
    if (blkoff == 0) continue;  // free slot
    std::string why;
    std::string_view blob;
    if (pkgidx == 0 || blkcnt == 0 || blkoff < min_blk) {
      why = "the slot is malformed";
    } else {
      blob = read_blob(file, pkgidx, blkoff, blkcnt, why);
    }
    if (blob.empty()) {
      log::warn("rpm ndb: skipping package {}: {}", pkgidx, why);
      continue;
    }
    out.emplace_back(blob);
  }
  return out;
}

}  // namespace ig::inventory
