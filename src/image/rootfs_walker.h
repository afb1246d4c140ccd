// Walks a root filesystem on disk (dir:PATH) as if it were a single layer.
//
// Symlinks are reported, never followed; special files are reported without
// content; nothing is written. When `skip_other_mounts` is set, directories on
// another file system than `root` are not entered, and when `root` is "/" the
// kernel's /proc, /sys and /dev are skipped as well.
#pragma once

#include <atomic>
#include <filesystem>

#include "image/layer_walker.h"

namespace ig::image {

// Calls `visitor` for each entry under `root` (paths relative to it, layer 0).
// Unreadable directories and files are skipped with a warning. Errors:
// not_found / io when `root` itself cannot be opened, invalid_image past
// limits.max_entries, and the visitor's errors.
Result<WalkStats> walk_rootfs(const std::filesystem::path& root, bool skip_other_mounts, const WalkLimits& limits,
                              LayerVisitor& visitor, const std::atomic<bool>* cancel = nullptr);

}  // namespace ig::image
