// The template executor: the parsed tree run over the data model.
#include "report/template.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

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

Result<std::string> Template::execute(const nlohmann::ordered_json& data, size_t max_output, uint64_t max_steps) const {
  Executor ex(data, name_, max_output, max_steps);
  IG_TRY(ex.run(*root_, Value::borrow(data)));
  return std::move(ex.out_);
}

}  // namespace ig::report
