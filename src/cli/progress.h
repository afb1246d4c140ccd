// Per-blob download progress bars on stderr, only when stderr is a terminal:
// pipelines and log files get nothing.
#pragma once

#include "cli/command.h"
#include "image/resolve.h"

namespace ig::cli {

// Draws a bar per blob as the registry source downloads it. No-op unless
// stderr is a TTY, the image comes from a registry and --quiet is off.
void attach_progress(const image::ResolvedImage& img, const GlobalOptions& global);

}  // namespace ig::cli
