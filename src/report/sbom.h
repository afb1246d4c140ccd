// The SBOM output formats by name, and one entry point that writes any of them.
// `imagegate sbom --format` and any later caller (a server, a stored-SBOM
// export) pick formats through here so that the names stay the same everywhere.
#pragma once

#include <string>
#include <string_view>

#include "report/sbom_cyclonedx.h"
#include "report/sbom_input.h"
#include "util/error.h"

namespace ig::report {

enum class SbomFormatKind { cyclonedx, spdx_json, table, json };

struct SbomFormat {
  SbomFormatKind kind = SbomFormatKind::table;
  CycloneDxVersion cyclonedx_version = CycloneDxVersion::v1_6;  // for kind == cyclonedx
};

// Every accepted --format value, for help texts and validators.
inline constexpr std::string_view k_sbom_format_names[] = {
    "cyclonedx", "cyclonedx@1.6", "cyclonedx@1.5", "cyclonedx@1.4", "spdx-json", "table", "json"};

// Parses a --format value; usage error listing the accepted names otherwise.
Result<SbomFormat> parse_sbom_format(std::string_view name);

// The document in `format`. Pure: the same input gives the same bytes.
std::string write_sbom(const SbomInput& in, const SbomFormat& format);

}  // namespace ig::report
