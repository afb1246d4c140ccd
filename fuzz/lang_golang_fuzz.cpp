// Fuzzes the golang analyzer with arbitrary content as usr/bin/app.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_golang.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_golang_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "usr/bin/app", data, size);
  return 0;
}
