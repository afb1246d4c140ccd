// `imagegate scan --format cyclonedx`: the image's SBOM (CycloneDX 1.6, from
// report/sbom_cyclonedx.h, so components and bom-refs are exactly those of
// `imagegate sbom --format cyclonedx`) plus a `vulnerabilities` array in the
// VEX style: each entry names the components it `affects` by bom-ref, with
// ratings, references, dates, a recommendation (the fixed versions) and an
// `analysis` from the distro's status. The mapping is documented in
// docs/scan-formats.md.
//
// One entry per (vulnerability id, status), in id order; bom-ref is the id, or
// "<id>#<status>" when one id has findings of several statuses. Deterministic:
// serialNumber is a name-based UUID of the image and the vulnerabilities, and
// there is no timestamp unless the SBOM input carries one.
#pragma once

#include <string>
#include <string_view>

#include "report/sbom_input.h"
#include "scan/report.h"

namespace ig::scan {

// CycloneDX's rating method for a vulndb severity: "CVSSv2", "CVSSv3",
// "CVSSv31" (a "CVSS:3.1/" vector), "CVSSv4", else "other".
const char* cyclonedx_rating_method(std::string_view type, std::string_view vector);

// CycloneDX analysis for a finding status (vulndb::fix_status_name): `state`
// and, where one applies, `response` ("" when none).
struct VexAnalysis {
  const char* state;
  const char* response;
};
VexAnalysis cyclonedx_analysis(std::string_view status);

// The document, pretty-printed with a trailing newline. `sbom` is the scanned
// image and its inventory (the findings' packages must come from it; a finding
// whose package is not there is referenced by its purl).
std::string write_scan_cyclonedx(const report::SbomInput& sbom, const ScanReport& report);

}  // namespace ig::scan
