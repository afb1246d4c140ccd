#include "scan/db_age.h"

#include <fmt/format.h>

#include <charconv>

namespace ig::scan {

namespace {

constexpr int64_t k_max_seconds = int64_t{100} * 366 * 24 * 3600;

int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 24 * 3600;
    case 'w': return 7 * 24 * 3600;
    default: return 0;
  }
}

}  // namespace

Result<int64_t> parse_max_age(std::string_view flag, std::string_view text) {
  auto bad = [&] {
    return fail(ErrorCode::usage, "{} '{}' is not a duration: use a whole number and a unit, e.g. 36h, 3d or 2w "
                "(units: s, m, h, d, w)", flag, text);
  };
  if (text.size() < 2) return bad();
  int64_t unit = unit_seconds(text.back());
  if (unit == 0) return bad();
  std::string_view digits = text.substr(0, text.size() - 1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0) return bad();
  if (n > k_max_seconds / unit) {
    return fail(ErrorCode::usage, "{} '{}' is longer than 100 years; use --skip-db-age-check to turn the check off",
                flag, text);
  }
  return n * unit;
}

std::string format_age(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;
  if (d > 0) return h > 0 ? fmt::format("{}d {}h", d, h) : fmt::format("{}d", d);
  if (h > 0) return m > 0 ? fmt::format("{}h {}m", h, m) : fmt::format("{}h", h);
  if (m > 0) return fmt::format("{}m", m);
  return fmt::format("{}s", seconds);
}

std::optional<std::string> db_age_warning(const vulndb::DatabaseStatus& status, int64_t max_age_seconds) {
  if (status.age_seconds < 0) {
    return fmt::format("the vulnerability database {} records no build or import time, so its age is unknown: "
                       "rebuild it with `imagegate db import` or fetch a fresh one with `imagegate db pull` "
                       "(--skip-db-age-check silences this)",
                       status.path);
  }
  if (status.age_seconds <= max_age_seconds) return std::nullopt;
  const bool built = !status.built_at.empty();
  return fmt::format("the vulnerability database {} was {} {} ago ({}), more than --db-max-age {}: recent "
                     "vulnerabilities may be missing; update it with `imagegate db import` or `imagegate db pull` "
                     "(--skip-db-age-check silences this)",
                     status.path, built ? "built" : "last updated", format_age(status.age_seconds),
                     built ? status.built_at : status.updated_at, format_age(max_age_seconds));
}

}  // namespace ig::scan
