// Minimal streaming ELF reader; see lang_elf.h.
#include "inventory/lang_elf.h"

#include <algorithm>

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {
constexpr uint64_t k_max_header_region = 1ull << 20;  // program headers and notes live near the start
constexpr uint32_t k_pt_load = 1;
constexpr uint32_t k_pt_note = 4;
}  // namespace

Result<bool> StreamWindow::ensure(uint64_t want_end) {
  if (want_end <= end()) return true;
  if (want_end - base_ > max_keep_) {
    return fail(ErrorCode::invalid_image, "needs more than {} bytes in memory at once; skipped", max_keep_);
  }
  IG_TRY(read_more(in_, data_, want_end - end()));
  return end() >= want_end;
}

Result<bool> StreamWindow::drop_before(uint64_t off) {
  if (off <= base_) return true;
  if (off <= end()) {
    data_.erase(0, static_cast<size_t>(off - base_));
    base_ = off;
    return true;
  }
  uint64_t gap = off - end();
  data_.clear();
  base_ = off;
  IG_ASSIGN(bool ok, skip(in_, gap));
  return ok;
}

uint64_t ElfFile::uint_at(std::string_view data, size_t off, size_t size) const {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    auto b = static_cast<uint8_t>(data[off + (little ? size - 1 - i : i)]);
    v = (v << 8) | b;
  }
  return v;
}

std::optional<uint64_t> ElfFile::file_offset(uint64_t vaddr, uint64_t len) const {
  for (const auto& s : segments) {
    if (s.type != k_pt_load || vaddr < s.vaddr) continue;
    uint64_t rel = vaddr - s.vaddr;
    if (rel <= s.filesz && len <= s.filesz - rel) return s.offset + rel;
  }
  return std::nullopt;
}

Result<ElfFile> read_elf_headers(StreamWindow& w, std::string_view what) {
  IG_ASSIGN(bool ok, w.ensure(64));
  if (!ok) return fail(ErrorCode::invalid_image, "{}: truncated ELF header", what);
  std::string_view h = w.view(0, 64);
  if (h.substr(0, 4) != "\x7f" "ELF" || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
    return fail(ErrorCode::invalid_image, "{}: not an ELF file", what);
  }
  ElfFile e;
  e.is64 = h[4] == 2;
  e.little = h[5] == 1;
  size_t word = e.is64 ? 8 : 4;
  e.phoff = e.uint_at(h, e.is64 ? 32 : 28, word);
  e.shoff = e.uint_at(h, e.is64 ? 40 : 32, word);
  size_t p = e.is64 ? 54 : 42;
  e.phentsize = static_cast<uint16_t>(e.uint_at(h, p, 2));
  e.phnum = static_cast<uint16_t>(e.uint_at(h, p + 2, 2));
  e.shentsize = static_cast<uint16_t>(e.uint_at(h, p + 4, 2));
  e.shnum = static_cast<uint16_t>(e.uint_at(h, p + 6, 2));
  e.shstrndx = static_cast<uint16_t>(e.uint_at(h, p + 8, 2));
  size_t min_ph = e.is64 ? 56 : 32;
  if (e.phnum > 0 && e.phentsize < min_ph) return fail(ErrorCode::invalid_image, "{}: bad ELF program header size", what);
  if (e.shnum > 0 && e.shentsize < (e.is64 ? 64 : 40)) {
    return fail(ErrorCode::invalid_image, "{}: bad ELF section header size", what);
  }
  // phoff is checked first so that a huge one cannot wrap ph_end around.
  uint64_t ph_end = e.phoff + uint64_t{e.phnum} * e.phentsize;
  if (e.phoff > k_max_header_region || ph_end > k_max_header_region || (e.phoff < 64 && e.phnum > 0)) {
    return fail(ErrorCode::invalid_image, "{}: ELF program headers out of range", what);
  }
  IG_ASSIGN(ok, w.ensure(ph_end));
  if (!ok) return fail(ErrorCode::invalid_image, "{}: truncated ELF program headers", what);
  for (uint16_t i = 0; i < e.phnum; ++i) {
    std::string_view ph = w.view(e.phoff + uint64_t{i} * e.phentsize, e.phentsize);
    ElfSegment s;
    s.type = static_cast<uint32_t>(e.uint_at(ph, 0, 4));
    if (e.is64) {
      s.flags = static_cast<uint32_t>(e.uint_at(ph, 4, 4));
      s.offset = e.uint_at(ph, 8, 8);
      s.vaddr = e.uint_at(ph, 16, 8);
      s.filesz = e.uint_at(ph, 32, 8);
    } else {
      s.offset = e.uint_at(ph, 4, 4);
      s.vaddr = e.uint_at(ph, 8, 4);
      s.filesz = e.uint_at(ph, 16, 4);
      s.flags = static_cast<uint32_t>(e.uint_at(ph, 24, 4));
    }
    if (s.offset + s.filesz < s.offset) return fail(ErrorCode::invalid_image, "{}: ELF segment overflows", what);
    e.segments.push_back(s);
  }
  return e;
}

Result<bool> has_go_note(StreamWindow& w, const ElfFile& elf) {
  for (const auto& s : elf.segments) {
    if (s.type != k_pt_note || s.offset + s.filesz > k_max_header_region || s.offset < w.base()) continue;
    IG_ASSIGN(bool ok, w.ensure(s.offset + s.filesz));
    if (!ok) return false;
    std::string_view notes = w.view(s.offset, s.filesz);
    size_t pos = 0;
    while (pos + 12 <= notes.size()) {
      uint64_t namesz = elf.uint_at(notes, pos, 4);
      uint64_t descsz = elf.uint_at(notes, pos + 4, 4);
      uint64_t type = elf.uint_at(notes, pos + 8, 4);
      uint64_t name_off = pos + 12;
      uint64_t desc_off = name_off + ((namesz + 3) & ~uint64_t{3});
      uint64_t next = desc_off + ((descsz + 3) & ~uint64_t{3});
      if (namesz > notes.size() || descsz > notes.size() || next > notes.size()) break;
      if (type == 4 && namesz == 4 && notes.substr(name_off, 3) == std::string_view("Go\0", 3)) return true;
      pos = static_cast<size_t>(next);
    }
  }
  return false;
}

uint64_t ElfFile::mapped_end() const {
  uint64_t end = 0;
  for (const auto& s : segments) end = std::max(end, s.offset + s.filesz);
  return end;
}

Result<std::vector<ElfSection>> read_elf_sections(const StreamWindow& w, const ElfFile& elf, std::string_view what) {
  return read_elf_sections(
      [&w](uint64_t off, uint64_t len) -> std::optional<std::string_view> {
        if (!w.holds(off, len)) return std::nullopt;
        return w.view(off, len);
      },
      elf, what);
}

Result<std::vector<ElfSection>> read_elf_sections(const ElfBytes& bytes, const ElfFile& elf, std::string_view what) {
  std::vector<ElfSection> out;
  std::vector<uint64_t> name_offsets;
  if (elf.shnum == 0) return out;
  auto table = bytes(elf.shoff, uint64_t{elf.shnum} * elf.shentsize);
  if (!table || elf.shstrndx >= elf.shnum) {
    return fail(ErrorCode::invalid_image, "{}: ELF section headers out of range", what);
  }
  size_t word = elf.is64 ? 8 : 4;
  for (uint16_t i = 0; i < elf.shnum; ++i) {
    std::string_view sh = table->substr(size_t{i} * elf.shentsize, elf.shentsize);
    ElfSection s;
    name_offsets.push_back(elf.uint_at(sh, 0, 4));  // resolved once the name table is known
    s.type = static_cast<uint32_t>(elf.uint_at(sh, 4, 4));
    s.flags = elf.uint_at(sh, 8, word);
    s.addr = elf.uint_at(sh, 8 + word, word);
    s.offset = elf.uint_at(sh, 8 + 2 * word, word);
    s.size = elf.uint_at(sh, 8 + 3 * word, word);
    out.push_back(std::move(s));
  }
  const ElfSection& strtab = out[elf.shstrndx];
  auto name_bytes = bytes(strtab.offset, strtab.size);
  if (!name_bytes) return fail(ErrorCode::invalid_image, "{}: ELF section name table out of range", what);
  std::string_view names = *name_bytes;
  for (size_t i = 0; i < out.size(); ++i) {
    if (name_offsets[i] >= names.size()) continue;
    std::string_view n = names.substr(static_cast<size_t>(name_offsets[i]));
    out[i].name = std::string(n.substr(0, std::min(n.find('\0'), n.size())));
  }
  return out;
}

}  // namespace ig::inventory::lang
