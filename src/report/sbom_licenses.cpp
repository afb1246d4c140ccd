#include "report/sbom_licenses.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <vector>

#include "report/sbom_license_ids.inc"

namespace ig::report {

namespace {

constexpr size_t k_max_expression_size = 4096;
constexpr int k_max_depth = 32;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Case-insensitive "less than", the order the generated tables are sorted in.
bool iless(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::string find_ci(std::span<const std::string_view> table, std::string_view id) {
  auto it = std::lower_bound(table.begin(), table.end(), id, iless);
  if (it != table.end() && !iless(id, *it)) return std::string(*it);
  return {};
}

bool is_idstring(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

// "LicenseRef-x" or "DocumentRef-x:LicenseRef-y".
bool is_license_ref(std::string_view s) {
  constexpr std::string_view lref = "LicenseRef-";
  constexpr std::string_view dref = "DocumentRef-";
  if (s.starts_with(dref)) {
    auto colon = s.find(':');
    if (colon == std::string_view::npos || !is_idstring(s.substr(dref.size(), colon - dref.size()))) return false;
    s = s.substr(colon + 1);
  }
  return s.starts_with(lref) && is_idstring(s.substr(lref.size()));
}

enum class Op { none, with_op, and_op, or_op };

Op op_of(std::string_view tok) {
  // SPDX allows the operators in all-upper or all-lower case.
  if (tok == "AND" || tok == "and") return Op::and_op;
  if (tok == "OR" || tok == "or") return Op::or_op;
  if (tok == "WITH" || tok == "with") return Op::with_op;
  return Op::none;
}

std::vector<std::string_view> tokenize(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back(s.substr(i, 1));
      ++i;
    } else {
      size_t j = i;
      while (j < s.size() && s[j] != '(' && s[j] != ')' && std::isspace(static_cast<unsigned char>(s[j])) == 0) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

// A parsed sub-expression: its canonical text and the loosest operator at its
// top level, so that a parent knows whether it needs parentheses.
struct Node {
  std::string text;
  Op top = Op::none;
};

class Parser {
 public:
  explicit Parser(std::vector<std::string_view> toks) : toks_(std::move(toks)) {}

  std::optional<std::string> parse() {
    auto n = parse_or(0);
    if (!n || pos_ != toks_.size()) return std::nullopt;
    return n->text;
  }

 private:
  std::optional<std::string_view> peek() const {
    if (pos_ < toks_.size()) return toks_[pos_];
    return std::nullopt;
  }

  std::optional<Node> parse_or(int depth) {
    auto left = parse_and(depth);
    if (!left) return std::nullopt;
    while (peek() && op_of(*peek()) == Op::or_op) {
      ++pos_;
      auto right = parse_and(depth);
      if (!right) return std::nullopt;
      left = Node{left->text + " OR " + right->text, Op::or_op};
    }
    return left;
  }

  std::optional<Node> parse_and(int depth) {
    auto left = parse_with(depth);
    if (!left) return std::nullopt;
    while (peek() && op_of(*peek()) == Op::and_op) {
      ++pos_;
      auto right = parse_with(depth);
      if (!right) return std::nullopt;
      left = Node{wrap_for_and(*left) + " AND " + wrap_for_and(*right), Op::and_op};
    }
    return left;
  }

  static std::string wrap_for_and(const Node& n) { return n.top == Op::or_op ? "(" + n.text + ")" : n.text; }

  std::optional<Node> parse_with(int depth) {
    auto tok = peek();
    if (!tok) return std::nullopt;
    if (*tok == "(") {
      if (depth >= k_max_depth) return std::nullopt;
      ++pos_;
      auto inner = parse_or(depth + 1);
      if (!inner || !peek() || *peek() != ")") return std::nullopt;
      ++pos_;
      return inner;
    }
    auto simple = parse_simple();
    if (!simple) return std::nullopt;
    if (peek() && op_of(*peek()) == Op::with_op) {
      ++pos_;
      if (!peek()) return std::nullopt;
      auto exc = canonical_exception_id(*peek());
      if (exc.empty()) return std::nullopt;
      ++pos_;
      return Node{*simple + " WITH " + exc, Op::with_op};
    }
    return Node{*simple, Op::none};
  }

  std::optional<std::string> parse_simple() {
    auto tok = *peek();
    if (tok == "(" || tok == ")" || op_of(tok) != Op::none) return std::nullopt;
    ++pos_;
    if (is_license_ref(tok)) return std::string(tok);
    if (auto id = canonical_license_id(tok); !id.empty()) return id;
    if (tok.size() > 1 && tok.back() == '+') {
      if (auto id = canonical_license_id(tok.substr(0, tok.size() - 1)); !id.empty()) return id + "+";
    }
    return std::nullopt;
  }

  std::vector<std::string_view> toks_;
  size_t pos_ = 0;
};

}  // namespace

std::string canonical_license_id(std::string_view id) { return find_ci(spdx_ids::k_licenses, id); }

std::string canonical_exception_id(std::string_view id) { return find_ci(spdx_ids::k_exceptions, id); }

std::optional<std::string> normalize_license_expression(std::string_view text) {
  if (text.size() > k_max_expression_size) return std::nullopt;
  auto toks = tokenize(text);
  if (toks.empty()) return std::nullopt;
  return Parser(std::move(toks)).parse();
}

bool is_compound_license_expression(std::string_view normalized) {
  return normalized.find(' ') != std::string_view::npos;
}

std::string spdx_idstring(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ? c : '-');
  }
  if (out.empty()) out = "unknown";
  return out;
}

}  // namespace ig::report
