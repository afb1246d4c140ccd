// CycloneDX JSON (1.6 by default; 1.5 and 1.4 for consumers that need them,
// e.g. parity with Amazon Inspector's 1.4 export).
//
// Shape: metadata.component is the image (type "container", purl pkg:oci/...);
// the OS is a component of type "operating-system"; every package is a
// "library" component whose bom-ref is its purl (made unique), with licenses,
// and "imagegate:*" properties for what CycloneDX has no field for (layer
// diff_id, evidence locations, source package, os_owned). dependencies: the
// image depends on the OS and on the non-OS packages; the OS on the OS
// packages. Output is deterministic: serialNumber is a name-based UUID of the
// image digest and spec version, and there is no timestamp unless the input
// has one.
#pragma once

#include <string>

#include "report/sbom_input.h"

namespace ig::report {

enum class CycloneDxVersion { v1_4, v1_5, v1_6 };

struct CycloneDxOptions {
  CycloneDxVersion version = CycloneDxVersion::v1_6;
};

// "1.4", "1.5", "1.6".
const char* cyclonedx_version_string(CycloneDxVersion v);

// The whole document, pretty-printed with a trailing newline.
std::string write_cyclonedx(const SbomInput& in, const CycloneDxOptions& options);

}  // namespace ig::report
