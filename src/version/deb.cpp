// Debian versions, ordered as `dpkg --compare-versions` orders them.
//
// Parsing follows dpkg's parseversion(): its hard errors (empty parts, bad
// epoch, embedded blanks) are errors here too, while its warnings (a version
// not starting with a digit, unusual characters) are accepted, as dpkg
// itself goes on to compare such versions.
#include <climits>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// dpkg's order(): '~' sorts before everything, even the end of the string;
// letters sort before the other characters. dpkg reads `char`, which is
// signed on the platforms it targets, so bytes >= 0x80 land between letters
// and punctuation; we reproduce that.
int order(char ch) {
  int c = static_cast<signed char>(ch);
  if (is_digit(ch)) return 0;
  if (is_alpha(ch)) return c;
  if (ch == '~') return -1;
  if (c != 0) return c + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(at(a, i));
      int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (is_digit(at(a, i)) && is_digit(at(b, j))) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (is_digit(at(a, i))) return 1;
    if (is_digit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

// strtol-like epoch parse: optional sign, then digits up to the colon.
Result<int64_t> parse_epoch(std::string_view e) {
  size_t i = 0;
  bool negative = false;
  if (i < e.size() && (e[i] == '+' || e[i] == '-')) negative = e[i++] == '-';
  if (i == e.size()) {
    return fail(ErrorCode::usage, "{}", e.empty() ? "epoch in version is empty" : "epoch in version is not number");
  }
  int64_t value = 0;
  for (; i < e.size(); ++i) {
    if (!is_digit(e[i])) return fail(ErrorCode::usage, "epoch in version is not number");
    if (value <= INT_MAX) value = value * 10 + (e[i] - '0');
  }
  if (negative && value != 0) return fail(ErrorCode::usage, "epoch in version is negative");
  if (value > INT_MAX) return fail(ErrorCode::usage, "epoch in version is too big");
  return value;
}

}  // namespace

ParseResult parse_deb(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  if (s.empty()) return fail(ErrorCode::usage, "version string is empty");
  size_t end = 0;
  while (end < s.size() && !is_blank(s[end]) && s[end] != '\0') ++end;
  for (size_t k = end; k < s.size(); ++k) {
    if (!is_blank(s[k])) return fail(ErrorCode::usage, "version string has embedded spaces");
  }
  s = s.substr(0, end);
  DebRepr r;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos) {
    IG_ASSIGN(r.epoch, parse_epoch(s.substr(0, colon)));
    s.remove_prefix(colon + 1);
    if (s.empty()) return fail(ErrorCode::usage, "nothing after colon in version number");
  }
  size_t hyphen = s.rfind('-');
  if (hyphen != std::string_view::npos) {
    r.revision = std::string(s.substr(hyphen + 1));
    if (r.revision.empty()) return fail(ErrorCode::usage, "revision number is empty");
    s = s.substr(0, hyphen);
  }
  if (s.empty()) return fail(ErrorCode::usage, "upstream version is empty");
  r.upstream = std::string(s);
  return Repr{std::move(r)};
}

int compare_deb(const DebRepr& a, const DebRepr& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  int r = verrevcmp(a.upstream, b.upstream);
  if (r != 0) return r;
  return verrevcmp(a.revision, b.revision);
}

}  // namespace ig::version::detail
