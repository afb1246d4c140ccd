// SPDX 2.3 JSON.
//
// Shape: the document DESCRIBES the image (a package with purpose CONTAINER
// and a pkg:oci purl); the image CONTAINS the OS (purpose OPERATING_SYSTEM,
// the JSON spelling; tag-value writes OPERATING-SYSTEM)
// and every package (purpose LIBRARY, a PACKAGE-MANAGER purl reference,
// licenseDeclared as a valid SPDX expression with LicenseRef-s for licenses
// that are not SPDX ids, licenseConcluded NOASSERTION). SPDXIDs derive from
// purls, so they are stable across runs.
//
// Determinism: SPDX requires creationInfo.created. It is the input's timestamp
// when there is one (--timestamp), else the image config's "created" (the
// image's own build time, fixed for a given digest), else 1970-01-01T00:00:00Z.
// documentNamespace is https://imagegate.invalid/spdx/<image>-<uuid> with a
// name-based UUID of the image digest; ".invalid" (RFC 2606) can never
// resolve, as a namespace should not.
#pragma once

#include <string>

#include "report/sbom_input.h"

namespace ig::report {

struct SpdxOptions {};

// The whole document, pretty-printed with a trailing newline.
std::string write_spdx_json(const SbomInput& in, const SpdxOptions& options = {});

}  // namespace ig::report
