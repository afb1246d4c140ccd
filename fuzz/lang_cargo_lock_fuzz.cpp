// Fuzzes the cargo_lock analyzer with arbitrary content as src/Cargo.lock.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_rust.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_cargo_lock_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "src/Cargo.lock", data, size);
  return 0;
}
