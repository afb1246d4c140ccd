#include "report/template.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace ig::report {

using ojson = nlohmann::ordered_json;

namespace {

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
  ojson number;
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

}  // namespace

struct TemplateNode {
  enum class Kind { list, text, action, if_, range, with };
  Kind kind = Kind::list;
  Pos pos;
  std::string text;
  Pipeline pipe;
  std::vector<std::unique_ptr<TemplateNode>> children;  // list
  std::unique_ptr<TemplateNode> body, else_body;
};

namespace {

// ---- lexing -------------------------------------------------------------

enum class Tok { field, dot, var, str, num, ident, lparen, rparen, pipe, declare, comma, end };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  Pos pos;
  bool adjacent = false;  // no space before it (chains .A.B onto the previous term)
};

struct Action {
  Pos pos;  // of "{{"
  std::vector<Token> tokens;
};

struct Item {
  bool is_action = false;
  std::string text;
  Pos pos;
  Action action;
};

std::string where(std::string_view name, Pos p) { return fmt::format("{}:{}:{}", name, p.line, p.col); }

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool space_char(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view name) : s_(text), name_(name) {}

  Result<std::vector<Item>> run() {
    std::vector<Item> items;
    bool trim_next = false;
    while (i_ < s_.size()) {
      size_t open = s_.find("{{", i_);
      Pos text_pos = pos_;
      std::string text(s_.substr(i_, open == std::string_view::npos ? std::string_view::npos : open - i_));
      advance_to(open == std::string_view::npos ? s_.size() : open);
      if (trim_next) text.erase(0, text.find_first_not_of(" \t\r\n") == std::string::npos ? text.size()
                                                                                            : text.find_first_not_of(" \t\r\n"));
      trim_next = false;
      bool trim_before = open != std::string_view::npos && open + 3 < s_.size() && s_[open + 2] == '-' &&
                         space_char(s_[open + 3]);
      if (trim_before) {
        auto last = text.find_last_not_of(" \t\r\n");
        text.erase(last == std::string::npos ? 0 : last + 1);
      }
      if (!text.empty()) items.push_back({false, std::move(text), text_pos, {}});
      if (open == std::string_view::npos) break;
      Action a;
      a.pos = pos_;
      advance(trim_before ? 3 : 2);
      IG_TRY(lex_action(a, trim_next));
      if (!a.tokens.empty()) items.push_back({true, {}, a.pos, std::move(a)});
    }
    return items;
  }

 private:
  void advance(size_t n) {
    for (size_t k = 0; k < n && i_ < s_.size(); ++k, ++i_) {
      if (s_[i_] == '\n') {
        ++pos_.line;
        pos_.col = 1;
      } else if ((static_cast<unsigned char>(s_[i_]) & 0xC0) != 0x80) {
        ++pos_.col;  // columns count characters, not UTF-8 continuation bytes
      }
    }
  }
  void advance_to(size_t target) { advance(target - i_); }

  Result<void> lex_action(Action& a, bool& trim_after) {
    // A comment: {{/* ... */}}
    size_t k = i_;
    while (k < s_.size() && space_char(s_[k])) ++k;
    if (s_.substr(k, 2) == "/*") {
      size_t close = s_.find("*/", k + 2);
      if (close == std::string_view::npos) return fail(ErrorCode::usage, "{}: unclosed comment: end it with */}}}}", where(name_, a.pos));
      advance_to(close + 2);
      while (i_ < s_.size() && space_char(s_[i_])) advance(1);
      if (s_.substr(i_, 3) == "-}}") {
        trim_after = true;
        advance(3);
        return {};
      }
      if (s_.substr(i_, 2) != "}}") return fail(ErrorCode::usage, "{}: a comment must end with */}}}}", where(name_, a.pos));
      advance(2);
      return {};
    }
    bool spaced = true;
    for (;;) {
      if (i_ >= s_.size()) return fail(ErrorCode::usage, "{}: unclosed action: add }}}}", where(name_, a.pos));
      char c = s_[i_];
      if (space_char(c)) {
        advance(1);
        spaced = true;
        continue;
      }
      if (c == '-' && s_.substr(i_, 3) == "-}}" && spaced) {
        trim_after = true;
        advance(3);
        return {};
      }
      if (s_.substr(i_, 2) == "}}") {
        advance(2);
        return {};
      }
      Token t;
      t.pos = pos_;
      t.adjacent = !spaced;
      spaced = false;
      if (c == '.') {
        size_t e = i_ + 1;
        while (e < s_.size() && ident_char(s_[e])) ++e;
        t.kind = e == i_ + 1 ? Tok::dot : Tok::field;
        t.text = std::string(s_.substr(i_ + 1, e - i_ - 1));
        advance_to(e);
      } else if (c == '$') {
        size_t e = i_ + 1;
        while (e < s_.size() && ident_char(s_[e])) ++e;
        t.kind = Tok::var;
        t.text = std::string(s_.substr(i_, e - i_));
        advance_to(e);
      } else if (c == '"' || c == '`') {
        IG_ASSIGN(t.text, lex_string(c));
        t.kind = Tok::str;
      } else if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && i_ + 1 < s_.size() && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9')) {
        size_t e = i_ + 1;
        while (e < s_.size() && (ident_char(s_[e]) || s_[e] == '.')) ++e;
        t.kind = Tok::num;
        t.text = std::string(s_.substr(i_, e - i_));
        advance_to(e);
      } else if (ident_char(c)) {
        size_t e = i_;
        while (e < s_.size() && ident_char(s_[e])) ++e;
        t.kind = Tok::ident;
        t.text = std::string(s_.substr(i_, e - i_));
        advance_to(e);
      } else if (c == '(' || c == ')' || c == '|' || c == ',') {
        t.kind = c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : c == '|' ? Tok::pipe : Tok::comma;
        advance(1);
      } else if (s_.substr(i_, 2) == ":=") {
        t.kind = Tok::declare;
        advance(2);
      } else {
        return fail(ErrorCode::usage, "{}: unexpected character '{}' in an action", where(name_, pos_),
                    (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? std::string("?") : std::string(1, c));
      }
      a.tokens.push_back(std::move(t));
    }
  }

  Result<std::string> lex_string(char quote) {
    Pos start = pos_;
    std::string out;
    advance(1);
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == quote) {
        advance(1);
        return out;
      }
      if (c == '\n' && quote == '"') break;
      if (c == '\\' && quote == '"') {
        if (i_ + 1 >= s_.size()) break;
        char e = s_[i_ + 1];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': out += '\\'; break;
          case '"': out += '"'; break;
          default:
            return fail(ErrorCode::usage, "{}: unknown escape \\{} in a string: use \\n, \\t, \\r, \\\\ or \\\"",
                        where(name_, pos_), ident_char(e) ? std::string(1, e) : std::string("?"));
        }
        advance(2);
        continue;
      }
      out += c;
      advance(1);
    }
    return fail(ErrorCode::usage, "{}: unterminated string: close it with {}", where(name_, start), quote);
  }

  std::string_view s_;
  std::string_view name_;
  size_t i_ = 0;
  Pos pos_;
};

// ---- parsing ------------------------------------------------------------

// The functions a template may call, with their arity (-1: one or more).
const std::map<std::string, int, std::less<>>& function_arity() {
  static const std::map<std::string, int, std::less<>> arity{
      {"len", 1},       {"eq", -1},      {"ne", 2},        {"lt", 2},       {"le", 2},       {"gt", 2},
      {"ge", 2},        {"and", -1},     {"or", -1},       {"not", 1},      {"escapeXML", 1}, {"escapeHTML", 1},
      {"toJson", 1},    {"join", 2},     {"lower", 1},     {"upper", 1},    {"contains", 2}, {"hasPrefix", 2},
      {"printf", -1},   {"default", 2},  {"index", -1},    {"trunc", 2},    {"replace", 3},  {"add", 2}};
  return arity;
}

class Parser {
 public:
  Parser(std::vector<Item> items, std::string_view name) : items_(std::move(items)), name_(name) {}

  Result<std::unique_ptr<TemplateNode>> run() {
    IG_ASSIGN(auto root, parse_list(0));
    if (k_ < items_.size()) {
      return fail(ErrorCode::usage, "{}: {{{{ {} }}}} without a block to close: remove it", where(name_, items_[k_].pos),
                  items_[k_].action.tokens.front().text);
    }
    return root;
  }

 private:
  static bool is_keyword(const Item& it, std::string_view kw) {
    return it.is_action && it.action.tokens.front().kind == Tok::ident && it.action.tokens.front().text == kw;
  }

  // Reads nodes until end of input or an {{else}}/{{end}} (left unconsumed).
  Result<std::unique_ptr<TemplateNode>> parse_list(int depth) {
    if (depth > k_max_depth) {
      return fail(ErrorCode::usage, "{}: blocks nested deeper than {}: flatten the template",
                  where(name_, k_ < items_.size() ? items_[k_].pos : Pos{}), k_max_depth);
    }
    auto list = std::make_unique<TemplateNode>();
    list->kind = TemplateNode::Kind::list;
    while (k_ < items_.size()) {
      const Item& it = items_[k_];
      if (!it.is_action) {
        auto n = std::make_unique<TemplateNode>();
        n->kind = TemplateNode::Kind::text;
        n->text = it.text;
        list->children.push_back(std::move(n));
        ++k_;
        continue;
      }
      if (is_keyword(it, "else") || is_keyword(it, "end")) break;
      if (is_keyword(it, "if") || is_keyword(it, "range") || is_keyword(it, "with")) {
        IG_ASSIGN(auto n, parse_block(depth));
        list->children.push_back(std::move(n));
        continue;
      }
      const auto& first = it.action.tokens.front();
      if (first.kind == Tok::ident &&
          (first.text == "define" || first.text == "template" || first.text == "block" || first.text == "break" ||
           first.text == "continue")) {
        return fail(ErrorCode::usage, "{}: {{{{ {} }}}} is not supported by imagegate templates (docs/templates.md)",
                    where(name_, first.pos), first.text);
      }
      auto n = std::make_unique<TemplateNode>();
      n->kind = TemplateNode::Kind::action;
      n->pos = it.pos;
      IG_ASSIGN(n->pipe, parse_pipeline(it.action.tokens, 0, true));
      list->children.push_back(std::move(n));
      ++k_;
    }
    return list;
  }

  // At {{if|range|with ...}}: the block through its {{end}}.
  Result<std::unique_ptr<TemplateNode>> parse_block(int depth) {
    const Item& it = items_[k_];
    const std::string kw = it.action.tokens.front().text;
    auto n = std::make_unique<TemplateNode>();
    n->kind = kw == "if" ? TemplateNode::Kind::if_ : kw == "range" ? TemplateNode::Kind::range : TemplateNode::Kind::with;
    n->pos = it.pos;
    if (it.action.tokens.size() < 2) {
      return fail(ErrorCode::usage, "{}: {{{{ {} }}}} needs a value, e.g. {{{{ {} .Results }}}}", where(name_, it.pos), kw, kw);
    }
    IG_ASSIGN(n->pipe, parse_pipeline(it.action.tokens, 1, kw == "range"));
    ++k_;
    IG_ASSIGN(n->body, parse_list(depth + 1));
    if (k_ >= items_.size()) {
      return fail(ErrorCode::usage, "{}: {{{{ {} }}}} is never closed: add {{{{ end }}}}", where(name_, n->pos), kw);
    }
    const Item& stop = items_[k_];
    if (is_keyword(stop, "else")) {
      if (stop.action.tokens.size() > 1) {
        // {{ else if ... }}: a nested if that shares this block's {{end}}.
        const auto& t = stop.action.tokens[1];
        if (kw != "if" || t.kind != Tok::ident || t.text != "if") {
          return fail(ErrorCode::usage, "{}: only {{{{ else if ... }}}} may follow else here", where(name_, stop.pos));
        }
        Item rest = stop;
        rest.action.tokens.erase(rest.action.tokens.begin());
        items_[k_] = std::move(rest);
        auto list = std::make_unique<TemplateNode>();
        IG_ASSIGN(auto nested, parse_block_no_end(depth + 1));
        list->children.push_back(std::move(nested));
        n->else_body = std::move(list);
        return n;  // the nested block consumed the shared {{end}}
      }
      ++k_;
      IG_ASSIGN(n->else_body, parse_list(depth + 1));
      if (k_ >= items_.size() || !is_keyword(items_[k_], "end")) {
        return fail(ErrorCode::usage, "{}: {{{{ {} }}}} is never closed: add {{{{ end }}}}", where(name_, n->pos), kw);
      }
    }
    if (items_[k_].action.tokens.size() > 1) {
      return fail(ErrorCode::usage, "{}: {{{{ end }}}} takes nothing after it", where(name_, items_[k_].pos));
    }
    ++k_;
    return n;
  }

  Result<std::unique_ptr<TemplateNode>> parse_block_no_end(int depth) {
    if (depth > k_max_depth) {
      return fail(ErrorCode::usage, "{}: blocks nested deeper than {}: flatten the template", where(name_, items_[k_].pos), k_max_depth);
    }
    return parse_block(depth);
  }

  Result<Pipeline> parse_pipeline(const std::vector<Token>& toks, size_t start, bool allow_two_vars) {
    Pipeline p;
    p.pos = toks[start].pos;
    size_t i = start;
    // Declarations: $x := ... or $i, $v := ... (range).
    size_t decl_end = i;
    while (decl_end < toks.size() && toks[decl_end].kind != Tok::declare) ++decl_end;
    if (decl_end < toks.size()) {
      std::vector<std::string> vars;
      for (size_t j = i; j < decl_end; ++j) {
        bool var_slot = (j - i) % 2 == 0;
        if (var_slot ? toks[j].kind != Tok::var || toks[j].text == "$" : toks[j].kind != Tok::comma) {
          return fail(ErrorCode::usage, "{}: expected $name := value", where(name_, toks[j].pos));
        }
        if (var_slot) vars.push_back(toks[j].text);
      }
      if (vars.empty() || vars.size() > (allow_two_vars ? 2u : 1u) || (decl_end - i) % 2 == 0) {
        return fail(ErrorCode::usage, "{}: expected {} := value", where(name_, toks[i].pos),
                    allow_two_vars ? "$v or $i, $v" : "$name");
      }
      p.decl = std::move(vars);
      i = decl_end + 1;
      if (i >= toks.size()) return fail(ErrorCode::usage, "{}: := needs a value after it", where(name_, toks[decl_end].pos));
    }
    size_t end = toks.size();
    IG_TRY(parse_commands(toks, i, end, p, 0));
    if (i < end) return fail(ErrorCode::usage, "{}: unexpected ) without a matching (", where(name_, toks[i].pos));
    return p;
  }

  // Commands separated by | from toks[i, end).
  Result<void> parse_commands(const std::vector<Token>& toks, size_t& i, size_t end, Pipeline& p, int depth) {
    for (;;) {
      Command c;
      c.pos = i < end ? toks[i].pos : toks[end - 1].pos;
      while (i < end && toks[i].kind != Tok::pipe && toks[i].kind != Tok::rparen) {
        IG_ASSIGN(auto t, parse_term(toks, i, end, depth));
        c.args.push_back(std::move(t));
      }
      if (c.args.empty()) return fail(ErrorCode::usage, "{}: missing value (empty command)", where(name_, c.pos));
      if (c.args.front().kind != Term::Kind::func && c.args.size() > 1) {
        return fail(ErrorCode::usage, "{}: {} is not a function, so it takes no arguments",
                    where(name_, c.args.front().pos), describe(c.args.front()));
      }
      for (size_t a = 1; a < c.args.size(); ++a) {
        if (c.args[a].kind == Term::Kind::func && function_arity().at(c.args[a].text) != 0) {
          return fail(ErrorCode::usage, "{}: to pass the result of {} as an argument, wrap it in parentheses",
                      where(name_, c.args[a].pos), c.args[a].text);
        }
      }
      if (!p.cmds.empty() && c.args.front().kind != Term::Kind::func) {
        return fail(ErrorCode::usage, "{}: only a function can follow |", where(name_, c.pos));
      }
      p.cmds.push_back(std::move(c));
      if (i < end && toks[i].kind == Tok::pipe) {
        ++i;
        continue;
      }
      return {};
    }
  }

  static std::string describe(const Term& t) {
    switch (t.kind) {
      case Term::Kind::str: return "a string";
      case Term::Kind::num: return "a number";
      case Term::Kind::var: return t.text;
      default: return "a value";
    }
  }

  Result<Term> parse_term(const std::vector<Token>& toks, size_t& i, size_t end, int depth) {
    const Token& t = toks[i];
    Term term;
    term.pos = t.pos;
    switch (t.kind) {
      case Tok::dot: term.kind = Term::Kind::dot; ++i; break;
      case Tok::field: term.kind = Term::Kind::dot; break;  // the chain below reads it
      case Tok::var: term.kind = Term::Kind::var; term.text = t.text; ++i; break;
      case Tok::str: term.kind = Term::Kind::str; term.text = t.text; ++i; break;
      case Tok::num: {
        term.kind = Term::Kind::num;
        char* e = nullptr;
        errno = 0;
        if (t.text.find_first_of(".eE") == std::string::npos) {
          long long v = std::strtoll(t.text.c_str(), &e, 10);
          if (*e == '\0' && errno == 0) term.number = static_cast<int64_t>(v);
        } else {
          double v = std::strtod(t.text.c_str(), &e);
          if (*e == '\0' && errno == 0 && std::isfinite(v)) term.number = v;
        }
        if (term.number.is_null()) return fail(ErrorCode::usage, "{}: '{}' is not a number", where(name_, t.pos), t.text);
        ++i;
        break;
      }
      case Tok::ident:
        if (t.text == "true" || t.text == "false") {
          term.kind = Term::Kind::boolean;
          term.boolean = t.text == "true";
        } else if (t.text == "nil") {
          term.kind = Term::Kind::nil;
        } else if (function_arity().contains(t.text)) {
          term.kind = Term::Kind::func;
          term.text = t.text;
        } else {
          return fail(ErrorCode::usage, "{}: unknown function '{}' (docs/templates.md lists the functions)",
                      where(name_, t.pos), t.text);
        }
        ++i;
        break;
      case Tok::lparen: {
        if (depth >= k_max_depth) return fail(ErrorCode::usage, "{}: parentheses nested too deep", where(name_, t.pos));
        term.kind = Term::Kind::paren;
        term.sub = std::make_shared<Pipeline>();
        term.sub->pos = t.pos;
        ++i;
        if (i >= end) return fail(ErrorCode::usage, "{}: unclosed ( : add )", where(name_, t.pos));
        IG_TRY(parse_commands(toks, i, end, *term.sub, depth + 1));
        if (i >= end || toks[i].kind != Tok::rparen) return fail(ErrorCode::usage, "{}: unclosed ( : add )", where(name_, t.pos));
        ++i;
        break;
      }
      case Tok::rparen: return fail(ErrorCode::usage, "{}: unexpected )", where(name_, t.pos));
      case Tok::declare: return fail(ErrorCode::usage, "{}: unexpected :=", where(name_, t.pos));
      case Tok::comma: return fail(ErrorCode::usage, "{}: unexpected ,", where(name_, t.pos));
      default: return fail(ErrorCode::usage, "{}: unexpected token", where(name_, t.pos));
    }
    // .A.B chained onto the term (a leading .A starts the chain on dot).
    bool first = t.kind == Tok::field;
    while (i < end && toks[i].kind == Tok::field && (first || toks[i].adjacent)) {
      if (term.kind != Term::Kind::dot && term.kind != Term::Kind::var && term.kind != Term::Kind::paren) {
        return fail(ErrorCode::usage, "{}: .{} cannot follow {}", where(name_, toks[i].pos), toks[i].text, describe(term));
      }
      term.fields.push_back(toks[i].text);
      ++i;
      first = false;
    }
    return term;
  }

  std::vector<Item> items_;
  std::string_view name_;
  size_t k_ = 0;
};

// ---- execution ----------------------------------------------------------

// A value borrowed from the data (no copy) or computed.
struct Value {
  const ojson* ref = nullptr;
  ojson owned;
  const ojson& get() const { return ref ? *ref : owned; }
  static Value of(ojson j) {
    Value v;
    v.owned = std::move(j);
    return v;
  }
  static Value borrow(const ojson& j) {
    Value v;
    v.ref = &j;
    return v;
  }
  // A borrowed value of a borrowed parent stays borrowed; a child of a
  // computed value must be copied out before the parent goes.
  Value child(const ojson& c) const { return ref ? borrow(c) : of(c); }
};

bool truthy(const ojson& j) {
  switch (j.type()) {
    case ojson::value_t::null: return false;
    case ojson::value_t::boolean: return j.get<bool>();
    case ojson::value_t::string: return !j.get_ref<const std::string&>().empty();
    case ojson::value_t::array:
    case ojson::value_t::object: return !j.empty();
    case ojson::value_t::number_float: return j.get<double>() != 0;
    case ojson::value_t::number_integer:
    case ojson::value_t::number_unsigned: return j.get<int64_t>() != 0;
    default: return true;
  }
}

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

std::string to_text(const ojson& j) {
  switch (j.type()) {
    case ojson::value_t::null: return "";
    case ojson::value_t::string: return j.get<std::string>();
    case ojson::value_t::number_float: {
      double d = j.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<int64_t>(d));
      return fmt::format("{}", d);
    }
    default: return dump(j);
  }
}

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '\t': case '\n': case '\r': out += c; break;
      default:
        // XML 1.0 cannot carry other control characters, even escaped.
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

class Executor {
 public:
  Executor(const ojson& root, std::string_view name, size_t max_output, uint64_t max_steps)
      : name_(name), max_(max_output), max_steps_(max_steps) {
    vars_.emplace_back("$", Value::borrow(root));
  }

  Result<void> run(const TemplateNode& n, const Value& dot) {
    if (++steps_ > max_steps_) {
      return fail(ErrorCode::usage, "{}: the template ran more than {} steps: narrow its ranges", where(name_, n.pos), max_steps_);
    }
    switch (n.kind) {
      case TemplateNode::Kind::list:
        for (const auto& c : n.children) IG_TRY(run(*c, dot));
        return {};
      case TemplateNode::Kind::text:
        return emit(n.text, n.pos);
      case TemplateNode::Kind::action: {
        IG_ASSIGN(Value v, pipeline(n.pipe, dot));
        if (!n.pipe.decl.empty()) {
          vars_.emplace_back(n.pipe.decl.front(), std::move(v));
          return {};
        }
        return emit(to_text(v.get()), n.pos);
      }
      case TemplateNode::Kind::if_:
      case TemplateNode::Kind::with: {
        size_t mark = vars_.size();
        IG_ASSIGN(Value v, pipeline(n.pipe, dot));
        bool yes = truthy(v.get());
        if (yes && !n.pipe.decl.empty()) vars_.emplace_back(n.pipe.decl.front(), v);
        Result<void> r;
        if (yes) r = run(*n.body, n.kind == TemplateNode::Kind::with ? v : dot);
        else if (n.else_body) r = run(*n.else_body, dot);
        vars_.resize(mark);
        return r;
      }
      case TemplateNode::Kind::range:
        return range(n, dot);
    }
    return {};
  }

 private:
  Result<void> range(const TemplateNode& n, const Value& dot) {
    IG_ASSIGN(Value v, pipeline(n.pipe, dot));
    const ojson& j = v.get();
    if (!j.is_array() && !j.is_object() && !j.is_null() && !j.is_number_integer() && !j.is_number_unsigned()) {
      return fail(ErrorCode::usage, "{}: range over {} needs a list, an object or a count", where(name_, n.pos),
                  j.type_name());
    }
    size_t count = 0;
    size_t mark = vars_.size();
    auto one = [&](const ojson& key, Value item) -> Result<void> {
      ++count;
      vars_.resize(mark);
      if (n.pipe.decl.size() == 2) {
        vars_.emplace_back(n.pipe.decl[0], Value::of(key));
        vars_.emplace_back(n.pipe.decl[1], item);
      } else if (n.pipe.decl.size() == 1) {
        vars_.emplace_back(n.pipe.decl[0], item);
      }
      return run(*n.body, item);
    };
    Result<void> r;
    if (j.is_array()) {
      for (size_t k = 0; k < j.size() && r; ++k) r = one(ojson(k), v.child(j[k]));
    } else if (j.is_object()) {
      for (auto it = j.begin(); it != j.end() && r; ++it) r = one(ojson(it.key()), v.child(it.value()));
    } else if (!j.is_null()) {
      int64_t limit = j.get<int64_t>();
      for (int64_t k = 0; k < limit && r; ++k) r = one(ojson(k), Value::of(ojson(k)));
    }
    vars_.resize(mark);
    if (!r) return r;
    if (count == 0 && n.else_body) return run(*n.else_body, dot);
    return {};
  }

  Result<void> emit(std::string_view s, Pos p) {
    if (out_.size() + s.size() > max_) {
      return fail(ErrorCode::usage, "{}: the output passed {} bytes: narrow the template's ranges", where(name_, p), max_);
    }
    out_ += s;
    return {};
  }

  Result<Value> pipeline(const Pipeline& p, const Value& dot) {
    std::optional<Value> piped;
    for (const auto& c : p.cmds) {
      IG_ASSIGN(Value v, command(c, dot, piped ? &*piped : nullptr));
      piped = std::move(v);
    }
    return std::move(*piped);
  }

  Result<Value> command(const Command& c, const Value& dot, const Value* piped) {
    const Term& head = c.args.front();
    if (head.kind != Term::Kind::func) return term(head, dot);
    std::vector<Value> args;
    for (size_t a = 1; a < c.args.size(); ++a) {
      IG_ASSIGN(Value v, term(c.args[a], dot));
      args.push_back(std::move(v));
    }
    if (piped) args.push_back(*piped);
    return call(head, args);
  }

  Result<Value> term(const Term& t, const Value& dot) {
    Value v;
    switch (t.kind) {
      case Term::Kind::dot: v = dot; break;
      case Term::Kind::var: {
        auto it = std::find_if(vars_.rbegin(), vars_.rend(), [&](const auto& e) { return e.first == t.text; });
        if (it == vars_.rend()) {
          return fail(ErrorCode::usage, "{}: undefined variable {}: declare it with {} := ...", where(name_, t.pos), t.text, t.text);
        }
        v = it->second;
        break;
      }
      case Term::Kind::str: v = Value::of(t.text); break;
      case Term::Kind::num: v = Value::of(t.number); break;
      case Term::Kind::boolean: v = Value::of(t.boolean); break;
      case Term::Kind::nil: v = Value::of(nullptr); break;
      case Term::Kind::paren: {
        IG_ASSIGN(v, pipeline(*t.sub, dot));
        break;
      }
      case Term::Kind::func: {
        std::vector<Value> none;
        return call(t, none);
      }
    }
    for (const auto& f : t.fields) {
      const ojson& j = v.get();
      if (j.is_null()) return Value::of(nullptr);  // a field of nothing is nothing: {{ .Verdict.Decision }} on a scan
      if (!j.is_object()) {
        return fail(ErrorCode::usage, "{}: can't read .{} of a {} value", where(name_, t.pos), f, j.type_name());
      }
      auto it = j.find(f);
      if (it == j.end()) {
        std::string known;
        for (auto k = j.begin(); k != j.end(); ++k) known += (known.empty() ? "" : ", ") + k.key();
        return fail(ErrorCode::usage, "{}: no field .{} here (fields: {}; docs/templates.md)", where(name_, t.pos), f, known);
      }
      v = v.child(*it);
    }
    return v;
  }

  Result<Value> call(const Term& fn, std::vector<Value>& args) {
    const std::string& name = fn.text;
    int arity = function_arity().at(name);
    if ((arity >= 0 && args.size() != static_cast<size_t>(arity)) || (arity < 0 && args.empty())) {
      return fail(ErrorCode::usage, "{}: {} takes {} argument{}, got {}", where(name_, fn.pos), name,
                  arity < 0 ? std::string("one or more") : std::to_string(arity), arity == 1 ? "" : "s", args.size());
    }
    if (name == "printf") return printf(fn, args);
    static const std::set<std::string, std::less<>> text_functions{
        "escapeXML", "escapeHTML", "toJson", "join", "lower", "upper", "contains", "hasPrefix", "trunc", "replace"};
    return text_functions.contains(name) ? call_text(fn, args) : call_value(fn, args);
  }

  // The argument helpers of the functions below: usage errors name the function and the argument.
  Result<std::string> str(const Term& fn, std::vector<Value>& args, size_t k) {
    const ojson& j = args[k].get();
    if (j.is_string()) return j.get<std::string>();
    if (j.is_null()) return std::string();
    if (j.is_number() || j.is_boolean()) return to_text(j);
    return fail(ErrorCode::usage, "{}: {} wants text as argument {}, got a {}", where(name_, fn.pos), fn.text, k + 1, j.type_name());
  }
  Result<double> num(const Term& fn, std::vector<Value>& args, size_t k) {
    const ojson& j = args[k].get();
    if (j.is_number()) return j.get<double>();
    return fail(ErrorCode::usage, "{}: {} wants a number as argument {}, got a {}", where(name_, fn.pos), fn.text, k + 1,
                j.type_name());
  }
  Result<int> compare(const Term& fn, std::vector<Value>& args) {
    const ojson& a = args[0].get();
    const ojson& b = args[1].get();
    if (a.is_number() && b.is_number()) {
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) return a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return fail(ErrorCode::usage, "{}: {} compares two numbers or two strings, got {} and {}", where(name_, fn.pos), fn.text,
                a.type_name(), b.type_name());
  }

  // len, comparisons, logic, default, add, index.
  Result<Value> call_value(const Term& fn, std::vector<Value>& args) {
    const std::string& name = fn.text;
    if (name == "len") {
      const ojson& j = args[0].get();
      if (j.is_string()) return Value::of(j.get_ref<const std::string&>().size());
      if (j.is_array() || j.is_object()) return Value::of(j.size());
      if (j.is_null()) return Value::of(0);
      return fail(ErrorCode::usage, "{}: len of a {} value: give it a list, an object or text", where(name_, fn.pos), j.type_name());
    }
    if (name == "eq") {
      if (args.size() < 2) return fail(ErrorCode::usage, "{}: eq takes two or more arguments", where(name_, fn.pos));
      for (size_t k = 1; k < args.size(); ++k) {
        if (args[0].get() == args[k].get()) return Value::of(true);
      }
      return Value::of(false);
    }
    if (name == "ne") return Value::of(args[0].get() != args[1].get());
    if (name == "lt" || name == "le" || name == "gt" || name == "ge") {
      IG_ASSIGN(int c, compare(fn, args));
      bool r = name == "lt" ? c < 0 : name == "le" ? c <= 0 : name == "gt" ? c > 0 : c >= 0;
      return Value::of(r);
    }
    if (name == "and" || name == "or") {
      for (auto& a : args) {
        if (truthy(a.get()) != (name == "and")) return a;
      }
      return args.back();
    }
    if (name == "not") return Value::of(!truthy(args[0].get()));
    if (name == "default") return truthy(args[1].get()) ? args[1] : args[0];
    if (name == "add") {
      const ojson& a = args[0].get();
      const ojson& b = args[1].get();
      int64_t sum = 0;
      if (a.is_number_integer() && b.is_number_integer() && !__builtin_add_overflow(a.get<int64_t>(), b.get<int64_t>(), &sum)) {
        return Value::of(sum);
      }
      IG_ASSIGN(double x, num(fn, args, 0));
      IG_ASSIGN(double y, num(fn, args, 1));
      return Value::of(x + y);
    }
    if (name == "index") {
      Value v = args[0];
      for (size_t k = 1; k < args.size(); ++k) {
        const ojson& j = v.get();
        const ojson& key = args[k].get();
        if (j.is_array() && key.is_number_integer()) {
          auto i = key.get<int64_t>();
          if (i < 0 || static_cast<size_t>(i) >= j.size()) {
            return fail(ErrorCode::usage, "{}: index {} out of range (the list has {})", where(name_, fn.pos), i, j.size());
          }
          v = v.child(j[static_cast<size_t>(i)]);
        } else if (j.is_object() && key.is_string()) {
          auto it = j.find(key.get<std::string>());
          if (it == j.end()) return Value::of(nullptr);
          v = v.child(*it);
        } else {
          return fail(ErrorCode::usage, "{}: index of a {} by a {}: lists take numbers, objects take text",
                      where(name_, fn.pos), j.type_name(), key.type_name());
        }
      }
      return v;
    }
    return fail(ErrorCode::internal, "{}: function {} has no implementation", where(name_, fn.pos), name);
  }

  // Functions of text.
  Result<Value> call_text(const Term& fn, std::vector<Value>& args) {
    const std::string& name = fn.text;
    if (name == "escapeXML" || name == "escapeHTML") {
      IG_ASSIGN(auto s, str(fn, args, 0));
      return Value::of(escape_xml(s));
    }
    if (name == "toJson") return Value::of(dump(args[0].get()));
    if (name == "join") {
      IG_ASSIGN(auto sep, str(fn, args, 0));
      const ojson& list = args[1].get();
      if (!list.is_array()) return fail(ErrorCode::usage, "{}: join SEP LIST wants a list second", where(name_, fn.pos));
      std::string out;
      for (size_t k = 0; k < list.size(); ++k) out += (k ? sep : "") + to_text(list[k]);
      return Value::of(out);
    }
    if (name == "lower" || name == "upper") {
      IG_ASSIGN(auto s, str(fn, args, 0));
      for (auto& ch : s) ch = static_cast<char>(name == "lower" ? std::tolower(static_cast<unsigned char>(ch))
                                                                : std::toupper(static_cast<unsigned char>(ch)));
      return Value::of(s);
    }
    if (name == "contains" || name == "hasPrefix") {
      IG_ASSIGN(auto needle, str(fn, args, 0));
      IG_ASSIGN(auto hay, str(fn, args, 1));
      return Value::of(name == "contains" ? hay.find(needle) != std::string::npos : hay.rfind(needle, 0) == 0);
    }
    if (name == "trunc") {
      IG_ASSIGN(double n, num(fn, args, 0));
      IG_ASSIGN(auto s, str(fn, args, 1));
      if (n >= 0 && static_cast<double>(s.size()) > n) {
        size_t cut = static_cast<size_t>(n);
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
        s.resize(cut);
      }
      return Value::of(s);
    }
    if (name == "replace") {
      IG_ASSIGN(auto from, str(fn, args, 0));
      IG_ASSIGN(auto to, str(fn, args, 1));
      IG_ASSIGN(auto s, str(fn, args, 2));
      if (from.empty()) return Value::of(s);
      std::string out;
      size_t at = 0;
      for (size_t f = s.find(from); f != std::string::npos; f = s.find(from, at)) {
        out.append(s, at, f - at).append(to);
        at = f + from.size();
      }
      out.append(s, at);
      return Value::of(out);
    }
    return fail(ErrorCode::internal, "{}: function {} has no implementation", where(name_, fn.pos), name);
  }

  // Go's %s %d %v %q %f %.Nf %x and %%; widths are not supported.
  Result<Value> printf(const Term& fn, std::vector<Value>& args) {
    const ojson& fj = args[0].get();
    if (!fj.is_string()) return fail(ErrorCode::usage, "{}: printf wants a format text first", where(name_, fn.pos));
    const std::string& f = fj.get_ref<const std::string&>();
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] != '%') {
        out += f[i];
        continue;
      }
      if (++i >= f.size()) return fail(ErrorCode::usage, "{}: printf format ends in %", where(name_, fn.pos));
      if (f[i] == '%') {
        out += '%';
        continue;
      }
      int precision = -1;
      if (f[i] == '.') {
        precision = 0;
        while (++i < f.size() && f[i] >= '0' && f[i] <= '9' && precision < 100) precision = precision * 10 + (f[i] - '0');
        if (i >= f.size()) return fail(ErrorCode::usage, "{}: printf format ends in %.", where(name_, fn.pos));
      }
      if (next >= args.size()) return fail(ErrorCode::usage, "{}: printf has more verbs than arguments", where(name_, fn.pos));
      const ojson& a = args[next++].get();
      switch (f[i]) {
        case 's': case 'v': out += to_text(a); break;
        case 'q': out += dump(ojson(to_text(a))); break;
        case 'd':
          if (!a.is_number()) return fail(ErrorCode::usage, "{}: %d wants a number", where(name_, fn.pos));
          if (a.is_number_integer()) {
            out += fmt::format("{}", a.get<int64_t>());
          } else {
            double d = std::trunc(a.get<double>());
            // Outside int64's range (or NaN) the cast would be undefined: print the float instead.
            out += std::fabs(d) < 9.2e18 ? fmt::format("{}", static_cast<int64_t>(d)) : fmt::format("{}", d);
          }
          break;
        case 'x':
          if (!a.is_number_integer()) return fail(ErrorCode::usage, "{}: %x wants a whole number", where(name_, fn.pos));
          out += fmt::format("{:x}", a.get<int64_t>());
          break;
        case 'f':
        case 'g':
          if (!a.is_number()) return fail(ErrorCode::usage, "{}: %{} wants a number", where(name_, fn.pos), f[i]);
          out += f[i] == 'g' ? fmt::format("{}", a.get<double>())
                             : fmt::format("{:.{}f}", a.get<double>(), precision < 0 ? 6 : precision);
          break;
        default:
          return fail(ErrorCode::usage, "{}: printf verb %{} is not supported: use %s, %d, %v, %q, %f, %.Nf, %g or %x",
                      where(name_, fn.pos), ident_char(f[i]) ? std::string(1, f[i]) : std::string("?"));
      }
    }
    if (next != args.size()) return fail(ErrorCode::usage, "{}: printf has more arguments than verbs", where(name_, fn.pos));
    return Value::of(out);
  }

 public:
  std::string out_;

 private:
  std::string_view name_;
  size_t max_;
  uint64_t max_steps_;
  uint64_t steps_ = 0;
  std::vector<std::pair<std::string, Value>> vars_;
};

}  // namespace

Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Result<Template> Template::parse(std::string_view text, std::string_view name) {
  IG_ASSIGN(auto items, Lexer(text, name).run());
  Template t;
  t.name_ = std::string(name);
  IG_ASSIGN(t.root_, Parser(std::move(items), name).run());
  return t;
}

Result<std::string> Template::execute(const nlohmann::ordered_json& data, size_t max_output, uint64_t max_steps) const {
  Executor ex(data, name_, max_output, max_steps);
  IG_TRY(ex.run(*root_, Value::borrow(data)));
  return std::move(ex.out_);
}

}  // namespace ig::report
