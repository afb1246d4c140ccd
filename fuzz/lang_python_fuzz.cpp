// Fuzzes the python analyzer with arbitrary content as usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_python.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_python_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA", data, size);
  return 0;
}
