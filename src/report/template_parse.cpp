// The template lexer and parser: text to the tree of template_ast.h.
#include "report/template.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "report/template_ast.h"

namespace ig::report {

using ojson = nlohmann::ordered_json;
using tpl::Command;
using tpl::function_arity;
using tpl::ident_char;
using tpl::k_max_depth;
using tpl::Pipeline;
using tpl::Pos;
using tpl::Term;
using tpl::where;

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

}  // namespace ig::report
