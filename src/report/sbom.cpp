#include "report/sbom.h"

#include "report/sbom_json.h"
#include "report/sbom_spdx.h"
#include "report/sbom_table.h"

namespace ig::report {

Result<SbomFormat> parse_sbom_format(std::string_view name) {
  SbomFormat f;
  if (name == "cyclonedx" || name == "cyclonedx@1.6") {
    f.kind = SbomFormatKind::cyclonedx;
  } else if (name == "cyclonedx@1.5") {
    f.kind = SbomFormatKind::cyclonedx;
    f.cyclonedx_version = CycloneDxVersion::v1_5;
  } else if (name == "cyclonedx@1.4") {
    f.kind = SbomFormatKind::cyclonedx;
    f.cyclonedx_version = CycloneDxVersion::v1_4;
  } else if (name == "spdx-json") {
    f.kind = SbomFormatKind::spdx_json;
  } else if (name == "table") {
    f.kind = SbomFormatKind::table;
  } else if (name == "json") {
    f.kind = SbomFormatKind::json;
  } else {
    std::string names;
    for (auto n : k_sbom_format_names) names += (names.empty() ? "" : ", ") + std::string(n);
    return fail(ErrorCode::usage, "unknown SBOM format \"{}\"; use one of: {}", name, names);
  }
  return f;
}

std::string write_sbom(const SbomInput& in, const SbomFormat& format) {
  switch (format.kind) {
    case SbomFormatKind::cyclonedx: return write_cyclonedx(in, CycloneDxOptions{format.cyclonedx_version});
    case SbomFormatKind::spdx_json: return write_spdx_json(in);
    case SbomFormatKind::json: return write_sbom_json(in);
    case SbomFormatKind::table: break;
  }
  return write_sbom_table(in);
}

}  // namespace ig::report
