// VEX documents (`check --vex`, vulnerabilities.vex): OpenVEX and CycloneDX.
// Whatever parses must gate findings without trouble; every error is a usage
// error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/vex.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = ig::policy::parse_vex(text, "fuzz");
  if (!rules) {
    if (rules.error().code != ig::ErrorCode::usage) std::abort();
    return 0;
  }
  ig::scan::Finding f;
  f.vulnerability_id = "CVE-2024-0727";
  f.package_purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64";
  ig::scan::GateOptions opts;
  opts.ignores = std::move(*rules);
  opts.today = "2025-01-01";
  auto r = ig::scan::apply_gate({f}, opts);
  if (r.findings.size() + r.suppressed.size() != 1) std::abort();
  return 0;
}
