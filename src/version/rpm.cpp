// RPM versions: [epoch:]version[-release], ordered as rpm's rpmverCmp() (the
// lua rpm.vercmp): epochs, then versions with rpmvercmp(), then releases,
// where a version with a release (even "1.0-") is newer than one without.
#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// rpmvercmp(): alternating alphabetic and numeric segments; numbers beat
// letters; '~' sorts before everything (even the end), '^' after the end
// but before anything else.
int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !is_alnum(a[i]) && a[i] != '~' && a[i] != '^') ++i;
    while (j < b.size() && !is_alnum(b[j]) && b[j] != '~' && b[j] != '^') ++j;
    char ca = at(a, i), cb = at(b, j);
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i, ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (ca == '\0') return -1;
      if (cb == '\0') return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i, ++j;
      continue;
    }
    if (ca == '\0' || cb == '\0') break;
    size_t ei = i, ej = j;
    bool numeric = is_digit(ca);
    auto in_segment = [numeric](char c) { return numeric ? is_digit(c) : is_alpha(c); };
    while (ei < a.size() && in_segment(a[ei])) ++ei;
    while (ej < b.size() && in_segment(b[ej])) ++ej;
    if (ej == j) return numeric ? 1 : -1;  // segments of different kinds
    std::string_view sa = a.substr(i, ei - i), sb = b.substr(j, ej - j);
    int rc = numeric ? compare_digits(sa, sb) : sign(sa.compare(sb));
    if (rc != 0) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i >= a.size() ? -1 : 1;
}

}  // namespace

ParseResult parse_rpm(std::string_view s) {
  RpmRepr r;
  size_t k = 0;
  while (k < s.size() && is_digit(s[k])) ++k;
  size_t hyphen = s.rfind('-');
  if (hyphen != std::string_view::npos && hyphen < k) hyphen = std::string_view::npos;
  if (k < s.size() && s[k] == ':') {
    r.epoch = std::string(s.substr(0, k));
    if (r.epoch.empty()) r.epoch = "0";
    s.remove_prefix(k + 1);
    if (hyphen != std::string_view::npos) hyphen -= k + 1;
  }
  if (hyphen != std::string_view::npos) {
    r.release = std::string(s.substr(hyphen + 1));
    r.has_release = true;
    s = s.substr(0, hyphen);
  }
  r.version = std::string(s);
  return Repr{std::move(r)};
}

int compare_rpm(const RpmRepr& a, const RpmRepr& b) {
  int rc = rpmvercmp(a.epoch.empty() ? "0" : a.epoch, b.epoch.empty() ? "0" : b.epoch);
  if (rc != 0) return rc;
  rc = rpmvercmp(a.version, b.version);
  if (rc != 0) return rc;
  // As rpm.vercmp: a release, even an empty one, beats no release.
  if (a.has_release != b.has_release) return a.has_release ? 1 : -1;
  return a.has_release ? rpmvercmp(a.release, b.release) : 0;
}

}  // namespace ig::version::detail
