// Rust catalogers: Cargo.lock files (the [[package]] tables) and ELF binaries
// built with cargo-auditable, whose ".dep-v0" section holds zlib-compressed
// JSON listing every crate compiled in.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/lang_elf.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// Every [[package]] of a Cargo.lock (a TOML subset, parsed line by line).
Result<std::vector<Package>> parse_cargo_lock(std::string_view content, std::string_view path);

// The crates of a decompressed cargo-auditable document
// {"packages":[{"name","version","source","kind","root"}...]}.
Result<std::vector<Package>> parse_cargo_auditable_json(std::string_view json, std::string_view path);

// Inflates a zlib stream with ISA-L, refusing output over `max_out` bytes.
Result<std::string> zlib_inflate(std::string_view compressed, uint64_t max_out);

// The crates recorded in an ELF file's .dep-v0 section; empty when absent and
// for Go binaries. Reads the file once, front to back, keeping at most about
// 25 MiB of it: the headers, then only the unmapped tail after the last
// segment (where .dep-v0, a section without SHF_ALLOC, is placed), and of a
// tail larger than 24 MiB only its first 8 and last 16 MiB.
Result<std::vector<Package>> parse_rust_binary(image::FileReader& in, std::string_view path);

// The same for an ELF file whose headers `w` has read (w.base() may have
// moved on, but not past the mapped part).
Result<std::vector<Package>> parse_rust_elf(StreamWindow& w, const ElfFile& elf, std::string_view path);

std::unique_ptr<image::Analyzer> make_cargo_lock_analyzer();
std::unique_ptr<image::Analyzer> make_rust_binary_analyzer();

}  // namespace ig::inventory::lang
