// The orderings OSV's own tooling (osv.dev's ecosystem helpers) uses where
// they differ from the ecosystem's tool. OSV computes and evaluates ranges
// with these, so in_osv_range must too, or a range OSV publishes as
// [introduced, fixed) covers other versions here than there (docs/accuracy.md,
// "Version ordering in OSV ranges").
//
// Maven: the flat token list of the POM reference's "Version Order
// Specification" (each token keeps the separator before it, '.' or '-'; a
// digit/letter change counts as '-'), not ComparableVersion's nested lists.
// They differ when '.' and '-' mix before a qualifier: 1.0.0-RC16 <
// 1.0.0.RC8-beta for OSV, > for Maven.
//
// Packagist: PHP's version_compare over the raw string (after OSV's
// canonicalisation), not Composer's VersionParser::normalize first: special
// words match exactly and case-sensitively, and "stable" is an ordinary word.
#include <algorithm>
#include <array>
#include <span>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ---- Maven ----

struct MavenToken {
  char prefix = 0;  // 0 (first token), '.' or '-'
  std::string value;
  bool numeric = false;
  bool padding = false;  // a null item added to even the lengths
};

std::vector<MavenToken> maven_tokens(std::string_view text) {
  std::vector<MavenToken> out;
  size_t start = 0;
  char prefix = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.' && text[i] != '-') continue;
    std::string_view piece = text.substr(start, i - start);
    // Each digit/letter change inside a piece starts a token with prefix '-'.
    size_t t = 0;
    do {
      size_t e = t;
      while (e < piece.size() && (e == t || is_digit(piece[e]) == is_digit(piece[t]))) ++e;
      std::string v;
      for (char c : piece.substr(t, e - t)) v += lower(c);
      bool followed = e < piece.size();
      if (v.empty()) v = "0";
      if (v == "cr") v = "rc";
      if (v == "ga" || v == "final" || v == "release") v = "";
      if (followed && v == "a") v = "alpha";
      if (followed && v == "b") v = "beta";
      if (followed && v == "m") v = "milestone";
      MavenToken tok;
      tok.prefix = t == 0 ? prefix : '-';
      tok.numeric = all_digits(v) && !v.empty();
      tok.value = tok.numeric ? std::string(strip_zeros(v)) : v;
      out.push_back(std::move(tok));
      t = e;
    } while (t < piece.size());
    if (i < text.size()) prefix = text[i];
    start = i + 1;
  }
  // From the end, drop null tokens (0, ""); at the first other token, skip
  // back past the '-' that opened its group and go on before it.
  auto is_null = [](const MavenToken& t) { return t.value == "0" || t.value.empty(); };
  for (ptrdiff_t i = static_cast<ptrdiff_t>(out.size()) - 1; i > 0;) {
    if (is_null(out[static_cast<size_t>(i)])) {
      out.erase(out.begin() + i);
      --i;
      continue;
    }
    while (i >= 0 && out[static_cast<size_t>(i)].prefix != '-') --i;
    --i;
  }
  return out;
}

// ".qualifier" < "-qualifier" < "-number" < ".number"
int separator_rank(const MavenToken& t) {
  if (t.numeric) return t.prefix == '-' ? 2 : 3;
  return t.prefix == '-' ? 1 : 0;
}

constexpr std::array<std::string_view, 7> k_maven_keywords = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};

size_t keyword_rank(const std::string& v) {
  auto it = std::find(k_maven_keywords.begin(), k_maven_keywords.end(), v);
  return static_cast<size_t>(it - k_maven_keywords.begin());
}

int compare_maven_token(const MavenToken& a, const MavenToken& b) {
  if (a.prefix == b.prefix && a.value == b.value) return 0;
  if (a.prefix != b.prefix) return separator_rank(a) < separator_rank(b) ? -1 : 1;
  if (a.numeric && b.numeric) return compare_digits(a.value, b.value);
  // Numbers after qualifiers, except a padding zero.
  if (a.numeric && !a.padding) return 1;
  if (b.numeric && !b.padding) return -1;
  size_t ra = keyword_rank(a.value), rb = keyword_rank(b.value);
  if (ra == k_maven_keywords.size() && rb == k_maven_keywords.size()) return sign(a.value.compare(b.value));
  return ra < rb ? -1 : (ra > rb ? 1 : 0);
}

MavenToken maven_padding(const MavenToken& other) {
  MavenToken t;
  t.prefix = other.prefix == '-' ? '-' : '.';
  t.value = t.prefix == '.' ? "0" : "";
  t.numeric = t.prefix == '.';
  t.padding = true;
  return t;
}

// ---- Packagist ----

std::vector<std::string> packagist_pieces(std::string_view text) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  std::string s;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-' || c == '_' || c == '+') c = '.';
    if (!s.empty() && c != '.' && s.back() != '.' && is_digit(c) != is_digit(s.back())) s += '.';
    s += c;
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// any other word < dev < alpha = a < beta = b < RC = rc < (a number) < pl = p
int special_rank(std::string_view p) {
  if (p == "dev") return 0;
  if (p == "alpha" || p == "a") return 1;
  if (p == "beta" || p == "b") return 2;
  if (p == "RC" || p == "rc") return 3;
  if (p == "#") return 4;
  if (p == "pl" || p == "p") return 5;
  return -1;
}

bool numeric_piece(std::string_view p) { return !p.empty() && all_digits(p); }

int compare_packagist_pieces(std::span<const std::string> a, std::span<const std::string> b) {
  static const std::string k_number = "#";
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    bool da = numeric_piece(a[i]), db = numeric_piece(b[i]);
    int c = (da && db) ? compare_digits(strip_zeros(a[i]), strip_zeros(b[i]))
                       : sign(special_rank(da ? k_number : a[i]) - special_rank(db ? k_number : b[i]));
    if (c != 0) return c;
  }
  // The longer one wins if it goes on with a number; else its next word is
  // compared with a number.
  if (a.size() > n) {
    if (numeric_piece(a[n])) return 1;
    return compare_packagist_pieces(a.subspan(n), std::span<const std::string>(&k_number, 1));
  }
  if (b.size() > n) {
    if (numeric_piece(b[n])) return -1;
    return compare_packagist_pieces(std::span<const std::string>(&k_number, 1), b.subspan(n));
  }
  return 0;
}

}  // namespace

int compare_maven_osv(std::string_view a, std::string_view b) {
  auto ta = maven_tokens(a), tb = maven_tokens(b);
  for (size_t i = 0; i < ta.size() || i < tb.size(); ++i) {
    MavenToken l = i < ta.size() ? ta[i] : maven_padding(tb[i]);
    MavenToken r = i < tb.size() ? tb[i] : maven_padding(ta[i]);
    int c = compare_maven_token(l, r);
    if (c != 0) return c;
  }
  return 0;
}

int compare_packagist_osv(std::string_view a, std::string_view b) {
  auto pa = packagist_pieces(a), pb = packagist_pieces(b);
  return compare_packagist_pieces(pa, pb);
}

}  // namespace ig::version::detail
