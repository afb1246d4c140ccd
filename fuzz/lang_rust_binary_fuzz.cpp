// Fuzzes the rust_binary analyzer and the one-pass ELF analyzer (Go build
// info, then .dep-v0 in the unmapped tail) with arbitrary content as usr/bin/tool.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_binary.h"
#include "inventory/lang_rust.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto rust = ig::inventory::lang::make_rust_binary_analyzer();
  static const auto binary = ig::inventory::lang::make_binary_analyzer();
  ig::fuzz::run_analyzer(*rust, "usr/bin/tool", data, size);
  ig::fuzz::run_analyzer(*binary, "usr/bin/tool", data, size);
  return 0;
}
