// User templates (`--format template --template FILE`): any bytes either
// parse or fail with a usage error, and whatever parses runs over a report
// document to an end (bounded output) or a usage error; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "report/document.h"
#include "report/report_formats.h"
#include "report/template.h"

namespace {

const nlohmann::ordered_json& data() {
  static const nlohmann::ordered_json d = [] {
    ig::report::Document doc;
    doc.command = "check";
    doc.image.name = "app:1";
    doc.scanned = true;
    ig::report::DocFinding f;
    f.id = "CVE-2024-0727";
    f.pkg_name = "libssl3";
    f.severity = "HIGH";
    f.epss = 0.5;
    f.fixed_versions = {"3.0.13-1"};
    doc.findings = {f, f};
    doc.has_packages = true;
    doc.packages = {{"libssl3", "3.0.11-1", "deb", "pkg:deb/debian/libssl3", {"Apache-2.0"}, "var/lib/dpkg/status", ""}};
    doc.verdict = ig::report::DocVerdict{};
    doc.verdict->rules = {{"vulnerabilities.severity", "vulnerability", "enforce", true, true, "x", {"a", "b"}, "fix"}};
    return ig::report::document_to_json(doc);
  }();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  auto t = ig::report::Template::parse(text, "fuzz.tpl");
  if (!t) {
    if (t.error().code != ig::ErrorCode::usage) std::abort();
    return 0;
  }
  auto out = t->execute(data(), 1 << 20, 1 << 20);
  if (!out && out.error().code != ig::ErrorCode::usage) std::abort();
  if (out && out->size() > (1u << 20)) std::abort();
  return 0;
}
