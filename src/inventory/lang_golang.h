// Go binaries cataloger: reads the build info the Go linker embeds in every
// module-aware binary (the ".go.buildinfo" blob: Go version and module list)
// and reports the main module, its dependencies and the standard library.
//
// The standard library is reported as package "stdlib" with version
// "v" + the Go version without its "go" prefix ("go1.22.1" -> "v1.22.1"),
// as Trivy does, so that it compares like a module version; the raw toolchain
// string is kept in extra.go_version.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/lang_elf.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// Packages from a Go version string and the module info text (already
// stripped of its 16-byte sentinels): main module, deps (with replacements),
// stdlib. Empty when both are empty.
std::vector<Package> parse_go_modinfo(std::string_view go_version, std::string_view modinfo, std::string_view path);

// Finds and decodes the build info of an ELF file read from `in`, both the
// inline format (Go >= 1.18) and the older pointer format. An empty result
// when the file is not a Go binary; invalid_image for malformed ELF.
Result<std::vector<Package>> parse_go_binary(image::FileReader& in, uint64_t size, std::string_view path);

// The StreamWindow size parse_go_elf needs: a Go binary of up to this size is
// kept in memory up to its build info (old-format pointers lead backwards).
inline constexpr uint64_t k_go_window = 256ull << 20;

// The same for an ELF file whose headers and notes `w` (created with at least
// k_go_window) has read; `go_note` is has_go_note()'s answer. Without the note
// the writable segments are still scanned, streaming, for the build info.
Result<std::vector<Package>> parse_go_elf(StreamWindow& w, const ElfFile& elf, bool go_note, uint64_t size,
                                          std::string_view path);

std::unique_ptr<image::Analyzer> make_golang_analyzer();

}  // namespace ig::inventory::lang
