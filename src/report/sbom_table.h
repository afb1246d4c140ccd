// The human-readable SBOM: a header naming the image and its OS, then one line
// per package with NAME, VERSION and TYPE (the ecosystem), sorted.
#pragma once

#include <string>

#include "report/sbom_input.h"

namespace ig::report {

// Columns are padded to the widest cell; control characters in package
// metadata are shown as '?' so that image content cannot drive the terminal.
std::string write_sbom_table(const SbomInput& in);

}  // namespace ig::report
