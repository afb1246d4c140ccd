// Where a command's document goes: standard output, or a file written
// atomically. Shared by sbom, scan and check so that all three fail the same
// way on a closed pipe or an unwritable file.
#pragma once

#include <string>

#include "util/error.h"

namespace ig::cli {

// Writes `doc` to standard output when `output` is "" or "-", else to the
// file `output` (atomic rename; logged at info). io error naming what failed.
Result<void> write_output(const std::string& doc, const std::string& output);

}  // namespace ig::cli
