// Layer decoding: turns a layer blob's compressed byte stream into its tar
// stream, chunk by chunk, never holding a whole layer in memory.
//
// The tar stream is checked on the way: its SHA-256 must equal the layer's
// diff_id, and it may not grow past the walk limits (decompression bombs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "image/analyzer.h"
#include "image/resolve.h"
#include "image/source.h"
#include "util/error.h"

namespace ig::image {

// Decodes a gzip stream (any number of concatenated members) with ISA-L.
// Read errors of `in` pass through unchanged; corrupt or truncated data is an
// invalid_image error naming `what`.
std::unique_ptr<ByteStream> gzip_decoder(std::unique_ptr<ByteStream> in, std::string what);

// Decodes a zstd stream (any number of frames).
std::unique_ptr<ByteStream> zstd_decoder(std::unique_ptr<ByteStream> in, std::string what);

// Opens the uncompressed tar stream of `layer` from `blob` (the compressed blob
// stream, usually from Source::open_blob). The returned stream:
//  - decodes according to layer.blob.media_type (gzip, zstd or plain tar); an
//    unknown media type fails here with invalid_image;
//  - hashes what it delivers and, when it reaches end of stream, fails with
//    integrity if the hash differs from layer.diff_id (not checked when
//    diff_id is empty). An uncompressed blob whose digest is the diff_id is not
//    hashed twice: `blob` must then verify layer.blob's digest itself, as
//    Source::open_blob's streams do;
//  - fails with invalid_image as soon as more than limits.max_layer_bytes come
//    out, or, past limits.ratio_grace bytes, more than limits.max_ratio times the
//    compressed bytes read so far.
// Callers must read to end of stream (read() returning 0) for the checks to run.
Result<std::unique_ptr<ByteStream>> open_layer_stream(std::unique_ptr<ByteStream> blob, const Layer& layer,
                                                      const WalkLimits& limits);

// "layer sha256:0123456789ab… (#2)": how messages name a layer.
std::string describe_layer(const Layer& layer);

}  // namespace ig::image
