// Alpine (apk-tools 2) versions:
//   number{.number}...{letter}{_suffix{number}}...{-rN}
// with pre-release suffixes _alpha _beta _pre _rc (lower than the release)
// and post-release suffixes _cvs _svn _git _hg _p. The version is cut into
// typed tokens exactly as apk-tools' version.c does, including its
// treatment of leading zeros (1.01 < 1.1: a run of zeros after a dot counts
// as a negative number), and the token streams are compared the same way.
// Versions that apk_version_validate() rejects are errors.
#include <array>
#include <cstring>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

enum Token : int8_t {
  k_invalid = -1,
  k_digit_or_zero = 0,
  k_digit = 1,
  k_letter = 2,
  k_suffix = 3,
  k_suffix_no = 4,
  k_revision_no = 5,
  k_end = 6,
};

constexpr std::array<const char*, 4> k_pre_suffixes = {"alpha", "beta", "pre", "rc"};
constexpr std::array<const char*, 5> k_post_suffixes = {"cvs", "svn", "git", "hg", "p"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// Decides the type of the next token from the separator at the cursor and
// the current type, consuming the separator.
int8_t next_type(int8_t type, std::string_view& s) {
  int8_t n = k_invalid;
  if (s.empty() || s[0] == '\0') {
    n = k_end;
  } else if ((type == k_digit || type == k_digit_or_zero) && is_lower(s[0])) {
    n = k_letter;
  } else if (type == k_letter && is_digit(s[0])) {
    n = k_digit;
  } else if (type == k_suffix && is_digit(s[0])) {
    n = k_suffix_no;
  } else {
    switch (s[0]) {
      case '.': n = k_digit_or_zero; break;
      case '_': n = k_suffix; break;
      case '-':
        if (s.size() > 1 && s[1] == 'r') {
          n = k_revision_no;
          s.remove_prefix(1);
        }
        break;
      default: break;
    }
    s.remove_prefix(1);
  }
  if (n < type) {
    bool allowed = (n == k_digit_or_zero && type == k_digit) || (n == k_suffix && type == k_suffix_no) ||
                   (n == k_digit && type == k_letter);
    if (!allowed) n = k_invalid;
  }
  return n;
}

// Matches a suffix name at the start of `s`; returns its index or -1.
template <size_t N>
int match_suffix(const std::array<const char*, N>& names, std::string_view s, size_t& len) {
  for (size_t v = 0; v < N; ++v) {
    len = std::strlen(names[v]);
    if (len <= s.size() && s.substr(0, len) == names[v]) return static_cast<int>(v);
  }
  return -1;
}

// Reads the token of type `type` at the start of `s`; updates `type` to the
// type of the following token. Values wrap like apk's 32-bit int.
int32_t get_token(int8_t& type, std::string_view& s) {
  if (s.empty()) {
    type = k_end;
    return 0;
  }
  uint32_t v = 0;
  size_t i = 0;
  int8_t nt = k_invalid;
  bool digits = false;
  switch (type) {
    case k_digit_or_zero:
      if (s[0] == '0') {
        while (i < s.size() && s[i] == '0') ++i;
        nt = k_digit;
        v = static_cast<uint32_t>(-static_cast<int64_t>(i));
        break;
      }
      digits = true;
      break;
    case k_digit:
    case k_suffix_no:
    case k_revision_no: digits = true; break;
    case k_letter: v = static_cast<unsigned char>(s[i++]); break;
    case k_suffix: {
      size_t len = 0;
      int pre = match_suffix(k_pre_suffixes, s, len);
      if (pre >= 0) {
        nt = k_suffix_no;
        v = static_cast<uint32_t>(pre - static_cast<int>(k_pre_suffixes.size()));
        i = len;
        break;
      }
      int post = match_suffix(k_post_suffixes, s, len);
      if (post >= 0) {
        nt = k_suffix_no;
        v = static_cast<uint32_t>(post);
        i = len;
        break;
      }
      type = k_invalid;
      return -1;
    }
    default: type = k_invalid; return -1;
  }
  if (digits) {
    while (i < s.size() && is_digit(s[i])) v = v * 10 + static_cast<uint32_t>(s[i++] - '0');
  }
  s.remove_prefix(i);
  if (s.empty()) {
    type = k_end;
  } else if (nt != k_invalid) {
    type = nt;
  } else {
    type = next_type(type, s);
  }
  return static_cast<int32_t>(v);
}

}  // namespace

ParseResult parse_apk(std::string_view s) {
  ApkRepr r;
  int8_t type = k_digit;
  while (type != k_end && type != k_invalid) {
    int32_t v = get_token(type, s);
    r.tokens.emplace_back(v, type);
  }
  if (type == k_invalid) {
    return fail(ErrorCode::usage,
                "apk-tools rejects it (expected number{{.number}}[letter][_suffix[N]]...[-rN] with suffixes "
                "alpha, beta, pre, rc, cvs, svn, git, hg, p)");
  }
  return Repr{std::move(r)};
}

// apk_version_compare(): walk both token streams while the token types and
// values agree, then decide from the first difference.
int compare_apk(const ApkRepr& a, const ApkRepr& b) {
  int8_t at = k_digit, bt = k_digit;
  int32_t av = 0, bv = 0;
  size_t i = 0;
  while (at == bt && at != k_end && at != k_invalid && av == bv) {
    av = a.tokens[i].first;
    at = a.tokens[i].second;
    bv = b.tokens[i].first;
    bt = b.tokens[i].second;
    ++i;
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (at == bt) return 0;
  // The side that goes on is newer, unless what follows is a pre-release suffix.
  if (at == k_suffix && i < a.tokens.size() && a.tokens[i].first < 0) return -1;
  if (bt == k_suffix && i < b.tokens.size() && b.tokens[i].first < 0) return 1;
  if (at > bt) return -1;
  if (bt > at) return 1;
  return 0;
}

}  // namespace ig::version::detail
