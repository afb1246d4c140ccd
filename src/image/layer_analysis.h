// Runs analyzers over one layer (or one root filesystem) and collects its
// LayerOutput; the building block of analyze_image.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "image/analyzer.h"
#include "image/layer_cache.h"
#include "image/layer_walker.h"

namespace ig::image {

// Opens a fresh tar stream of the layer being analysed.
using StreamOpener = std::function<Result<std::unique_ptr<ByteStream>>()>;

// Walks one layer with `analyzers` and returns everything it contributes.
// Hard links whose path an analyzer selects get the content of their target
// when the target is a regular file of the same layer: such links are noted in
// the first pass and the layer is read a second time, only for them (rare in
// practice; magic sniffing does not apply to hard links). Errors of the stream
// or the tar end the walk; analyzer errors are warnings.
Result<LayerOutput> analyze_layer(const StreamOpener& open, size_t layer_index, const std::string& what,
                                  const std::vector<const Analyzer*>& analyzers, const WalkLimits& limits,
                                  const std::atomic<bool>* cancel);

// The same for a root filesystem directory (no hard-link pass: hard links on
// disk are just regular files).
Result<LayerOutput> analyze_rootfs(const std::filesystem::path& root, bool skip_other_mounts,
                                   const std::vector<const Analyzer*>& analyzers, const WalkLimits& limits);

}  // namespace ig::image
