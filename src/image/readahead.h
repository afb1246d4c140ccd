// Read-ahead for byte streams: runs the reads of an inner stream on a thread of
// its own, a bounded number of chunks ahead of the consumer.
//
// Layer decoding is a chain of CPU-bound stages (blob SHA-256, inflate, tar
// SHA-256, tar walk, analyzers). Run on one thread they add up; with the
// inflate side on a second thread the walk costs about as much as a bare
// `igzip -dc`, which is the physical limit the benchmarks compare against.
#pragma once

#include <cstddef>
#include <memory>

#include "image/source.h"
#include "util/digest.h"

namespace ig::image {

// Wraps `inner` so that it is read on a background thread into at most `depth`
// buffers of `chunk` bytes. Errors of `inner` reach the consumer after the
// bytes read before them, in order. Destroying the stream early stops the
// thread after its current read. `inner` must be safe to use from another
// thread (it is only ever used by one thread at a time).
//
// With `hasher`, every delivered byte is also fed to it, in order, by
// whichever thread has time: the reading thread when the consumer is behind
// (all buffers full), the consumer otherwise. A layer of many small files is
// bound by its walk, one of large files by its inflate; either way the hash
// lands on the side that waits. The hasher is complete once read() has
// returned 0; it must outlive the stream.
std::unique_ptr<ByteStream> readahead_stream(std::unique_ptr<ByteStream> inner, size_t chunk = 1u << 20,
                                             size_t depth = 4, Hasher* hasher = nullptr);

}  // namespace ig::image
