// Berkeley DB hash reading; every page and item access is bounds-checked,
// and overflow chains are bounded by the page count so a cycle cannot hang us.
#include "inventory/rpm_bdb.h"

#include "util/log.h"

namespace ig::inventory {
namespace {

constexpr uint32_t k_hash_magic = 0x061561;
constexpr size_t k_page_header = 26;
constexpr uint8_t k_p_hash_unsorted = 2;
constexpr uint8_t k_p_overflow = 7;
constexpr uint8_t k_p_hash = 13;
constexpr uint8_t k_h_keydata = 1;
constexpr uint8_t k_h_offpage = 3;
constexpr uint64_t k_max_item = 256ull << 20;

class Pages {
 public:
  Pages(std::string_view file, bool swap, uint32_t page_size) : file_(file), swap_(swap), size_(page_size) {}

  uint64_t count() const { return file_.size() / size_; }
  std::string_view page(uint64_t n) const { return file_.substr(n * size_, size_); }
  uint32_t page_size() const { return size_; }

  uint32_t u32(std::string_view p, size_t off) const {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[off + i])); };
    return swap_ ? b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3) : b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
  }
  uint16_t u16(std::string_view p, size_t off) const {
    auto b = [&](size_t i) { return static_cast<uint16_t>(static_cast<unsigned char>(p[off + i])); };
    return static_cast<uint16_t>(swap_ ? b(0) << 8 | b(1) : b(0) | b(1) << 8);
  }

  // Concatenates an overflow chain starting at `pgno` into `total` bytes.
  Result<std::string> overflow(uint32_t pgno, uint32_t total) const {
    if (total > k_max_item) return fail(ErrorCode::invalid_image, "Berkeley DB item of {} bytes is too large", total);
    std::string out;
    out.reserve(total);
    for (uint64_t hops = 0; out.size() < total; ++hops) {
      if (pgno == 0 || pgno >= count() || hops > count()) {
        return fail(ErrorCode::invalid_image, "Berkeley DB overflow chain is broken at page {}", pgno);
      }
      std::string_view p = page(pgno);
      if (static_cast<uint8_t>(p[25]) != k_p_overflow) {
        return fail(ErrorCode::invalid_image, "Berkeley DB page {} is not an overflow page", pgno);
      }
      // On overflow pages hf_offset holds the number of bytes used.
      size_t used = u16(p, 22);
      if (used > p.size() - k_page_header) {
        return fail(ErrorCode::invalid_image, "Berkeley DB overflow page {} claims {} bytes", pgno, used);
      }
      size_t take = std::min<size_t>(used, total - out.size());
      out.append(p.substr(k_page_header, take));
      pgno = u32(p, 16);
    }
    return out;
  }

 private:
  std::string_view file_;
  bool swap_;
  uint32_t size_;
};

// Appends the data item of each key/data pair on one hash page.
void read_hash_page(const Pages& pages, uint64_t n, std::vector<std::string>& out) {
  std::string_view p = pages.page(n);
  size_t entries = pages.u16(p, 20);
  if (k_page_header + entries * 2 > p.size()) {
    log::warn("rpm bdb: page {} claims {} entries; skipped", n, entries);
    return;
  }
  for (size_t i = 1; i < entries; i += 2) {  // odd indexes hold data items
    size_t off = pages.u16(p, k_page_header + i * 2);
    size_t end = pages.u16(p, k_page_header + (i - 1) * 2);  // items grow down from the page end
    if (off < k_page_header + entries * 2 || off >= p.size()) continue;
    auto type = static_cast<uint8_t>(p[off]);
    if (type == k_h_keydata) {
      if (end <= off || end > p.size()) continue;
      // Key 0 is rpm's bookkeeping record; a header is far longer than 4 bytes.
      if (end - off - 1 <= 4) continue;
      out.emplace_back(p.substr(off + 1, end - off - 1));
    } else if (type == k_h_offpage) {
      if (off + 12 > p.size()) continue;
      auto item = pages.overflow(pages.u32(p, off + 4), pages.u32(p, off + 8));
      if (!item) {
        log::warn("rpm bdb: skipping an item on page {}: {}", n, item.error().message);
        continue;
      }
      out.push_back(std::move(*item));
    }
  }
}

}  // namespace

Result<std::vector<std::string>> read_bdb_hash_values(std::string_view file) {
  if (file.size() < 512) return fail(ErrorCode::invalid_image, "not a Berkeley DB file: only {} bytes", file.size());
  Pages probe(file, false, 512);
  bool swap = false;
  if (probe.u32(file, 12) != k_hash_magic) {
    swap = true;
    if (Pages(file, true, 512).u32(file, 12) != k_hash_magic) {
      return fail(ErrorCode::invalid_image, "not a Berkeley DB hash database (magic {:#x})", probe.u32(file, 12));
    }
  }
  uint32_t page_size = Pages(file, swap, 512).u32(file, 20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return fail(ErrorCode::invalid_image, "Berkeley DB page size {} is invalid", page_size);
  }
  if (static_cast<uint8_t>(file[24]) != 0) {
    return fail(ErrorCode::invalid_image, "Berkeley DB file is encrypted; rpm databases never are");
  }
  Pages pages(file, swap, page_size);
  std::vector<std::string> out;
  // Walking pages in order (not buckets) reads each hash page exactly once
  // and needs no trust in the bucket table; free pages have another type.
  for (uint64_t n = 1; n < pages.count(); ++n) {
    auto type = static_cast<uint8_t>(pages.page(n)[25]);
    if (type == k_p_hash || type == k_p_hash_unsorted) read_hash_page(pages, n, out);
  }
  return out;
}

}  // namespace ig::inventory
