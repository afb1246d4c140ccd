// Fuzzes the stored-SBOM reader and, through whatever it accepts, every SBOM
// writer (whose license-expression parser sees package metadata from images).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/sbom.h"
#include "report/sbom_json.h"
#include "report/sbom_licenses.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ig::report::normalize_license_expression(text);
  auto in = ig::report::read_sbom_json(text);
  if (!in) return 0;
  for (auto name : ig::report::k_sbom_format_names) {
    auto format = ig::report::parse_sbom_format(name);
    if (format) (void)ig::report::write_sbom(*in, *format);
  }
  return 0;
}
