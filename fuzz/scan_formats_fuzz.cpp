// The scan writers for SARIF and CycloneDX (`imagegate scan --format
// sarif|cyclonedx`) fed with advisory text and package facts that come from
// untrusted feeds and images: any bytes, invalid UTF-8, odd paths and URLs.
// Both must give valid JSON with one result per finding and one CycloneDX
// entry per (id, status); --db-max-age's parser must only ever fail as usage.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/sbom_input.h"
#include "scan/db_age.h"
#include "scan/scan_cyclonedx.h"
#include "scan/scan_sarif.h"
#include "util/log.h"

namespace {

// Fields separated by '\n'; missing ones are "".
std::vector<std::string> fields(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && out.size() < 64) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  while (out.size() < 12) out.emplace_back();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto f = fields(text);
  if (auto age = ig::scan::parse_max_age("--db-max-age", f[0]); !age && age.error().code != ig::ErrorCode::usage) {
    std::abort();
  }

  ig::report::SbomInput in;
  in.image.name = f[1];
  in.image.digest = f[2];
  ig::scan::ScanReport r;
  r.image_name = f[1];
  std::set<std::pair<std::string, std::string>> groups;
  for (size_t i = 3; i + 4 < f.size(); i += 5) {
    ig::inventory::Package p;
    p.ecosystem = "deb";
    p.name = f[i];
    p.version = f[i + 1];
    p.purl = "pkg:deb/debian/" + ig::report::percent_encode(f[i]) + "@" + ig::report::percent_encode(f[i + 1]);
    p.locations = {f[i + 2]};
    in.inventory.packages.push_back(p);

    ig::scan::Finding fd;
    fd.vulnerability_id = f[i + 3].substr(0, f[i + 3].size() / 2);
    fd.title = f[i + 3].substr(f[i + 3].size() / 2);
    fd.primary_url = f[i + 4];
    fd.package_name = p.name;
    fd.package_version = p.version;
    fd.package_purl = p.purl;
    fd.path = f[i + 2];
    fd.status = i % 2 ? "fixed" : "will_not_fix";
    fd.severity = static_cast<ig::scan::Severity>(i % 5);
    if (!f[i + 4].empty()) fd.cvss_score = static_cast<double>(static_cast<unsigned char>(f[i + 4][0]) % 101) / 10.0;
    fd.fixed_versions = {f[i + 4]};
    groups.insert({fd.vulnerability_id, fd.status});
    ig::vulndb::Vulnerability v;
    v.id = fd.vulnerability_id;
    v.details = f[i + 4] + f[i];
    v.published = f[i + 1];
    v.severities = {{f[i], "CVSS_V3", f[i + 4], fd.cvss_score, f[i + 3]}};
    v.references = {{f[i + 4], "WEB"}};
    v.aliases = {f[i]};
    r.vulnerabilities.emplace(v.id, v);
    r.findings.push_back(std::move(fd));
  }

  auto sarif = nlohmann::json::parse(ig::scan::write_sarif(r), nullptr, false);
  if (sarif.is_discarded() || sarif["runs"][0]["results"].size() != r.findings.size()) std::abort();
  auto cdx = nlohmann::json::parse(ig::scan::write_scan_cyclonedx(in, r), nullptr, false);
  if (cdx.is_discarded() || cdx["vulnerabilities"].size() != groups.size()) std::abort();
  return 0;
}
