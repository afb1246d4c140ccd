// Who a resolved image is, in the plain terms the report writers use
// (report::ImageIdentity): shared by `imagegate sbom` and `imagegate scan` so
// that both name the same image the same way.
#pragma once

#include "image/resolve.h"
#include "report/sbom_input.h"

namespace ig::cli {

report::ImageIdentity identity_of(const image::ResolvedImage& img);

}  // namespace ig::cli
