// Ignore files (`imagegate scan --ignore-file`): imagegate's YAML, .trivyignore
// lines and .trivyignore.yaml. Whatever parses must also gate findings without
// trouble, and every error must be a usage error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scan/gate.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = ig::scan::parse_ignore_file(text, "fuzz");
  if (!rules) {
    if (rules.error().code != ig::ErrorCode::usage) std::abort();
    return 0;
  }
  ig::scan::Finding f;
  f.vulnerability_id = "CVE-2024-0727";
  f.package_purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64";
  f.path = "var/lib/dpkg/status";
  ig::scan::GateOptions opts;
  opts.ignores = std::move(*rules);
  opts.today = "2025-01-01";
  auto r = ig::scan::apply_gate({f}, opts);
  if (r.findings.size() + r.suppressed.size() != 1) std::abort();
  return 0;
}
