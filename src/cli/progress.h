// Per-blob download progress on stderr: bars redrawn in place on a terminal,
// one line per finished download otherwise (CI logs), nothing with --quiet
// (the choice is util/terminal.h's progress_style).
#pragma once

#include "cli/command.h"
#include "image/resolve.h"

namespace ig::cli {

// Reports each blob the registry source downloads. No-op for images that do
// not come from a registry, and with --quiet.
void attach_progress(const image::ResolvedImage& img, const GlobalOptions& global);

}  // namespace ig::cli
