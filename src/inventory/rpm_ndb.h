// rpm's own "ndb" database (SUSE, rpm >= 4.16 with --with-ndb):
// var/lib/rpm/Packages.db. Little-endian throughout:
//   header (32 bytes): "RpmP", version 0, generation, slot page count, next index;
//   slots (16 bytes each, after the header, filling the slot pages of 4096
//   bytes): "Slot", package index, block offset, block count (blocks of 16
//   bytes; offset 0 marks a free slot);
//   blobs at block offset: "BlbS", package index, timestamp, length, the
//   header blob, padding, then adler32 (of all before it), length, "BlbE".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::inventory {

// Returns every package's header blob, in slot order. invalid_image naming
// the fault for a file that is not an ndb database; a blob whose framing or
// checksum is wrong is skipped with a warning.
Result<std::vector<std::string>> read_ndb_blobs(std::string_view file);

}  // namespace ig::inventory
