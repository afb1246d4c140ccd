// RubyGems versions, as Gem::Version: dot-separated segments, where any
// letter makes a prerelease ("1.0.a" < "1.0"), '-' means ".pre.", and
// trailing zeros of the numeric part and of the string part are ignored.
#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Gem::Version::ANCHORED_VERSION_PATTERN, after stripping blanks:
// [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
bool valid(std::string_view s) {
  size_t i = 0;
  auto run = [&](auto pred) {
    size_t start = i;
    while (i < s.size() && pred(s[i])) ++i;
    return i > start;
  };
  if (!run(is_digit)) return false;
  auto alnum = [](char c) { return is_digit(c) || is_alpha(c); };
  while (i < s.size() && s[i] == '.') {
    ++i;
    if (!run(alnum)) return false;
  }
  if (i < s.size() && s[i] == '-') {
    auto ident = [](char c) { return is_digit(c) || is_alpha(c) || c == '-'; };
    ++i;
    if (!run(ident)) return false;
    while (i < s.size() && s[i] == '.') {
      ++i;
      if (!run(ident)) return false;
    }
  }
  return i == s.size();
}

void drop_trailing_zeros(std::vector<std::string>& v, size_t from) {
  while (v.size() > from && v.back() == "0") v.pop_back();
}

}  // namespace

ParseResult parse_gem(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (!valid(s)) {
    return fail(ErrorCode::usage, "malformed version number string (expected N(.N|.name)*[-name(.name)*])");
  }
  GemRepr r;
  for (char c : s) {
    if (c == '-') {
      r.version += ".pre.";
    } else {
      r.version += c;
    }
  }
  // segments: runs of digits (numbers) or letters; numbers lose leading zeros.
  std::vector<std::string> segs;
  for (size_t i = 0; i < r.version.size();) {
    size_t j = i;
    if (is_digit(r.version[i])) {
      while (j < r.version.size() && is_digit(r.version[j])) ++j;
      segs.emplace_back(strip_zeros(std::string_view(r.version).substr(i, j - i)));
    } else if (is_alpha(r.version[i])) {
      while (j < r.version.size() && is_alpha(r.version[j])) ++j;
      segs.emplace_back(r.version.substr(i, j - i));
    } else {
      ++j;
    }
    i = j;
  }
  size_t first_string = 0;
  while (first_string < segs.size() && all_digits(segs[first_string])) ++first_string;
  std::vector<std::string> numeric(segs.begin(), segs.begin() + static_cast<std::ptrdiff_t>(first_string));
  drop_trailing_zeros(numeric, 0);
  std::vector<std::string> strings(segs.begin() + static_cast<std::ptrdiff_t>(first_string), segs.end());
  drop_trailing_zeros(strings, 0);
  r.segments = std::move(numeric);
  r.segments.insert(r.segments.end(), strings.begin(), strings.end());
  return Repr{std::move(r)};
}

int compare_gem(const GemRepr& a, const GemRepr& b) {
  if (a.version == b.version || a.segments == b.segments) return 0;
  static const std::string zero = "0";
  for (size_t i = 0; i < a.segments.size() || i < b.segments.size(); ++i) {
    const std::string& l = i < a.segments.size() ? a.segments[i] : zero;
    const std::string& r = i < b.segments.size() ? b.segments[i] : zero;
    if (l == r) continue;
    bool ln = all_digits(l), rn = all_digits(r);
    if (!ln && rn) return -1;
    if (ln && !rn) return 1;
    return ln ? compare_digits(l, r) : sign(l.compare(r));
  }
  return 0;
}

}  // namespace ig::version::detail
