// SemVer 2.0.0 and its relatives: plain SemVer (crates.io and OSV SEMVER
// ranges), npm (node-semver's strict parser and its comparison quirks) and
// Go modules (golang.org/x/mod/semver, plus Go toolchain names go1.22.1).
#include <cstdlib>
#include <string>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// A numeric identifier: "0" or digits without a leading zero.
bool is_numeric_id(std::string_view s) { return all_digits(s) && (s.size() == 1 || s[0] != '0'); }

// Reads a numeric identifier at the start of `s`; returns false if absent.
bool read_number(std::string_view& s, std::string& out) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0 || (n > 1 && s[0] == '0')) return false;
  out = std::string(s.substr(0, n));
  s.remove_prefix(n);
  return true;
}

// Splits dot-separated identifiers; each must be non-empty and made of
// [0-9A-Za-z-]; prerelease ones that are all digits must not have a leading zero.
bool split_ids(std::string_view s, bool prerelease, std::vector<std::string>* out) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident_char(c)) return false;
    }
    if (prerelease && all_digits(id) && !is_numeric_id(id)) return false;
    if (out) out->emplace_back(id);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Parses [-prerelease][+build] at the start of `s`, which must consume it.
Result<void> parse_tail(std::string_view s, SemverRepr& r) {
  size_t plus = s.find('+');
  std::string_view pre = s.substr(0, plus);
  if (!pre.empty()) {
    if (pre[0] != '-') return fail(ErrorCode::usage, "unexpected \"{}\" after the version numbers", pre);
    if (!split_ids(pre.substr(1), true, &r.pre)) {
      return fail(ErrorCode::usage, "bad prerelease \"{}\" (dot-separated [0-9A-Za-z-] identifiers, numbers "
                                    "without leading zeros)", pre.substr(1));
    }
  }
  if (plus != std::string_view::npos && !split_ids(s.substr(plus + 1), false, nullptr)) {
    return fail(ErrorCode::usage, "bad build metadata \"{}\"", s.substr(plus + 1));
  }
  return {};
}

// MAJOR.MINOR.PATCH[-pre][+build], with an optional leading 'v'.
Result<SemverRepr> parse_strict(std::string_view s) {
  SemverRepr r;
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  std::string* parts[3] = {&r.major, &r.minor, &r.patch};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != '.') return fail(ErrorCode::usage, "expected MAJOR.MINOR.PATCH");
      s.remove_prefix(1);
    }
    if (!read_number(s, *parts[k])) {
      return fail(ErrorCode::usage, "expected MAJOR.MINOR.PATCH numbers without leading zeros");
    }
  }
  IG_TRY(parse_tail(s, r));
  return r;
}

int compare_ids(const std::string& a, const std::string& b, bool node, bool* stop) {
  bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) {
    if (node) {
      // node-semver compares numeric identifiers as JavaScript numbers
      // (doubles) and stops at the first pair that differs as strings.
      double da = std::strtod(a.c_str(), nullptr), db = std::strtod(b.c_str(), nullptr);
      *stop = true;
      return da == db ? 0 : (da < db ? -1 : 1);
    }
    return compare_digits(a, b);
  }
  if (an) return -1;
  if (bn) return 1;
  return sign(a.compare(b));
}

}  // namespace

ParseResult parse_semver(std::string_view s) {
  IG_ASSIGN(auto r, parse_strict(s));
  return Repr{std::move(r)};
}

ParseResult parse_npm(std::string_view s) {
  if (s.size() > 256) return fail(ErrorCode::usage, "node-semver refuses versions longer than 256 characters");
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  IG_ASSIGN(auto r, parse_strict(s));
  for (const std::string* n : {&r.major, &r.minor, &r.patch}) {
    if (compare_digits(*n, std::to_string(k_node_max_safe_integer)) > 0) {
      return fail(ErrorCode::usage, "the number {} is larger than node-semver allows (2^53-1)", *n);
    }
  }
  r.node = true;
  return Repr{std::move(r)};
}

// Go toolchain names: go1, go1.21, go1.21.3, go1.21rc2, go1.22beta1.
static Result<SemverRepr> parse_go_toolchain(std::string_view s) {
  SemverRepr r;
  s.remove_prefix(2);
  std::string* parts[3] = {&r.major, &r.minor, &r.patch};
  int k = 0;
  for (; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != '.') break;
      s.remove_prefix(1);
    }
    if (!read_number(s, *parts[k])) return fail(ErrorCode::usage, "expected a Go release like go1.22.1 or go1.21rc2");
  }
  if (r.minor.empty()) r.minor = "0";
  if (r.patch.empty()) r.patch = "0";
  if (!s.empty()) {
    std::string_view kind = s.starts_with("rc") ? "rc" : s.starts_with("beta") ? "beta" : "";
    std::string_view num = s.substr(kind.size());
    if (k == 3 || kind.empty() || !is_numeric_id(num)) {
      return fail(ErrorCode::usage, "expected a Go release like go1.22.1, go1.21rc2 or go1.22beta1");
    }
    r.pre = {std::string(kind), std::string(num)};
  }
  return r;
}

ParseResult parse_golang(std::string_view s) {
  if (s.starts_with("go")) {
    IG_ASSIGN(auto r, parse_go_toolchain(s));
    return Repr{std::move(r)};
  }
  // x/mod/semver: vMAJOR[.MINOR[.PATCH[-pre][+build]]]; OSV's Go entries drop the 'v'.
  SemverRepr r;
  if (s[0] == 'v') s.remove_prefix(1);
  std::string* parts[3] = {&r.major, &r.minor, &r.patch};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty()) {
        *parts[k] = "0";
        continue;
      }
      if (s[0] != '.') return fail(ErrorCode::usage, "expected vMAJOR.MINOR.PATCH");
      s.remove_prefix(1);
    }
    if (!read_number(s, *parts[k])) {
      return fail(ErrorCode::usage, "expected vMAJOR.MINOR.PATCH numbers without leading zeros");
    }
  }
  IG_TRY(parse_tail(s, r));
  return Repr{std::move(r)};
}

int compare_semver(const SemverRepr& a, const SemverRepr& b) {
  int c = compare_digits(a.major, b.major);
  if (c == 0) c = compare_digits(a.minor, b.minor);
  if (c == 0) c = compare_digits(a.patch, b.patch);
  if (c != 0) return c;
  if (a.pre.empty() || b.pre.empty()) return a.pre.empty() == b.pre.empty() ? 0 : (a.pre.empty() ? 1 : -1);
  bool node = a.node && b.node;
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    if (a.pre[i] == b.pre[i]) continue;
    bool stop = false;
    c = compare_ids(a.pre[i], b.pre[i], node, &stop);
    if (c != 0 || stop) return c;
  }
  if (a.pre.size() == b.pre.size()) return 0;
  return a.pre.size() < b.pre.size() ? -1 : 1;
}

}  // namespace ig::version::detail
