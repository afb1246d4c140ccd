// One streaming pass over a layer's tar stream.
//
// The tar format is read here (see tar_header.h: ustar, pax, GNU long names,
// base-256 sizes, GNU sparse files), following Go's archive/tar where readers
// differ, because that is how container runtimes unpack layers. Headers are
// parsed in place in the read buffer. The stream is already decompressed (see
// decompress.h). Names are normalised, unsafe names are skipped with a
// warning, and overlay whiteouts are reported separately from ordinary
// entries. Nothing is ever extracted and symlinks are never followed.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "image/analyzer.h"
#include "image/source.h"
#include "util/error.h"

namespace ig::image {

// Receives the entries of one layer, in tar order.
class LayerVisitor {
 public:
  virtual ~LayerVisitor() = default;
  // An ordinary entry. For regular files `content` reads the data (it may be
  // left unread); for other types it reads nothing. An error stops the walk
  // and is returned by walk_layer_tar.
  virtual Result<void> on_entry(const FileMeta& meta, FileReader& content) = 0;
  // ".wh.NAME" in directory D: D/NAME and its subtree are deleted from lower layers.
  virtual void on_whiteout(const std::string& path) = 0;
  // ".wh..wh..opq" in directory D: everything under D in lower layers is hidden.
  // `dir` is "" for the root.
  virtual void on_opaque(const std::string& dir) = 0;
};

struct WalkStats {
  uint64_t entries = 0;  // tar headers read
  uint64_t skipped = 0;  // unsafe or unsupported entries left out
};

// Normalises a tar entry name to an image path: strips leading "/" and "./",
// collapses "//" and "." components and drops a trailing "/". Returns nullopt
// when a ".." component could climb out (such entries are never used); returns
// "" for the root itself.
std::optional<std::string> normalize_entry_path(std::string_view raw);

// Walks the tar stream `tar` (uncompressed), calling `visitor` for each entry.
// `what` names the layer in messages; meta.layer is set to `layer_index`.
// Stops early with an error when `cancel` becomes true. Errors: invalid_image
// (corrupt tar, more than limits.max_entries entries), and any error of `tar`
// itself (integrity, limits) or of the visitor. Does not read past the tar's
// end-of-archive marker: use drain_stream to reach the stream's checks.
Result<WalkStats> walk_layer_tar(ByteStream& tar, size_t layer_index, std::string_view what, const WalkLimits& limits,
                                 LayerVisitor& visitor, const std::atomic<bool>* cancel = nullptr);

// Reads `stream` to its end (so that verifying streams run their checks).
Result<void> drain_stream(ByteStream& stream);

}  // namespace ig::image
