// Constraints (version ranges) and OSV event ranges over any ecosystem.
#include <algorithm>

#include "version/constraint_impl.h"
#include "version/repr.h"

namespace ig::version {

namespace {

using Op = Constraint::Comparator::Op;

constexpr size_t k_max_constraint_length = 4096;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    out += (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
  }
  return s.size() > 200 ? out + "..." : out;
}

Result<Op> parse_op(std::string_view op) {
  if (op.empty() || op == "=" || op == "==") return Op::eq;
  if (op == "!=") return Op::ne;
  if (op == "<") return Op::lt;
  if (op == "<=") return Op::le;
  if (op == ">") return Op::gt;
  if (op == ">=") return Op::ge;
  return fail(ErrorCode::usage, "unknown operator \"{}\" (use = != < <= > >=)", op);
}

// One alternative of the simple syntax: comparators separated by commas or
// blanks, each `OP VERSION` with optional blanks after OP.
Result<std::vector<Constraint::Comparator>> parse_group(Ecosystem eco, std::string_view s) {
  std::vector<Constraint::Comparator> out;
  size_t i = 0;
  auto is_sep = [](char c) { return c == ',' || is_space(c); };
  while (true) {
    while (i < s.size() && is_sep(s[i])) ++i;
    if (i == s.size()) break;
    size_t op_start = i;
    while (i < s.size() && (s[i] == '<' || s[i] == '>' || s[i] == '=' || s[i] == '!')) ++i;
    IG_ASSIGN(Op op, parse_op(s.substr(op_start, i - op_start)));
    while (i < s.size() && is_space(s[i])) ++i;
    size_t v_start = i;
    while (i < s.size() && !is_sep(s[i])) ++i;
    std::string_view text = s.substr(v_start, i - v_start);
    if (text.empty()) return fail(ErrorCode::usage, "operator \"{}\" has no version after it", s.substr(op_start, v_start - op_start));
    Constraint::Comparator c;
    if (text == "*" && op == Op::eq) {
      c.op = Op::any;
    } else {
      IG_ASSIGN(c.version, Version::parse(eco, text));
      c.op = op;
    }
    out.push_back(std::move(c));
  }
  if (out.empty()) return fail(ErrorCode::usage, "an alternative is empty (write * for any version)");
  return out;
}

Result<detail::ComparatorSets> parse_simple(Ecosystem eco, std::string_view text) {
  detail::ComparatorSets sets;
  size_t start = 0;
  while (true) {
    size_t bar = text.find("||", start);
    IG_ASSIGN(auto group, parse_group(eco, text.substr(start, bar == std::string_view::npos ? bar : bar - start)));
    sets.push_back(std::move(group));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return sets;
}

}  // namespace

bool Constraint::Comparator::test(const Version& v) const {
  if (op == Op::any) return true;
  int c = v.compare(*version);
  switch (op) {
    case Op::eq: return c == 0;
    case Op::ne: return c != 0;
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
    case Op::any: return true;
  }
  return false;
}

Result<Constraint> Constraint::parse(Ecosystem eco, std::string_view text) {
  Constraint c;
  c.eco_ = eco;
  c.text_ = std::string(text);
  Result<detail::ComparatorSets> sets = fail(ErrorCode::usage, "longer than {} characters", k_max_constraint_length);
  if (text.size() <= k_max_constraint_length) {
    sets = eco == Ecosystem::npm ? detail::parse_npm_range(text) : parse_simple(eco, text);
  }
  if (!sets) {
    return fail(ErrorCode::usage, "invalid {} range \"{}\": {}", ecosystem_name(eco), printable(text),
                sets.error().message);
  }
  c.sets_ = std::make_shared<const detail::ComparatorSets>(std::move(*sets));
  return c;
}

bool Constraint::contains(const Version& v) const {
  if (eco_ == Ecosystem::npm) return detail::npm_range_contains(*sets_, v);
  for (const auto& set : *sets_) {
    if (std::all_of(set.begin(), set.end(), [&](const Comparator& c) { return c.test(v); })) return true;
  }
  return false;
}

Result<bool> in_osv_range(const std::vector<Event>& events, const Version& v) {
  struct Parsed {
    Event::Kind kind;
    std::optional<Version> version;  // absent: introduced "0" or limit "*"
  };
  std::vector<Parsed> parsed;
  for (const auto& e : events) {
    Parsed p{e.kind, std::nullopt};
    bool open = (e.kind == Event::Kind::introduced && e.version == "0") ||
                (e.kind == Event::Kind::limit && e.version == "*");
    if (!open) {
      auto pv = Version::parse(v.ecosystem(), e.version);
      if (!pv) return fail(pv.error().with_context("in an OSV range event"));
      p.version = std::move(*pv);
    }
    parsed.push_back(std::move(p));
  }
  // OSV's own ordering where it differs from the ecosystem's tool
  // (osv_order.cpp): the ranges were computed with it.
  auto cmp = [](const Version& a, const Version& b) {
    switch (a.ecosystem()) {
      case Ecosystem::maven: return detail::compare_maven_osv(a.str(), b.str());
      case Ecosystem::composer: return detail::compare_packagist_osv(a.str(), b.str());
      default: return a.compare(b);
    }
  };
  // Open starts first; otherwise by version, keeping the input order on ties.
  std::stable_sort(parsed.begin(), parsed.end(), [&](const Parsed& a, const Parsed& b) {
    if (!a.version || !b.version) return !a.version && b.version;
    return cmp(*a.version, *b.version) < 0;
  });
  bool affected = false;
  bool has_limit = false, below_limit = false;
  for (const auto& p : parsed) {
    switch (p.kind) {
      case Event::Kind::introduced:
        if (!p.version || cmp(v, *p.version) >= 0) affected = true;
        break;
      case Event::Kind::fixed:
        if (cmp(v, *p.version) >= 0) affected = false;
        break;
      case Event::Kind::last_affected:
        if (cmp(v, *p.version) > 0) affected = false;
        break;
      case Event::Kind::limit:
        if (p.version) {
          has_limit = true;
          if (cmp(v, *p.version) < 0) below_limit = true;
        }
        break;
    }
  }
  return affected && (!has_limit || below_limit);
}

}  // namespace ig::version
