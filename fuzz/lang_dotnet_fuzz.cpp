// Fuzzes the dotnet analyzer with arbitrary content as app/app.deps.json.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_dotnet.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_dotnet_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "app/app.deps.json", data, size);
  return 0;
}
