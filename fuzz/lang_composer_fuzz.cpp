// Fuzzes the php analyzer with arbitrary content as var/www/vendor/composer/installed.json.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_php.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_php_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "var/www/vendor/composer/installed.json", data, size);
  return 0;
}
