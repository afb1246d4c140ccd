// Fuzzes the java analyzer with arbitrary content as opt/app.war.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_java.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_java_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "opt/app.war", data, size);
  return 0;
}
