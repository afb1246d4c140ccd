// Fuzzes the npm_package analyzer with arbitrary content as app/node_modules/@s/pkg/package.json.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_npm.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_npm_package_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "app/node_modules/@s/pkg/package.json", data, size);
  return 0;
}
