// Fuzzes the ruby analyzer with arbitrary content as usr/lib/ruby/gems/3.1.0/specifications/x-1.0.gemspec.
#include <cstddef>
#include <cstdint>

#include "inventory/lang_ruby.h"
#include "lang_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto analyzer = ig::inventory::lang::make_ruby_analyzer();
  ig::fuzz::run_analyzer(*analyzer, "usr/lib/ruby/gems/3.1.0/specifications/x-1.0.gemspec", data, size);
  return 0;
}
