#include "cli/cli_docs.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace ig::cli {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string path_string(const CommandDoc& c) { return join(c.path, " "); }

OptionDoc option_doc(const CLI::Option& o) {
  OptionDoc d;
  for (const auto& l : o.get_lnames()) d.spellings.push_back("--" + l);
  for (const auto& s : o.get_snames()) d.spellings.push_back("-" + s);
  if (o.get_items_expected_max() != 0) {  // flags expect 0 values
    std::string type = o.get_type_name();
    d.value_name = type.empty() ? "VALUE" : type;
  }
  d.description = o.get_description();
  d.env = o.get_envname();
  return d;
}

bool hidden(const CLI::App& a) { return a.get_group().empty() || a.get_name().rfind("__", 0) == 0; }

void collect(CLI::App& app, std::vector<std::string> path, const std::vector<OptionDoc>& inherited,
             std::vector<CommandDoc>& out) {
  CommandDoc c;
  c.path = path;
  c.description = app.get_description();
  c.global_options = inherited;
  for (const CLI::Option* o : app.get_options()) {
    if (o->nonpositional()) {
      c.options.push_back(option_doc(*o));
    } else {
      c.positionals.emplace_back(o->get_name(), o->get_description());
    }
  }
  auto children = app.get_subcommands([](CLI::App* a) { return !hidden(*a); });
  for (const CLI::App* s : children) c.subcommands.emplace_back(s->get_name(), s->get_description());
  std::vector<OptionDoc> passed = inherited;
  for (const auto& o : c.options) {
    if (o.spellings.front() != "--help") passed.push_back(o);
  }
  out.push_back(std::move(c));
  for (CLI::App* s : children) {
    auto sub = path;
    sub.push_back(s->get_name());
    collect(*s, sub, passed, out);
  }
}

// roff text: backslashes and hyphens escaped, no line starting with a
// control character, and every non-ASCII character as groff's \[uXXXX]
// (descriptions use "…" and "—"; man pages are read in any locale).
std::string roff(const std::string& s) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < s.size(); ++i) {
    auto ch = static_cast<unsigned char>(s[i]);
    if (line_start && (ch == '.' || ch == '\'')) out += "\\&";
    line_start = ch == '\n';
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-') {
      out += "\\-";
    } else if (ch < 0x80) {
      out += static_cast<char>(ch);
    } else {
      int extra = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc0 ? 1 : 0;
      uint32_t cp = ch & (0x3f >> extra);
      for (int k = 0; k < extra && i + 1 < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f);
      out += fmt::format("\\[u{:04X}]", cp);
    }
  }
  return out;
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void man_options(std::string& out, const std::vector<OptionDoc>& options) {
  for (const auto& o : options) {
    std::vector<std::string> names;
    for (const auto& sp : o.spellings) names.push_back("\\fB" + roff(sp) + "\\fR");
    out += ".TP\n" + join(names, ", ");
    if (!o.value_name.empty()) out += " \\fI" + roff(o.value_name) + "\\fR";
    out += "\n" + roff(o.description.empty() ? "(no description)" : o.description) + "\n";
    if (!o.env.empty()) out += "Also set by the environment variable \\fB" + roff(o.env) + "\\fR.\n";
  }
}

// Every command path a word may extend, as the `case` patterns of the
// completion scripts: "|scan", "db|import".
std::vector<std::string> command_steps(const std::vector<CommandDoc>& all) {
  std::vector<std::string> out;
  for (const auto& c : all) {
    if (c.path.empty()) continue;
    std::vector<std::string> parent(c.path.begin(), c.path.end() - 1);
    out.push_back(join(parent, " ") + "|" + c.path.back());
  }
  return out;
}

// "scan|--format" for every option that takes a value, own or inherited.
std::vector<std::string> value_options(const std::vector<CommandDoc>& all) {
  std::set<std::string> out;
  for (const auto& c : all) {
    for (const auto* list : {&c.options, &c.global_options}) {
      for (const auto& o : *list) {
        if (o.value_name.empty()) continue;
        for (const auto& sp : o.spellings) out.insert(path_string(c) + "|" + sp);
      }
    }
  }
  return {out.begin(), out.end()};
}

std::string quoted_patterns(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back("\"" + s + "\"");
  return join(q, "|");
}

std::vector<std::string> all_spellings(const CommandDoc& c) {
  std::vector<std::string> out;
  for (const auto* list : {&c.options, &c.global_options}) {
    for (const auto& o : *list) out.insert(out.end(), o.spellings.begin(), o.spellings.end());
  }
  return out;
}

// The part bash and zsh share: which command the words so far name, and
// whether the word being completed is an option's value.
std::string sh_walker(const std::vector<CommandDoc>& all, const std::string& first_index, const std::string& words,
                      const std::string& current) {
  return fmt::format(R"(_imagegate_takes_value() {{
  case "$1|$2" in
    {0}) return 0 ;;
  esac
  return 1
}}

# Sets cmd to the command the words before the cursor name ("db import") and
# skip to 1 when the word at the cursor is an option's value.
_imagegate_walk() {{
  cmd="" skip=0
  local i w
  for ((i = {1}; i < {3}; i++)); do
    w=${{{2}[i]}}
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      -*=*) continue ;;
      -*) _imagegate_takes_value "$cmd" "$w" && skip=1; continue ;;
    esac
    case "$cmd|$w" in
      {4}) cmd="${{cmd:+$cmd }}$w" ;;
    esac
  done
}}
)",
                     quoted_patterns(value_options(all)), first_index, words, current,
                     quoted_patterns(command_steps(all)));
}

std::string bash_script(const std::vector<CommandDoc>& all) {
  std::string out = "# bash completion for imagegate; generated by `imagegate __generate completion bash`.\n\n";
  out += sh_walker(all, "1", "COMP_WORDS", "COMP_CWORD");
  out += R"(
_imagegate() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd skip words="" files=0
  _imagegate_walk
  if ((skip)); then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  case "$cmd" in
)";
  for (const auto& c : all) {
    std::vector<std::string> w;
    for (const auto& [name, _] : c.subcommands) w.push_back(name);
    auto sp = all_spellings(c);
    w.insert(w.end(), sp.begin(), sp.end());
    out += fmt::format("    \"{}\") words=\"{}\"{} ;;\n", path_string(c), join(w, " "),
                       c.positionals.empty() ? "" : " files=1");
  }
  out += R"(  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if ((files)) && [[ $cur != -* ]]; then
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}
complete -F _imagegate imagegate
)";
  return out;
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string zsh_script(const std::vector<CommandDoc>& all) {
  std::string out = "#compdef imagegate\n# zsh completion for imagegate; generated by `imagegate __generate completion zsh`.\n\n";
  out += sh_walker(all, "2", "words", "CURRENT");
  out += R"(
_imagegate() {
  local cmd skip files=0
  local -a subs opts
  _imagegate_walk
  if ((skip)); then
    _files
    return
  fi
  case "$cmd" in
)";
  for (const auto& c : all) {
    std::vector<std::string> subs, opts;
    for (const auto& [name, desc] : c.subcommands) subs.push_back(single_quoted(name + ":" + desc));
    for (const auto* list : {&c.options, &c.global_options}) {
      for (const auto& o : *list) {
        for (const auto& sp : o.spellings) opts.push_back(single_quoted(sp + ":" + o.description));
      }
    }
    out += fmt::format("    \"{}\")\n      subs=({})\n      opts=({}){}\n      ;;\n", path_string(c), join(subs, " "),
                       join(opts, " "), c.positionals.empty() ? "" : "\n      files=1");
  }
  out += R"(  esac
  if [[ $PREFIX == -* ]]; then
    _describe -t options option opts
  else
    ((${#subs})) && _describe -t commands command subs
    ((files)) && _files
  fi
}

_imagegate "$@"
)";
  return out;
}

// fish single-quoted string: only \ and ' are special.
std::string fish_quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\\' || ch == '\'') out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string fish_script(const std::vector<CommandDoc>& all) {
  std::vector<std::string> values, steps;
  for (const auto& v : value_options(all)) values.push_back(fish_quoted(v));
  for (const auto& s : command_steps(all)) steps.push_back(fish_quoted(s));
  std::string out = fmt::format(R"(# fish completion for imagegate; generated by `imagegate __generate completion fish`.

function __imagegate_takes_value
    switch "$argv[1]|$argv[2]"
        case {0}
            return 0
    end
    return 1
end

# The command the words before the cursor name ("db import").
function __imagegate_cmd
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ""
    set -l skip 0
    for w in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case '-*=*'
                continue
            case '-*'
                __imagegate_takes_value "$cmd" $w; and set skip 1
                continue
        end
        switch "$cmd|$w"
            case {1}
                set cmd (string trim -- "$cmd $w")
        end
    end
    echo $cmd
end

)",
                                join(values, " "), join(steps, " "));
  for (const auto& c : all) {
    std::string cond = fish_quoted(fmt::format("test \"$(__imagegate_cmd)\" = \"{}\"", path_string(c)));
    for (const auto& [name, desc] : c.subcommands) {
      out += fmt::format("complete -c imagegate -n {} -f -a {} -d {}\n", cond, fish_quoted(name), fish_quoted(desc));
    }
    std::vector<OptionDoc> options = c.options;
    options.insert(options.end(), c.global_options.begin(), c.global_options.end());
    for (const auto& o : options) {
      std::string spell;
      for (const auto& sp : o.spellings) {
        spell += sp.rfind("--", 0) == 0 ? " -l " + fish_quoted(sp.substr(2)) : " -s " + fish_quoted(sp.substr(1));
      }
      out += fmt::format("complete -c imagegate -n {}{}{} -d {}\n", cond, spell, o.value_name.empty() ? "" : " -r",
                         fish_quoted(o.description));
    }
  }
  return out;
}

}  // namespace

std::vector<CommandDoc> collect_commands(CLI::App& app) {
  std::vector<CommandDoc> out;
  collect(app, {}, {}, out);
  return out;
}

std::string page_name(const CommandDoc& c) { return c.path.empty() ? "imagegate" : "imagegate-" + join(c.path, "-"); }

std::string man_page(const CommandDoc& c, const std::vector<CommandDoc>& all, const std::string& date,
                     const std::string& version) {
  std::string name = page_name(c);
  std::string out = fmt::format(".\\\" Generated by `imagegate __generate man`; do not edit.\n"
                                ".TH \"{}\" \"1\" \"{}\" \"imagegate {}\" \"imagegate manual\"\n",
                                roff(upper(name)), roff(date), roff(version));
  out += ".SH NAME\n" + roff(name) + " \\- " + roff(c.description) + "\n";
  out += ".SH SYNOPSIS\n.B " + roff(c.path.empty() ? "imagegate" : "imagegate " + path_string(c)) + "\n";
  if (!c.subcommands.empty()) out += "\\fICOMMAND\\fR ";
  out += "[\\fIOPTIONS\\fR]";
  for (const auto& [pname, _] : c.positionals) out += " [\\fI" + roff(pname) + "\\fR]";
  out += "\n.SH DESCRIPTION\n" + roff(c.description) + "\n";
  if (!c.positionals.empty()) {
    out += ".SH ARGUMENTS\n";
    for (const auto& [pname, desc] : c.positionals) out += ".TP\n\\fI" + roff(pname) + "\\fR\n" + roff(desc) + "\n";
  }
  if (!c.subcommands.empty()) {
    out += ".SH COMMANDS\n";
    for (const auto& [sname, desc] : c.subcommands) {
      std::string child = name + "-" + sname;
      out += ".TP\n\\fB" + roff(sname) + "\\fR\n" + roff(desc) + " See \\fB" + roff(child) + "\\fR(1).\n";
    }
  }
  if (!c.options.empty()) {
    out += ".SH OPTIONS\n";
    man_options(out, c.options);
  }
  if (!c.global_options.empty()) {
    out += ".SH GLOBAL OPTIONS\nThese options of the commands above this one are accepted here too.\n";
    man_options(out, c.global_options);
  }
  out += ".SH EXIT STATUS\n0 on success; 2 for a usage error; the other codes are listed in "
         "/usr/share/doc/imagegate/README.md (Exit codes).\n";
  std::vector<std::string> see;
  if (!c.path.empty()) {
    std::vector<std::string> parent(c.path.begin(), c.path.end() - 1);
    CommandDoc p;
    p.path = parent;
    see.push_back("\\fB" + roff(page_name(p)) + "\\fR(1)");
  }
  for (const auto& other : all) {
    if (other.path.size() == c.path.size() + 1 && std::equal(c.path.begin(), c.path.end(), other.path.begin())) {
      see.push_back("\\fB" + roff(page_name(other)) + "\\fR(1)");
    }
  }
  if (!see.empty()) out += ".SH SEE ALSO\n" + join(see, ",\n") + "\n";
  return out;
}

std::string completion_script(const std::vector<CommandDoc>& all, const std::string& shell) {
  if (shell == "bash") return bash_script(all);
  if (shell == "zsh") return zsh_script(all);
  if (shell == "fish") return fish_script(all);
  return "";
}

}  // namespace ig::cli
