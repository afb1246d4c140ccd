// Just enough ELF for the binary catalogers (Go build info, Rust .dep-v0):
// the file header, program headers, section headers and notes, read from a
// forward-only stream (a layer's tar entry cannot seek) with bounded memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "util/error.h"

namespace ig::inventory::lang {

// The bytes of a forward-only file that are kept in memory: [base(), end()).
// ensure() reads more; drop_before() forgets a prefix so memory stays bounded.
class StreamWindow {
 public:
  StreamWindow(image::FileReader& in, uint64_t max_keep) : in_(in), max_keep_(max_keep) {}
  // Reads until the window covers file offset `end` (or the file ends).
  // Returns false when the file is shorter; invalid_image when keeping that
  // much would exceed max_keep bytes.
  Result<bool> ensure(uint64_t end);
  // Forgets bytes before `off` (reading and discarding up to it if needed).
  Result<bool> drop_before(uint64_t off);
  // Makes room for the window to grow to file offset `end` without moving
  // (bounded by max_keep): a retained Go binary grows to megabytes, and
  // growing by doubling copied it twice.
  void reserve(uint64_t end) {
    if (end > base_) data_.reserve(static_cast<size_t>(std::min(end - base_, max_keep_)));
  }
  uint64_t base() const { return base_; }
  uint64_t end() const { return base_ + data_.size(); }
  // The bytes [off, off+len); REQUIRES base() <= off and off+len <= end().
  std::string_view view(uint64_t off, uint64_t len) const {
    return std::string_view(data_).substr(static_cast<size_t>(off - base_), static_cast<size_t>(len));
  }
  bool holds(uint64_t off, uint64_t len) const { return off >= base_ && off + len <= end() && off + len >= off; }

 private:
  image::FileReader& in_;
  uint64_t max_keep_;
  uint64_t base_ = 0;
  std::string data_;
};

struct ElfSegment {
  uint32_t type = 0;   // PT_LOAD = 1, PT_NOTE = 4
  uint32_t flags = 0;  // PF_X = 1, PF_W = 2, PF_R = 4
  uint64_t offset = 0, vaddr = 0, filesz = 0;
};

struct ElfSection {
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0, addr = 0, offset = 0, size = 0;
};

struct ElfFile {
  bool is64 = false;
  bool little = true;
  uint64_t phoff = 0, shoff = 0;
  uint16_t phentsize = 0, phnum = 0, shentsize = 0, shnum = 0, shstrndx = 0;
  std::vector<ElfSegment> segments;  // in header order

  uint64_t uint_at(std::string_view data, size_t off, size_t size) const;
  // The file offset of virtual address `vaddr` in a PT_LOAD segment with at
  // least `len` file bytes after it; nullopt when unmapped.
  std::optional<uint64_t> file_offset(uint64_t vaddr, uint64_t len) const;
  // The end offset of the section header table (0 when there is none).
  uint64_t section_table_end() const { return shnum == 0 ? 0 : shoff + uint64_t{shnum} * shentsize; }
  // The end of the bytes any segment maps. Sections without SHF_ALLOC (the
  // symbol tables, debug info, cargo-auditable's .dep-v0) come after it.
  uint64_t mapped_end() const;
};

// The file bytes [off, off+len) when the caller holds them, else nullopt.
using ElfBytes = std::function<std::optional<std::string_view>(uint64_t off, uint64_t len)>;

// Reads and validates the ELF header and program headers at the start of `w`.
// invalid_image for a truncated or inconsistent header.
Result<ElfFile> read_elf_headers(StreamWindow& w, std::string_view what);

// Whether the PT_NOTE segments (which sit near the start of the file) carry
// a Go build ID note. Reads them into `w` when they are within the first MiB.
Result<bool> has_go_note(StreamWindow& w, const ElfFile& elf);

// The section headers with resolved names. REQUIRES `w` to hold the table and
// the section-name string table.
Result<std::vector<ElfSection>> read_elf_sections(const StreamWindow& w, const ElfFile& elf, std::string_view what);
// The same, reading through `bytes`, which must hold the table and the
// section-name string table (when it does not: invalid_image).
Result<std::vector<ElfSection>> read_elf_sections(const ElfBytes& bytes, const ElfFile& elf, std::string_view what);

}  // namespace ig::inventory::lang
