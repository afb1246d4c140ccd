// Durations typed on the command line, in the form Trivy and other Go tools
// take them ("5m", "30s", "1h30m", "1.5h", "500ms"), plus bare numbers, which
// keep meaning seconds as imagegate's flags always have.
#pragma once

#include <chrono>
#include <string_view>

#include "util/error.h"

namespace ig {

// Parses `text` given to `flag`. Units: h, m, s, ms (Go's ns and us are
// refused: no timeout that short makes sense). A positive result below one
// second is rounded up to one second. Errors: usage, naming the flag, the
// text and the accepted forms; zero, negative and over-a-year values too.
Result<std::chrono::seconds> parse_duration(std::string_view flag, std::string_view text);

}  // namespace ig
