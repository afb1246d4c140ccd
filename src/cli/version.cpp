// imagegate version: what this binary is (version, commit, build date,
// database schema, libraries); `version compare|satisfies` order versions and
// test ranges with the same ecosystem rules the vulnerability matcher uses.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "cli/build_info.h"
#include "cli/command.h"
#include "version/version.h"

namespace ig::cli {

namespace {

constexpr size_t k_max_line = 64 * 1024;

// Reads one line of at most k_max_line bytes (the rest of a longer line is
// discarded and *too_long set). Returns false at end of input.
bool read_line(std::istream& in, std::string& line, bool* too_long) {
  line.clear();
  *too_long = false;
  int c;
  bool any = false;
  while ((c = in.get()) != EOF) {
    any = true;
    if (c == '\n') break;
    if (line.size() < k_max_line) {
      line += static_cast<char>(c);
    } else {
      *too_long = true;
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return any;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

const char* symbol(int c) { return c < 0 ? "<" : (c > 0 ? ">" : "="); }

Result<std::string> compare_line(version::Ecosystem eco, std::string_view line) {
  line = trim(line);
  size_t sp = 0;
  while (sp < line.size() && !is_blank(line[sp])) ++sp;
  std::string_view a = line.substr(0, sp), b = trim(line.substr(sp));
  if (a.empty() || b.empty() || b.find_first_of(" \t") != std::string_view::npos) {
    return fail(ErrorCode::usage, "expected two versions separated by blanks");
  }
  IG_ASSIGN(int c, version::compare(eco, a, b));
  return std::string(symbol(c));
}

// "VERSION<TAB>RANGE", or "VERSION RANGE" (the range is the rest of the line).
Result<std::string> satisfies_line(version::Ecosystem eco, std::string_view line) {
  while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
  size_t tab = line.find('\t');
  size_t sp = tab != std::string_view::npos ? tab : line.find(' ');
  if (sp == std::string_view::npos) return fail(ErrorCode::usage, "expected a version, a tab and a range");
  IG_ASSIGN(auto v, version::Version::parse(eco, trim(line.substr(0, sp))));
  IG_ASSIGN(auto c, version::Constraint::parse(eco, line.substr(sp + 1)));
  return std::string(c.contains(v) ? "true" : "false");
}

// Answers each line of stdin; a bad line prints "error" (keeping answers
// aligned with input lines) and its message on stderr; exit 2 if any failed.
int run_stdin(version::Ecosystem eco, Result<std::string> (*answer)(version::Ecosystem, std::string_view)) {
  std::string line;
  bool too_long = false;
  int failed = 0;
  for (size_t n = 1; read_line(std::cin, line, &too_long); ++n) {
    if (trim(line).empty()) continue;
    Result<std::string> r = too_long ? fail(ErrorCode::usage, "line longer than {} bytes", k_max_line)
                                     : answer(eco, line);
    if (r) {
      std::fputs(r->c_str(), stdout);
      std::fputc('\n', stdout);
    } else {
      std::fputs("error\n", stdout);
      std::fflush(stdout);
      std::fprintf(stderr, "imagegate: error: line %zu: %s\n", n, r.error().message.c_str());
      ++failed;
    }
  }
  std::fflush(stdout);
  return failed ? static_cast<int>(ErrorCode::usage) : 0;
}

struct Opts {
  std::string ecosystem;
  std::vector<std::string> args;
  bool from_stdin = false;
};

void add_common(CLI::App* cmd, Opts& o, const char* args_help) {
  cmd->add_option("-e,--ecosystem", o.ecosystem,
                  "deb, apk, rpm, semver, npm, pypi, golang, maven, gem, nuget or composer (or an OSV name such as "
                  "Debian, PyPI, Go, crates.io)")
      ->required();
  cmd->add_option("ARGS", o.args, args_help);
  cmd->add_flag("--stdin", o.from_stdin,
                "Read one question per line from standard input and print one answer per line; a bad line prints "
                "'error' (and a message naming its line number on stderr), later lines are still answered, and the "
                "exit status is then 2");
}

Result<version::Ecosystem> resolve_ecosystem(const std::string& name) {
  auto e = version::parse_ecosystem(name);
  if (e) return e;
  auto osv = version::ecosystem_from_osv(name);
  if (osv) return osv;
  return e;
}

int print_build_info(const std::string& format) {
  BuildInfo b = build_info();
  if (format == "json") {
    nlohmann::ordered_json libs = nlohmann::ordered_json::object();
    for (const auto& l : library_versions()) libs[l.name] = {{"version", l.version}, {"origin", l.origin}};
    nlohmann::ordered_json j = {{"version", b.version},
                                {"commit", b.commit},
                                {"build_date", b.build_date},
                                {"database_schema", b.database_schema},
                                {"compiler", b.compiler},
                                {"libraries", libs}};
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("imagegate {}\ncommit:          {}\nbuild date:      {}\ndatabase schema: {}\ncompiler:        {}\n",
             b.version, b.commit, b.build_date, b.database_schema, b.compiler);
  fmt::print("libraries:\n");
  for (const auto& l : library_versions()) {
    fmt::print("  {:<14} {}{}\n", l.name, l.version.empty() ? "not found" : l.version,
               l.origin == "build" ? " (built with)" : "");
  }
  return 0;
}

}  // namespace

void register_version(CLI::App& app, GlobalOptions& /*global*/, Runner& run) {
  auto* top = app.add_subcommand(
      "version",
      "Print the version, commit, build date, database schema and library versions; or compare versions and test "
      "version ranges by an ecosystem's rules");
  top->require_subcommand(0, 1);
  auto format = std::make_shared<std::string>("table");
  top->add_option("-f,--format", *format, "Output format of the build information")
      ->check(CLI::IsMember({"table", "json"}));
  // Runs after a subcommand's callback; only the bare `imagegate version` is ours.
  top->callback([&run, top, format] {
    if (!top->get_subcommands().empty()) return;
    run = [format] { return print_build_info(*format); };
  });

  auto cmp = std::make_shared<Opts>();
  auto* c = top->add_subcommand("compare", "Print <, = or > as version A orders before, equal to or after B");
  add_common(c, *cmp, "A B (omit with --stdin: lines of 'A B')");
  c->callback([&run, cmp] {
    run = [cmp]() -> int {
      auto eco = resolve_ecosystem(cmp->ecosystem);
      if (!eco) return report_error(eco.error());
      if (cmp->from_stdin) {
        if (!cmp->args.empty()) return report_error({ErrorCode::usage, "give either A B or --stdin, not both"});
        return run_stdin(*eco, compare_line);
      }
      if (cmp->args.size() != 2) {
        return report_error({ErrorCode::usage, "version compare needs two versions: A B (or --stdin)"});
      }
      auto r = version::compare(*eco, cmp->args[0], cmp->args[1]);
      if (!r) return report_error(r.error());
      fmt::print("{}\n", symbol(*r));
      return 0;
    };
  });

  auto sat = std::make_shared<Opts>();
  auto* s = top->add_subcommand("satisfies", "Print true or false as VERSION is in RANGE or not");
  add_common(s, *sat,
             "VERSION RANGE (omit with --stdin: lines of 'VERSION<TAB>RANGE'). npm ranges use node-semver syntax; "
             "other ecosystems use comparators like '>=1.2.0, <1.3.4' and '||'");
  s->callback([&run, sat] {
    run = [sat]() -> int {
      auto eco = resolve_ecosystem(sat->ecosystem);
      if (!eco) return report_error(eco.error());
      if (sat->from_stdin) {
        if (!sat->args.empty()) return report_error({ErrorCode::usage, "give either VERSION RANGE or --stdin, not both"});
        return run_stdin(*eco, satisfies_line);
      }
      if (sat->args.size() != 2) {
        return report_error({ErrorCode::usage, "version satisfies needs VERSION RANGE (quote the range), or --stdin"});
      }
      auto v = version::Version::parse(*eco, sat->args[0]);
      if (!v) return report_error(v.error());
      auto range = version::Constraint::parse(*eco, sat->args[1]);
      if (!range) return report_error(range.error());
      fmt::print("{}\n", range->contains(*v) ? "true" : "false");
      return 0;
    };
  });
}

}  // namespace ig::cli
