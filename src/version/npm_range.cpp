// node-semver's Range syntax, reproduced step for step: node-semver rewrites
// the range text (hyphen ranges, operator spacing, ^, ~, x-ranges, stars)
// into plain comparators and then parses those, and its quirks (which text
// is valid, what `1.2.x-beta` or `>=v1.2.3` mean) follow from the order of
// the rewrites. So we rewrite the same text in the same order, with
// hand-written matchers in place of its regular expressions.
#include <set>

#include "version/constraint_impl.h"
#include "version/repr.h"

namespace ig::version::detail {

namespace {

using Op = Constraint::Comparator::Op;

constexpr size_t k_max_range_length = 4096;
constexpr size_t k_max_build_id = 250;  // node-semver's MAX_SAFE_BUILD_LENGTH

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident(char c) { return is_digit(c) || is_letter(c) || c == '-'; }
bool is_prefix(char c) { return c == 'v' || c == '=' || is_space(c); }
bool is_xstart(char c) { return is_digit(c) || c == 'x' || c == 'X' || c == '*'; }
char at(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// JavaScript's str.split(/\s+/).
std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_space(s[i])) {
      while (i + 1 < s.size() && is_space(s[i + 1])) ++i;
      out.emplace_back();
    } else {
      out.back() += s[i];
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " " : "") + parts[i];
  return out;
}

// An XRANGEPLAIN: [v=\s]* then up to three components (a number without
// leading zero, x, X or *), the third optionally followed by -prerelease and
// +build. `text` is what matched after the prefix chars were included.
struct XRange {
  std::string M, m, p, pr;
  bool has_m = false, has_p = false;
};

bool read_xid(std::string_view s, size_t& i, std::string& out) {
  if (is_digit(at(s, i))) {
    size_t start = i;
    if (s[i] == '0') {
      ++i;
    } else {
      while (is_digit(at(s, i))) ++i;
    }
    out = std::string(s.substr(start, i - start));
    return true;
  }
  char c = at(s, i);
  if (c == 'x' || c == 'X' || c == '*') {
    out = std::string(1, c);
    ++i;
    return true;
  }
  return false;
}

// Dot-separated identifiers up to `stop` (exclusive); prerelease numbers must
// not have leading zeros.
bool valid_ids(std::string_view s, bool prerelease) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident(c)) return false;
    }
    if (prerelease && all_digits(id) && id.size() > 1 && id[0] == '0') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Matches all of `s` as an XRANGEPLAIN.
std::optional<XRange> match_xrange(std::string_view s) {
  XRange x;
  size_t i = 0;
  while (i < s.size() && is_prefix(s[i])) ++i;
  if (!read_xid(s, i, x.M)) return std::nullopt;
  if (at(s, i) == '.') {
    ++i;
    if (!read_xid(s, i, x.m)) return std::nullopt;
    x.has_m = true;
    if (at(s, i) == '.') {
      ++i;
      if (!read_xid(s, i, x.p)) return std::nullopt;
      x.has_p = true;
      std::string_view rest = s.substr(i);
      size_t plus = rest.find('+');
      std::string_view pre = rest.substr(0, plus);
      if (!pre.empty()) {
        if (pre[0] != '-' || !valid_ids(pre.substr(1), true)) return std::nullopt;
        x.pr = std::string(pre.substr(1));
      }
      if (plus != std::string_view::npos && !valid_ids(rest.substr(plus + 1), false)) return std::nullopt;
      return x;
    }
  }
  if (i != s.size()) return std::nullopt;
  return x;
}

bool is_x(const std::string& id) { return id.empty() || id == "x" || id == "X" || id == "*"; }

// JavaScript's `+n + 1` for a component; anything past 2^53-1 later fails to
// parse, as it does in node-semver.
std::string inc(const std::string& n) {
  if (n.size() > 16 || std::stoull(n) >= k_node_max_safe_integer) return "9007199254740992";
  return std::to_string(std::stoull(n) + 1);
}

// Removes every +build suffix (node-semver strips them before parsing).
std::string strip_builds(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '+' && is_ident(at(s, i + 1))) {
      size_t j = i + 1;
      while (true) {
        size_t start = j;
        while (j < s.size() && is_ident(s[j]) && j - start < k_max_build_id) ++j;
        if (at(s, j) == '.' && is_ident(at(s, j + 1))) {
          ++j;
          continue;
        }
        break;
      }
      i = j;
      continue;
    }
    out += s[i++];
  }
  return out;
}

// `A - B` → `>=A <=B` with x-ranges widened.
std::optional<std::string> replace_hyphen(std::string_view r) {
  size_t dash = r.find(" - ");
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view from_text = r.substr(0, dash), to_text = r.substr(dash + 3);
  auto f = match_xrange(from_text);
  auto t = match_xrange(to_text);
  if (!f || !t) return std::nullopt;
  std::string from, to;
  if (is_x(f->M)) {
    from = "";
  } else if (is_x(f->m)) {
    from = ">=" + f->M + ".0.0";
  } else if (is_x(f->p)) {
    from = ">=" + f->M + "." + f->m + ".0";
  } else {
    from = ">=" + std::string(from_text);
  }
  if (is_x(t->M)) {
    to = "";
  } else if (is_x(t->m)) {
    to = "<" + inc(t->M) + ".0.0-0";
  } else if (is_x(t->p)) {
    to = "<" + t->M + "." + inc(t->m) + ".0-0";
  } else if (!t->pr.empty()) {
    to = "<=" + t->M + "." + t->m + "." + t->p + "-" + t->pr;
  } else {
    to = "<=" + std::string(to_text);
  }
  return std::string(trim(from + " " + to));
}

// Where a full "loose" version (\d+.\d+.\d+[-pre][+build]) or else a partial
// x-range version starting at `i` ends; used to skip over versions while
// joining operators to them.
size_t version_end(std::string_view s, size_t i) {
  auto digits = [&](size_t k) {
    while (is_digit(at(s, k))) ++k;
    return k;
  };
  size_t k = i;
  bool full = true;
  for (int c = 0; c < 3 && full; ++c) {
    size_t e = digits(k);
    if (e == k) full = false;
    k = e;
    if (full && c < 2) {
      if (at(s, k) != '.') full = false;
      ++k;
    }
  }
  if (!full) {
    k = i;
    for (int c = 0; c < 3; ++c) {
      size_t start = c == 0 ? k : k + 1;
      if (c > 0 && at(s, k) != '.') return k;
      size_t e = start;
      if (is_digit(at(s, e))) {
        e = at(s, e) == '0' ? e + 1 : digits(e);
      } else if (is_xstart(at(s, e))) {
        ++e;
      }
      if (e == start) return c == 0 ? i : k;
      k = e;
    }
  }
  // Prerelease and build characters.
  if (at(s, k) == '-' || (full && is_ident(at(s, k)))) {
    while (is_ident(at(s, k)) || (at(s, k) == '.' && is_ident(at(s, k + 1)))) ++k;
  }
  if (at(s, k) == '+' && is_ident(at(s, k + 1))) {
    ++k;
    while (is_ident(at(s, k)) || (at(s, k) == '.' && is_ident(at(s, k + 1)))) ++k;
  }
  return k;
}

// `> 1.2.3` → `>1.2.3`: drops the one blank between an operator and the
// version that follows it.
std::string trim_comparator_whitespace(std::string_view s) {
  std::string out;
  size_t copy_from = 0, cursor = 0;
  while (cursor < s.size()) {
    size_t match_start = cursor;
    if (s[cursor] == '<' || s[cursor] == '>') {
      ++cursor;
    } else if (!is_prefix(s[cursor]) && !is_xstart(s[cursor])) {
      ++cursor;
      continue;
    }
    while (cursor < s.size() && is_prefix(s[cursor])) ++cursor;
    if (!is_xstart(at(s, cursor))) continue;
    size_t pos = match_start;
    if (is_space(at(s, pos))) ++pos;
    if (at(s, pos) == '<' || at(s, pos) == '>') ++pos;
    if (at(s, pos) == '=') ++pos;
    if (is_space(at(s, pos))) {
      out.append(s.substr(copy_from, pos - copy_from));
      copy_from = pos + 1;
    }
    size_t end = version_end(s, cursor);
    cursor = end > cursor ? end : cursor + 1;
  }
  out.append(s.substr(copy_from));
  return out;
}

// `~ 1` → `~1`, `~> 1` → `~1`, `^ 1` → `^1`.
std::string trim_tilde_caret(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~') {
      size_t j = i + 1;
      if (at(s, j) == '>') ++j;
      if (is_space(at(s, j))) {
        out += '~';
        i = j;
        continue;
      }
    } else if (s[i] == '^' && is_space(at(s, i + 1))) {
      out += '^';
      ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

std::string replace_caret(const std::string& comp) {
  if (comp.empty() || comp[0] != '^') return comp;
  auto x = match_xrange(std::string_view(comp).substr(1));
  if (!x) return comp;
  const std::string &M = x->M, &m = x->m, &p = x->p, &pr = x->pr;
  if (is_x(M)) return "";
  if (is_x(m)) return ">=" + M + ".0.0 <" + inc(M) + ".0.0-0";
  if (is_x(p)) {
    if (M == "0") return ">=" + M + "." + m + ".0 <" + M + "." + inc(m) + ".0-0";
    return ">=" + M + "." + m + ".0 <" + inc(M) + ".0.0-0";
  }
  std::string low = ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr);
  if (M == "0") {
    if (m == "0") return low + " <" + M + "." + m + "." + inc(p) + "-0";
    return low + " <" + M + "." + inc(m) + ".0-0";
  }
  return low + " <" + inc(M) + ".0.0-0";
}

std::string replace_tilde(const std::string& comp) {
  if (comp.empty() || comp[0] != '~') return comp;
  std::string_view rest = std::string_view(comp).substr(1);
  if (!rest.empty() && rest[0] == '>') rest.remove_prefix(1);
  auto x = match_xrange(rest);
  if (!x) return comp;
  const std::string &M = x->M, &m = x->m, &p = x->p, &pr = x->pr;
  if (is_x(M)) return "";
  if (is_x(m)) return ">=" + M + ".0.0 <" + inc(M) + ".0.0-0";
  if (is_x(p)) return ">=" + M + "." + m + ".0 <" + M + "." + inc(m) + ".0-0";
  return ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr) + " <" + M + "." + inc(m) + ".0-0";
}

std::string replace_xrange(std::string comp) {
  std::string_view s = trim(comp);
  size_t i = 0;
  if (at(s, i) == '<' || at(s, i) == '>') ++i;
  if (at(s, i) == '=') ++i;
  std::string gtlt(s.substr(0, i));
  std::string_view rest = s.substr(i);
  if (!rest.empty() && is_space(rest[0])) rest.remove_prefix(1);
  auto x = match_xrange(rest);
  std::string trimmed(s);
  if (!x) return trimmed;
  std::string M = x->M, m = x->m, p = x->p;
  if ((is_x(M) && !is_x(m)) || (is_x(m) && !p.empty() && !is_x(p))) return trimmed;
  bool xM = is_x(M), xm = xM || is_x(m), xp = xm || is_x(p);
  if (gtlt == "=" && xp) gtlt = "";
  std::string pr;
  if (xM) return (gtlt == ">" || gtlt == "<") ? "<0.0.0-0" : "*";
  if (!gtlt.empty() && xp) {
    if (xm) m = "0";
    p = "0";
    if (gtlt == ">") {
      gtlt = ">=";
      if (xm) {
        M = inc(M);
        m = "0";
      } else {
        m = inc(m);
      }
    } else if (gtlt == "<=") {
      gtlt = "<";
      if (xm) {
        M = inc(M);
      } else {
        m = inc(m);
      }
    }
    if (gtlt == "<") pr = "-0";
    return gtlt + M + "." + m + "." + p + pr;
  }
  if (xm) return ">=" + M + ".0.0 <" + inc(M) + ".0.0-0";
  if (xp) return ">=" + M + "." + m + ".0 <" + M + "." + inc(m) + ".0-0";
  return trimmed;
}

// Removes the first `(<|>)?=?\s?\*`.
std::string replace_stars(std::string_view s) {
  s = trim(s);
  for (size_t i = 0; i < s.size(); ++i) {
    size_t k = i;
    if (s[k] == '<' || s[k] == '>') ++k;
    if (at(s, k) == '=') ++k;
    if (is_space(at(s, k))) ++k;
    if (at(s, k) == '*') return std::string(s.substr(0, i)) + std::string(s.substr(k + 1));
  }
  return std::string(s);
}

std::string map_each(const std::string& comp, std::string (*f)(const std::string&)) {
  std::vector<std::string> parts = split_ws(trim(comp));
  for (auto& p : parts) p = f(p);
  return join(parts);
}

std::string parse_comparator_text(const std::string& comp) {
  std::string c = map_each(comp, replace_caret);
  c = map_each(c, replace_tilde);
  std::vector<std::string> parts = split_ws(c);
  for (auto& p : parts) p = replace_xrange(p);
  return replace_stars(join(parts));
}

struct Parsed {
  Constraint::Comparator comp;
  std::string value;  // node-semver's Comparator.value, for de-duplication
};

Result<Parsed> make_comparator(std::string_view text) {
  Parsed out;
  if (text.empty()) return out;
  size_t i = 0;
  if (text[0] == '<' || text[0] == '>') ++i;
  if (at(text, i) == '=') ++i;
  std::string op(text.substr(0, i));
  std::string_view ver = text.substr(i);
  if (ver.empty() || !(ver[0] == 'v' || is_digit(ver[0]))) {
    return fail(ErrorCode::usage, "invalid comparator \"{}\"", text);
  }
  auto v = Version::parse(Ecosystem::npm, ver);
  if (!v) return fail(ErrorCode::usage, "invalid comparator \"{}\"", text);
  out.comp.op = op == "<" ? Op::lt : op == "<=" ? Op::le : op == ">" ? Op::gt : op == ">=" ? Op::ge : Op::eq;
  const auto& r = std::get<SemverRepr>(v->repr().v);
  out.value = (op == "=" ? "" : op) + r.major + "." + r.minor + "." + r.patch;
  for (size_t k = 0; k < r.pre.size(); ++k) out.value += (k ? "." : "-") + r.pre[k];
  out.comp.version = std::move(*v);
  return out;
}

Result<std::vector<Parsed>> parse_set(std::string_view part) {
  std::string r = strip_builds(part);
  if (auto h = replace_hyphen(r)) r = *h;
  r = trim_tilde_caret(trim_comparator_whitespace(r));
  std::vector<std::string> comps;
  size_t start = 0;
  while (true) {
    size_t sp = r.find(' ', start);
    comps.push_back(parse_comparator_text(r.substr(start, sp == std::string::npos ? std::string::npos : sp - start)));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  // Every comparator must parse, even after one that makes the set empty.
  std::vector<Parsed> all;
  for (auto& c : split_ws(join(comps))) {
    std::string_view t = trim(c);
    if (t == ">=0.0.0") t = "";
    IG_ASSIGN(Parsed p, make_comparator(t));
    all.push_back(std::move(p));
  }
  std::vector<Parsed> out;
  std::set<std::string> seen;
  for (auto& p : all) {
    if (p.value == "<0.0.0-0") return std::vector<Parsed>{std::move(p)};
    if (seen.insert(p.value).second) {
      out.push_back(std::move(p));
    } else {
      for (auto& o : out) {
        if (o.value == p.value) o = std::move(p);
      }
    }
  }
  if (out.size() > 1) std::erase_if(out, [](const Parsed& p) { return p.value.empty(); });
  return out;
}

}  // namespace

Result<ComparatorSets> parse_npm_range(std::string_view text) {
  if (text.size() > k_max_range_length) {
    return fail(ErrorCode::usage, "longer than {} characters", k_max_range_length);
  }
  std::string raw;
  for (auto& w : split_ws(trim(text))) raw += (raw.empty() ? "" : " ") + w;
  std::vector<std::vector<Parsed>> sets;
  size_t start = 0;
  while (true) {
    size_t bar = raw.find("||", start);
    std::string_view part = std::string_view(raw).substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    IG_ASSIGN(auto set, parse_set(trim(part)));
    sets.push_back(std::move(set));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  if (sets.size() > 1) {
    auto first = sets[0];
    std::erase_if(sets, [](const std::vector<Parsed>& c) { return c[0].value == "<0.0.0-0"; });
    if (sets.empty()) {
      sets.push_back(std::move(first));
    } else if (sets.size() > 1) {
      for (auto& c : sets) {
        if (c.size() == 1 && c[0].value.empty()) {
          auto any = std::move(c);
          sets = {std::move(any)};
          break;
        }
      }
    }
  }
  ComparatorSets out;
  for (auto& s : sets) {
    out.emplace_back();
    for (auto& p : s) out.back().push_back(std::move(p.comp));
  }
  return out;
}

bool npm_range_contains(const ComparatorSets& sets, const Version& v) {
  const auto& vr = std::get<SemverRepr>(v.repr().v);
  for (const auto& set : sets) {
    bool all = true;
    for (const auto& c : set) {
      if (!c.test(v)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (vr.pre.empty()) return true;
    for (const auto& c : set) {
      if (!c.version) continue;
      const auto& cr = std::get<SemverRepr>(c.version->repr().v);
      if (!cr.pre.empty() && cr.major == vr.major && cr.minor == vr.minor && cr.patch == vr.patch) return true;
    }
  }
  return false;
}

}  // namespace ig::version::detail
