// The parsed form of a template (template.h), shared by the parser
// (template_parse.cpp) and the executor (template.cpp). Internal to report/.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ig::report {

namespace tpl {

constexpr int k_max_depth = 64;  // nested blocks and parentheses; bounds the parser's recursion

struct Pos {
  int line = 1;
  int col = 1;
};

struct Pipeline;

struct Term {
  enum class Kind { dot, var, str, num, boolean, nil, paren, func };
  Kind kind = Kind::dot;
  Pos pos;
  std::string text;  // var name ("$" for the root), string value or function name
  nlohmann::ordered_json number;
  bool boolean = false;
  std::shared_ptr<Pipeline> sub;    // paren
  std::vector<std::string> fields;  // .A.B after the term
};

struct Command {
  Pos pos;
  std::vector<Term> args;
};

struct Pipeline {
  Pos pos;
  std::vector<std::string> decl;  // "$v" or "$i", "$v"
  std::vector<Command> cmds;
};

// "NAME:LINE:COL", the prefix of every message.
inline std::string where(std::string_view name, Pos p) { return fmt::format("{}:{}:{}", name, p.line, p.col); }

inline bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The functions a template may call, with their arity (-1: one or more).
inline const std::map<std::string, int, std::less<>>& function_arity() {
  static const std::map<std::string, int, std::less<>> arity{
      {"len", 1},       {"eq", -1},      {"ne", 2},        {"lt", 2},       {"le", 2},       {"gt", 2},
      {"ge", 2},        {"and", -1},     {"or", -1},       {"not", 1},      {"escapeXML", 1}, {"escapeHTML", 1},
      {"toJson", 1},    {"join", 2},     {"lower", 1},     {"upper", 1},    {"contains", 2}, {"hasPrefix", 2},
      {"printf", -1},   {"default", 2},  {"index", -1},    {"trunc", 2},    {"replace", 3},  {"add", 2}};
  return arity;
}

}  // namespace tpl

struct TemplateNode {
  enum class Kind { list, text, action, if_, range, with };
  Kind kind = Kind::list;
  tpl::Pos pos;
  std::string text;
  tpl::Pipeline pipe;
  std::vector<std::unique_ptr<TemplateNode>> children;  // list
  std::unique_ptr<TemplateNode> body, else_body;
};

}  // namespace ig::report
