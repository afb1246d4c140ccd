// Composer (Packagist) versions: normalised as Composer's
// VersionParser::normalize() (v prefix dropped, padded to four numbers,
// stability suffixes spelled out: 1.0b2 -> 1.0.0.0-beta2, 1.0-p1 ->
// 1.0.0.0-patch1, 1.x-dev -> 1.9999999.9999999.9999999-dev) and then ordered
// by PHP's version_compare(): dev < alpha = a < beta = b < RC = rc < number
// < patch = pl = p. Branch names (dev-main) have no order and are refused.
#include <climits>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

size_t digits_end(std::string_view s, size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

// The modifier: [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?
// matched against the rest of the string (case-insensitive). Appends the
// normalised suffix to `out`; false if the rest is not a modifier.
bool apply_modifier(std::string_view rest, std::string& out) {
  std::string s = lower(rest);
  std::string_view v = s;
  static const std::pair<std::string_view, std::string_view> k_stabilities[] = {
      {"stable", "stable"}, {"beta", "beta"}, {"b", "beta"},   {"rc", "RC"},   {"alpha", "alpha"},
      {"a", "alpha"},       {"patch", "patch"}, {"pl", "patch"}, {"p", "patch"}};
  // Try with and without the leading separator, as the regex backtracks.
  for (int with_sep = 1; with_sep >= 0; --with_sep) {
    std::string_view r = v;
    if (with_sep) {
      if (r.empty() || (r[0] != '.' && r[0] != '_' && r[0] != '-')) continue;
      r.remove_prefix(1);
    }
    std::string suffix;
    bool bare = false;
    for (const auto& [word, name] : k_stabilities) {
      if (!r.starts_with(word)) continue;
      size_t word_at = v.size() - r.size();
      std::string_view after = r.substr(word.size());
      std::string nums;
      while (!after.empty()) {  // ((?:[.-]?\d+)*+)
        size_t k = (after[0] == '.' || after[0] == '-') ? 1 : 0;
        size_t e = digits_end(after, k);
        if (e == k) break;
        nums += after.substr(0, e);
        after.remove_prefix(e);
      }
      r = after;
      // Composer returns the bare version for "stable", but compares the
      // word case-sensitively, so "STABLE" becomes a "-stable" suffix.
      bare = word == "stable" && rest.substr(word_at, word.size()) == "stable";
      while (!nums.empty() && (nums[0] == '.' || nums[0] == '-')) nums.erase(0, 1);
      suffix = "-" + std::string(name) + nums;
      break;
    }
    bool dev = false;
    if (r == "dev" || r == ".dev" || r == "-dev") {
      dev = true;
      r = {};
    }
    if (!r.empty()) continue;
    if (bare) return true;
    out += suffix;
    if (dev) out += "-dev";
    return true;
  }
  return false;
}

Result<std::string> normalize(std::string_view v) {
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (v == "master" || v == "trunk" || v == "default" || (v.size() >= 4 && lower(v.substr(0, 4)) == "dev-")) {
    return fail(ErrorCode::usage, "\"{}\" is a branch, and branches have no order", v);
  }
  size_t plus = v.find('+');
  if (plus != std::string_view::npos && plus > 0 && plus + 1 < v.size()) v = v.substr(0, plus);  // build metadata
  size_t i = (!v.empty() && (v[0] == 'v' || v[0] == 'V')) ? 1 : 0;
  // Classical: \d{1,5}(\.\d+){0,3} then the modifier.
  size_t e = digits_end(v, i);
  if (e > i && e - i <= 5) {
    std::string out(v.substr(i, e - i));
    int parts = 1;
    size_t k = e;
    while (parts < 4 && k < v.size() && v[k] == '.' && k + 1 < v.size() && is_digit(v[k + 1])) {
      size_t n = digits_end(v, k + 1);
      out += v.substr(k, n - k);
      k = n;
      ++parts;
    }
    for (; parts < 4; ++parts) out += ".0";
    if (apply_modifier(v.substr(k), out)) return out;
  }
  // Date based: \d{4}([.:-]?\d{2}){1,6}([.:-]?\d{1,3}){0,2} then the modifier;
  // every non-digit becomes '.'.
  // (Approximation: the digit groups are not counted.)
  if (e - i >= 4) {
    size_t k = e;
    while (k < v.size() && (v[k] == '.' || v[k] == ':' || v[k] == '-') && k + 1 < v.size() && is_digit(v[k + 1])) {
      k = digits_end(v, k + 1);
    }
    std::string out;
    for (char c : v.substr(i, k - i)) out += is_digit(c) ? c : '.';
    if (apply_modifier(v.substr(k), out)) return out;
  }
  // Numeric branches: 1.x-dev, 2.1.*-dev.
  std::string low = lower(v);
  for (std::string_view suffix : {".dev", "-dev", "dev"}) {
    if (!std::string_view(low).ends_with(suffix)) continue;
    std::string_view name = std::string_view(low).substr(0, low.size() - suffix.size());
    size_t j = (!name.empty() && name[0] == 'v') ? 1 : 0;
    std::string out;
    int parts = 0;
    bool ok = true;
    while (j < name.size() && ok) {
      if (parts > 0) {
        if (name[j] != '.') ok = false;
        ++j;
      }
      size_t n = digits_end(name, j);
      if (n > j) {
        out += (parts ? "." : "") + std::string(name.substr(j, n - j));
      } else if (parts > 0 && j < name.size() && (name[j] == 'x' || name[j] == '*')) {
        n = j + 1;
        out += ".9999999";
      } else {
        ok = false;
      }
      j = n;
      ++parts;
    }
    if (!ok || parts == 0 || parts > 4) break;
    for (; parts < 4; ++parts) out += ".9999999";
    return out + "-dev";
  }
  return fail(ErrorCode::usage, "Composer cannot normalise it (expected e.g. 1.2.3, v2.0-beta1, 1.0.0-RC2, 1.x-dev)");
}

// php_canonicalize_version(): '-', '_', '+' and other non-alphanumerics
// become '.', and a '.' goes between digits and non-digits.
std::vector<std::string> canonical_pieces(std::string_view v) {
  std::string q;
  auto isdig = [](char c) { return is_digit(c); };
  auto isndig = [](char c) { return !is_digit(c) && c != '.'; };
  q += v[0];
  char lp = v[0];
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '-' || c == '_' || c == '+') {
      if (q.back() != '.') q += '.';
    } else if ((isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c))) {
      if (q.back() != '.') q += '.';
      q += c;
    } else if (!is_digit(c) && !is_alpha(c)) {
      if (q.back() != '.') q += '.';
    } else {
      q += c;
    }
    lp = c;
  }
  std::vector<std::string> pieces;
  size_t start = 0;
  while (true) {
    size_t dot = q.find('.', start);
    pieces.push_back(q.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return pieces;
}

// compare_special_version_forms(): prefix match against the known forms.
int special_order(std::string_view form) {
  static const std::pair<std::string_view, int> k_forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1},  {"beta", 2},
                                                             {"b", 2},   {"RC", 3},    {"rc", 3}, {"#", 4},
                                                             {"pl", 5},  {"p", 5}};
  for (const auto& [name, order] : k_forms) {
    if (form.starts_with(name)) return order;
  }
  return -1;
}

long to_long(const std::string& s) {  // strtol: saturates
  long v = 0;
  for (char c : s) {
    if (!is_digit(c)) break;
    if (v > (LONG_MAX - (c - '0')) / 10) return LONG_MAX;
    v = v * 10 + (c - '0');
  }
  return v;
}

int compare_piece(const std::string& a, const std::string& b) {
  bool ad = !a.empty() && is_digit(a[0]), bd = !b.empty() && is_digit(b[0]);
  if (ad && bd) {
    long x = to_long(a), y = to_long(b);
    return x == y ? 0 : (x < y ? -1 : 1);
  }
  if (!ad && !bd) return sign(special_order(a) - special_order(b));
  return ad ? sign(special_order("#N#") - special_order(b)) : sign(special_order(a) - special_order("#N#"));
}

}  // namespace

ParseResult parse_composer(std::string_view s) {
  IG_ASSIGN(std::string n, normalize(s));
  ComposerRepr r;
  r.pieces = canonical_pieces(n);
  r.normalized = std::move(n);
  return Repr{std::move(r)};
}

int compare_composer(const ComposerRepr& a, const ComposerRepr& b) {
  size_t i = 0;
  for (; i < a.pieces.size() && i < b.pieces.size(); ++i) {
    int c = compare_piece(a.pieces[i], b.pieces[i]);
    if (c != 0) return c;
  }
  // A longer version wins if it goes on with a number; otherwise its next
  // piece is compared against a number.
  if (i < a.pieces.size()) {
    const std::string& p = a.pieces[i];
    return (!p.empty() && is_digit(p[0])) ? 1 : sign(special_order(p) - special_order("#N#"));
  }
  if (i < b.pieces.size()) {
    const std::string& p = b.pieces[i];
    return (!p.empty() && is_digit(p[0])) ? -1 : sign(special_order("#N#") - special_order(p));
  }
  return 0;
}

}  // namespace ig::version::detail
