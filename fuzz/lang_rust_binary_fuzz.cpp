// Fuzzes the rust_binary analyzer with arbitrary content as usr/bin/tool.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_rust.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_rust_binary_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "usr/bin/tool", data, size);
  return 0;
}
