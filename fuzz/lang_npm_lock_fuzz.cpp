// Fuzzes the npm_lock analyzer with arbitrary content as app/package-lock.json.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_npm.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_npm_lock_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "app/package-lock.json", data, size);
  return 0;
}
