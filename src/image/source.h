// Where image bytes come from. One interface, several back ends: a registry, an
// OCI layout directory, an OCI or docker-save archive. (A root filesystem,
// dir:PATH, has no blobs and is handled by the walker directly.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "image/types.h"
#include "util/error.h"

namespace ig::image {

// A pull-based byte stream. read() returns the number of bytes read, 0 at end of
// stream, or an error. Streams returned by Source::open_blob verify the digest
// and size of what they deliver: the last read() before end of stream fails with
// an integrity error when the content does not match the descriptor.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual Result<size_t> read(std::span<std::byte> buf) = 0;
  // Reads without a copy where the stream has buffers of its own: the next
  // bytes (at most `max`, at least one unless at end of stream), valid until
  // the next call on this stream. The default reads into `scratch`.
  virtual Result<std::span<const std::byte>> read_view(size_t max, std::vector<std::byte>& scratch);
};

// Wraps `inner` so that it hashes and counts what passes through, refuses to
// read past `expected.size` bytes, and fails at end of stream on a digest or
// size mismatch (integrity error naming `what`).
std::unique_ptr<ByteStream> verifying_stream(std::unique_ptr<ByteStream> inner, const Descriptor& expected,
                                             std::string what);

// A stream over [offset, offset+length) of a file, read with pread so that many
// streams can share one file descriptor across threads.
std::unique_ptr<ByteStream> file_region_stream(std::shared_ptr<const int> fd, uint64_t offset, uint64_t length);
Result<std::unique_ptr<ByteStream>> open_file_stream(const std::string& path);
// Opens `path` read-only as a descriptor that closes when the last owner drops
// it (for file_region_stream). not_found when the file does not exist.
Result<std::shared_ptr<const int>> open_shared_fd(const std::string& path);

struct RawManifest {
  std::string bytes;         // exact bytes, as hashed
  std::string digest;        // "sha256:…" of bytes
  std::string media_type;    // from the descriptor or Content-Type, may be empty
};

class Source {
 public:
  virtual ~Source() = default;

  // Fetches the manifest or index the user named (by tag or digest, or the
  // source's only/default entry). Returns not_found when it does not exist.
  // When the user gave a digest the bytes are verified against it.
  virtual Result<RawManifest> fetch_root() = 0;

  // Fetches a child manifest named by an index entry, verified against the
  // descriptor's digest and bounded by its size.
  virtual Result<RawManifest> fetch_manifest(const Descriptor& d) = 0;

  // Opens a blob (config or layer) as a verifying stream. not_found when absent.
  virtual Result<std::unique_ptr<ByteStream>> open_blob(const Descriptor& d) = 0;

  // Reads a small blob (config) entirely, verified; refuses blobs over max_size.
  Result<std::string> read_blob(const Descriptor& d, uint64_t max_size = 16ull << 20);

  // A human-readable name of where this source reads from, for messages.
  virtual std::string describe() const = 0;
};

}  // namespace ig::image
