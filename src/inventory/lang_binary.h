// The ELF executable cataloger: Go build info and cargo-auditable .dep-v0 in
// one pass over each executable.
//
// Both need the same files (ELF executables) and the layer walker can hand a
// file's stream to one reader only; with two analyzers it would read every
// executable into memory whole (up to their size limit) to give each a copy.
// One analyzer reads the stream once: the headers and notes, then the Go
// build info (Go binaries, or any with the Go magic in a writable segment),
// then, for the rest, the unmapped tail where .dep-v0 lives.
#pragma once

#include <memory>

#include "image/analyzer.h"

namespace ig::inventory::lang {

std::unique_ptr<image::Analyzer> make_binary_analyzer();

}  // namespace ig::inventory::lang
