// PEP 440 versions, parsed and ordered as Python's packaging.version.Version:
//   [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
// with the alternate spellings (alpha, beta, c, pre, preview, rev, r, -N
// for post, implicit numbers, '-', '_' or '.' separators) normalised.
//
// Any other string (0.1-bulbasaur, still found in installed metadata and in
// advisories) is a legacy version, ordered as packaging's LegacyVersion did
// (packaging < 22, pip's fallback and OSV's PyPI sort key): before every
// PEP 440 version, and among legacy versions by setuptools' old key.
//
// packaging matches a regular expression whose optional separators can
// backtrack, so the matcher below is a small backtracking one: each piece
// tries its alternatives in the regex's order and hands the rest of the
// string to a continuation.
#include <algorithm>
#include <functional>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_sep(char c) { return c == '-' || c == '_' || c == '.'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

struct State {
  Pep440Repr r;
};
using Next = std::function<bool(size_t, State)>;

class Matcher {
 public:
  explicit Matcher(std::string_view s) : s_(s) {}

  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  size_t digits_end(size_t i) const {
    while (is_digit(at(i))) ++i;
    return i;
  }

  // [-_.]? then k.
  bool opt_sep(size_t i, const State& st, const Next& k) const {
    if (is_sep(at(i)) && k(i + 1, st)) return true;
    return k(i, st);
  }

  bool pre(size_t i, const State& st, const Next& k) const {
    static const std::pair<std::string_view, int> words[] = {{"alpha", 1}, {"a", 1},   {"beta", 2}, {"b", 2},
                                                             {"preview", 3}, {"pre", 3}, {"c", 3},    {"rc", 3}};
    bool ok = opt_sep(i, st, [&](size_t p, State s1) {
      for (const auto& [w, kind] : words) {
        if (s_.substr(p).starts_with(w)) {
          State s2 = s1;
          s2.r.pre_kind = kind;
          if (opt_sep(p + w.size(), s2, [&](size_t q, State s3) {
                size_t e = digits_end(q);
                if (e > q) {
                  State s4 = s3;
                  s4.r.pre_num = std::string(s_.substr(q, e - q));
                  if (k(e, s4)) return true;
                }
                s3.r.pre_num = "0";
                return k(q, s3);
              })) {
            return true;
          }
        }
      }
      return false;
    });
    return ok || k(i, st);
  }

  bool post(size_t i, const State& st, const Next& k) const {
    if (at(i) == '-' && is_digit(at(i + 1))) {
      size_t e = digits_end(i + 1);
      State s1 = st;
      s1.r.has_post = true;
      s1.r.post_num = std::string(s_.substr(i + 1, e - i - 1));
      if (k(e, s1)) return true;
    }
    static const std::string_view words[] = {"post", "rev", "r"};
    bool ok = opt_sep(i, st, [&](size_t p, State s1) {
      for (auto w : words) {
        if (!s_.substr(p).starts_with(w)) continue;
        if (opt_sep(p + w.size(), s1, [&](size_t q, State s3) {
              s3.r.has_post = true;
              size_t e = digits_end(q);
              if (e > q) {
                State s4 = s3;
                s4.r.post_num = std::string(s_.substr(q, e - q));
                if (k(e, s4)) return true;
              }
              s3.r.post_num = "0";
              return k(q, s3);
            })) {
          return true;
        }
      }
      return false;
    });
    return ok || k(i, st);
  }

  bool dev(size_t i, const State& st, const Next& k) const {
    bool ok = opt_sep(i, st, [&](size_t p, State s1) {
      if (!s_.substr(p).starts_with("dev")) return false;
      return opt_sep(p + 3, s1, [&](size_t q, State s3) {
        s3.r.has_dev = true;
        size_t e = digits_end(q);
        if (e > q) {
          State s4 = s3;
          s4.r.dev_num = std::string(s_.substr(q, e - q));
          if (k(e, s4)) return true;
        }
        s3.r.dev_num = "0";
        return k(q, s3);
      });
    });
    return ok || k(i, st);
  }

  // (+[a-z0-9]+([-_.][a-z0-9]+)*)? then the end of the string.
  bool local_and_end(size_t i, State st, State* out) const {
    if (i < s_.size()) {
      if (at(i) != '+') return false;
      std::string part;
      for (size_t k = i + 1; k <= s_.size(); ++k) {
        char c = at(k);
        if (is_alnum(c)) {
          part += c;
        } else if (k == s_.size() || is_sep(c)) {
          if (part.empty()) return false;
          st.r.local.push_back(all_digits(part) ? std::string(strip_zeros(part)) : part);
          part.clear();
        } else {
          return false;
        }
      }
      st.r.has_local = true;
    }
    *out = std::move(st);
    return true;
  }

 private:
  std::string_view s_;
};

int compare_local_part(const std::string& a, const std::string& b) {
  bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) return compare_digits(a, b);
  if (an != bn) return an ? 1 : -1;
  return sign(a.compare(b));
}

// packaging's _cmpkey: pre-release slot is -inf for a bare dev release and
// +inf for a final release; post -inf when absent; dev +inf when absent.
int pre_rank(const Pep440Repr& v) {
  if (v.pre_kind == 0 && !v.has_post && v.has_dev) return -1;
  if (v.pre_kind == 0) return 4;
  return v.pre_kind;
}

// setuptools' pre-PEP 440 key, as packaging's _legacy_cmpkey builds it:
// numbers padded to 8 digits, words prefixed with '*' (some renamed), a
// closing "*final", "-" before a prerelease word and trailing zeros dropped.
std::vector<std::string> legacy_key(std::string_view text) {
  std::vector<std::string> raw;
  auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    size_t e = i + 1;
    if (is_digit(c)) {
      while (e < text.size() && is_digit(text[e])) ++e;
    } else if (is_lower(c)) {
      while (e < text.size() && is_lower(text[e])) ++e;
    } else if (c != '.' && c != '-') {
      while (e < text.size() && !is_digit(text[e]) && !is_lower(text[e]) && text[e] != '.' && text[e] != '-') ++e;
    }
    std::string part(text.substr(i, e - i));
    i = e;
    if (part == "pre" || part == "preview" || part == "rc") part = "c";
    if (part == "-") part = "final-";
    if (part == "dev") part = "@";
    if (part == ".") continue;
    if (is_digit(part[0])) {
      if (part.size() < 8) part.insert(0, 8 - part.size(), '0');
      raw.push_back(std::move(part));
    } else {
      raw.push_back("*" + part);
    }
  }
  raw.push_back("*final");
  std::vector<std::string> key;
  for (auto& part : raw) {
    if (part[0] == '*') {
      if (part < "*final") {
        while (!key.empty() && key.back() == "*final-") key.pop_back();
      }
      while (!key.empty() && key.back() == "00000000") key.pop_back();
    }
    key.push_back(std::move(part));
  }
  return key;
}

ParseResult parse_pep440_valid(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  std::string lower(text);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  std::string_view s = lower;
  Matcher m(s);
  State st;
  size_t i = 0;
  if (m.at(i) == 'v') ++i;
  size_t e = m.digits_end(i);
  st.r.epoch = "0";
  if (e > i && m.at(e) == '!') {
    st.r.epoch = std::string(strip_zeros(s.substr(i, e - i)));
    i = e + 1;
  }
  if (!is_digit(m.at(i))) {
    return fail(ErrorCode::usage, "not a PEP 440 version (it must start with a release number like 1.2)");
  }
  while (true) {
    e = m.digits_end(i);
    st.r.release.emplace_back(strip_zeros(s.substr(i, e - i)));
    i = e;
    if (m.at(i) != '.' || !is_digit(m.at(i + 1))) break;
    ++i;
  }
  // Trailing zeros do not count: 1.0 == 1.
  while (!st.r.release.empty() && st.r.release.back() == "0") st.r.release.pop_back();
  State result;
  bool ok = m.pre(i, st, [&](size_t p1, State s1) {
    return m.post(p1, s1, [&](size_t p2, State s2) {
      return m.dev(p2, s2, [&](size_t p3, State s3) { return m.local_and_end(p3, std::move(s3), &result); });
    });
  });
  if (!ok) {
    return fail(ErrorCode::usage,
                "not a PEP 440 version (expected [N!]N(.N)*[{{a|b|rc}}N][.postN][.devN][+local])");
  }
  for (std::string* n : {&result.r.pre_num, &result.r.post_num, &result.r.dev_num}) {
    if (!n->empty()) *n = std::string(strip_zeros(*n));
  }
  return Repr{std::move(result.r)};
}

}  // namespace

ParseResult parse_pep440(std::string_view text) {
  auto valid = parse_pep440_valid(text);
  if (valid) return valid;
  std::string lower(text);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  Pep440Repr r;
  r.legacy = legacy_key(lower);
  r.is_legacy = true;
  return Repr{std::move(r)};
}

int compare_pep440(const Pep440Repr& a, const Pep440Repr& b) {
  if (a.is_legacy || b.is_legacy) {
    if (a.is_legacy != b.is_legacy) return a.is_legacy ? -1 : 1;
    return std::lexicographical_compare(a.legacy.begin(), a.legacy.end(), b.legacy.begin(), b.legacy.end()) ? -1
           : std::lexicographical_compare(b.legacy.begin(), b.legacy.end(), a.legacy.begin(), a.legacy.end()) ? 1
                                                                                                               : 0;
  }
  int c = compare_digits(a.epoch, b.epoch);
  if (c != 0) return c;
  for (size_t i = 0; i < a.release.size() || i < b.release.size(); ++i) {
    if (i >= a.release.size()) return -1;
    if (i >= b.release.size()) return 1;
    c = compare_digits(a.release[i], b.release[i]);
    if (c != 0) return c;
  }
  int pa = pre_rank(a), pb = pre_rank(b);
  if (pa != pb) return pa < pb ? -1 : 1;
  if (a.pre_kind != 0 && (c = compare_digits(a.pre_num, b.pre_num)) != 0) return c;
  if (a.has_post != b.has_post) return a.has_post ? 1 : -1;
  if (a.has_post && (c = compare_digits(a.post_num, b.post_num)) != 0) return c;
  if (a.has_dev != b.has_dev) return a.has_dev ? -1 : 1;
  if (a.has_dev && (c = compare_digits(a.dev_num, b.dev_num)) != 0) return c;
  if (a.has_local != b.has_local) return a.has_local ? 1 : -1;
  for (size_t i = 0; i < a.local.size() || i < b.local.size(); ++i) {
    if (i >= a.local.size()) return -1;
    if (i >= b.local.size()) return 1;
    c = compare_local_part(a.local[i], b.local[i]);
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace ig::version::detail
