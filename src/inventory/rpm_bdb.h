// The Berkeley DB hash file that rpm up to 4.15 (and RHEL/CentOS 7 and 8
// images) keep as var/lib/rpm/Packages. We read the on-disk format directly,
// read-only: a metadata page (magic 0x061561, page size, last page number;
// either byte order), hash pages whose index holds key/data item pairs, and
// overflow pages chained by next_pgno for items that do not fit in a page.
// Keys are 4-byte header numbers (0 holds bookkeeping); values are rpm header
// blobs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::inventory {

// Returns every header blob, in page order. invalid_image naming the fault
// for a file that is not a Berkeley DB hash database or whose pages point
// outside the file; a single damaged item is skipped, not fatal.
Result<std::vector<std::string>> read_bdb_hash_values(std::string_view file);

}  // namespace ig::inventory
