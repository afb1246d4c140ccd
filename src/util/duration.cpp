#include "util/duration.h"

#include <cctype>
#include <cmath>

namespace ig {

namespace {

constexpr double k_max_seconds = 366.0 * 24 * 3600;

// Seconds per unit at the front of `s`, consuming it; 0 when none matches.
double take_unit(std::string_view& s) {
  if (s.substr(0, 2) == "ms") {
    s.remove_prefix(2);
    return 0.001;
  }
  if (s.empty()) return 0;
  double unit = s[0] == 'h' ? 3600 : s[0] == 'm' ? 60 : s[0] == 's' ? 1 : 0;
  if (unit != 0) s.remove_prefix(1);
  return unit;
}

// The number at the front of `s` ("12", "1.5", ".5"), consuming it; -1 when none.
double take_number(std::string_view& s) {
  size_t i = 0;
  double whole = 0, scale = 1, frac = 0;
  bool digits = false;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0 && i < 12; ++i, digits = true) {
    whole = whole * 10 + (s[i] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0; ++i, digits = true) {
      scale /= 10;
      frac += (s[i] - '0') * scale;
    }
  }
  if (!digits) return -1;
  s.remove_prefix(i);
  return whole + frac;
}

}  // namespace

Result<std::chrono::seconds> parse_duration(std::string_view flag, std::string_view text) {
  auto bad = [&] {
    return fail(ErrorCode::usage,
                "{} '{}' is not a duration: give seconds (300) or a number and a unit, e.g. 30s, 5m, 1h or 1h30m "
                "(units: h, m, s, ms)",
                flag, text);
  };
  std::string_view s = text;
  double total = 0;
  bool bare = true;
  while (!s.empty()) {
    double n = take_number(s);
    if (n < 0) return bad();
    double unit = take_unit(s);
    if (unit == 0) {
      // Only a lone number may go without a unit: "1h30" is a typo, not 1h30s.
      if (!s.empty() || !bare || total != 0) return bad();
      unit = 1;
    } else {
      bare = false;
    }
    total += n * unit;
    if (total > k_max_seconds) {
      return fail(ErrorCode::usage, "{} '{}' is longer than a year; give a shorter duration", flag, text);
    }
  }
  if (text.empty() || total <= 0) {
    return fail(ErrorCode::usage, "{} '{}' must be a positive duration, e.g. 30s or 5m", flag, text);
  }
  return std::chrono::seconds(static_cast<int64_t>(std::ceil(total)));
}

}  // namespace ig
