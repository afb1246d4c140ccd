// imagegate's own SBOM JSON: lossless, so that a stored SBOM can be loaded back
// and matched against a newer vulnerability database without the image.
// The schema is documented in docs/sbom-json.md; schema_version changes only
// when a reader of the old version could misread the new one.
#pragma once

#include <string>
#include <string_view>

#include "report/sbom_input.h"
#include "util/error.h"

namespace ig::report {

inline constexpr int k_sbom_json_schema_version = 1;

// The whole document, pretty-printed with a trailing newline.
std::string write_sbom_json(const SbomInput& in);

// Reads a document written by write_sbom_json (any schema_version up to ours).
// The text is untrusted: nesting deeper than 64 levels or more than 512 MiB is
// refused, and every error is invalid_image naming the field at fault.
// read_sbom_json(write_sbom_json(x)) == x for every x.
Result<SbomInput> read_sbom_json(std::string_view text);

}  // namespace ig::report
