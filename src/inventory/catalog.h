// From an image to its Inventory: run every analyzer over the image's layers,
// then assemble what they found (OS, OS packages with their files, language
// packages) into one deterministic list.
#pragma once

#include "image/analyzer.h"
#include "image/resolve.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory {

// Walks `img` with all_analyzers() and builds its inventory. Errors are those
// of image::analyze_image (invalid_image, integrity, io, network); a file that
// fails to parse is only logged, since untrusted content must not abort a scan.
Result<Inventory> catalog(const image::ResolvedImage& img, const image::WalkOptions& opts);

// Assembles an inventory from analyzer results; pure, so it is testable
// without an image. Detects the OS (detect_os), attaches dpkg file lists to
// their packages, sets purls (OS packages get the distro qualifier), fills
// locations and layer_diff_id from where the evidence was found (a dpkg
// package's layer is that of its info/*.list file, which dpkg rewrites when it
// installs the package), marks language packages whose evidence file an OS
// package owns as os_owned, and sorts by ecosystem, name, version and first
// location. Malformed results are skipped.
Inventory build_inventory(const image::ImageAnalysis& analysis);

}  // namespace ig::inventory
