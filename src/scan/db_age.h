// The database age check of `imagegate scan`: advisories change daily, so a
// scan against an old database quietly misses new vulnerabilities. The scan
// warns when the database is older than --db-max-age.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"
#include "vulndb/database.h"

namespace ig::scan {

// --db-max-age's default: a week, as the database is rebuilt daily.
inline constexpr int64_t k_default_db_max_age_seconds = 7 * 24 * 3600;

// A duration "<n><unit>" with unit s, m, h, d or w ("36h", "3d", "2w"); n is
// a whole number > 0 and the total at most 100 years. usage error naming the
// flag and the accepted forms otherwise.
Result<int64_t> parse_max_age(std::string_view flag, std::string_view text);

// "3d 4h", "36m", "12s": a human reading of an age in seconds (>= 0).
std::string format_age(int64_t seconds);

// The warning to print when `status` is older than `max_age_seconds` (or has
// no time at all); nullopt when the database is fresh enough.
std::optional<std::string> db_age_warning(const vulndb::DatabaseStatus& status, int64_t max_age_seconds);

}  // namespace ig::scan
