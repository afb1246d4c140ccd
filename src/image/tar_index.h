// An index of the members of a plain (uncompressed) tar archive: name → where
// the member's bytes lie in the archive. Lets oci-archive and docker-archive
// sources stream blobs straight out of the archive with pread, without
// extracting or copying it.
//
// Reads ustar headers, pax extended headers ('path', 'linkpath', 'size'
// records) and GNU long names ('L', 'K'). Headers are untrusted: every number
// is range-checked and every member must lie inside the archive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::image {

struct TarMember {
  char type = '0';        // '0' regular, '1' hard link, '2' symlink, '5' directory, ...
  uint64_t offset = 0;    // of the data, from the start of the archive
  uint64_t size = 0;      // of the data
  std::string link;       // link target for '1' and '2'
};

class TarIndex {
 public:
  // Fills `out` entirely with the archive's bytes at `offset`, or fails.
  using ReadAt = std::function<Result<void>(uint64_t offset, std::span<std::byte> out)>;

  // Reads every header of an archive of `archive_size` bytes. `what` names the
  // archive in messages. Fails with invalid_image on a malformed or truncated
  // archive, and says so plainly when it is gzip/zstd-compressed.
  static Result<TarIndex> build(const ReadAt& read_at, uint64_t archive_size, std::string_view what);

  // The regular file at `name` ("blobs/sha256/…", leading "./" ignored), after
  // following symbolic and hard links inside the archive (bounded depth).
  // nullptr when absent, when it is not a regular file, or when a link leaves
  // the archive's root.
  const TarMember* find_file(std::string_view name) const;

  // Member names in archive order of first appearance (normalised).
  const std::vector<std::string>& names() const { return order_; }
  size_t size() const { return members_.size(); }

  // Normalises a member path: strips "./" and "/" prefixes, collapses "." and
  // repeated '/', resolves ".."; returns "" when the path leaves the root.
  static std::string normalize(std::string_view path);

 private:
  std::map<std::string, TarMember, std::less<>> members_;
  std::vector<std::string> order_;
};

}  // namespace ig::image
