// Usage errors from CLI11 in a form a person can act on: the flag that was not
// understood, the command it was given to, the closest flag that command (or
// imagegate itself) takes, and exit code 2.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "util/spelling.h"

namespace ig::cli {

namespace {

// The command line's deepest parsed command: "imagegate", "imagegate scan",
// "imagegate db import".
CLI::App* deepest_command(CLI::App& app, std::string& path) {
  path = "imagegate";
  CLI::App* at = &app;
  for (;;) {
    auto subs = at->get_subcommands();
    if (subs.empty()) return at;
    at = subs.front();
    path += " " + at->get_name();
  }
}

// Every spelling of every option `cmd` accepts, with the global ones that fall
// through to it from its parents.
std::vector<std::string> option_spellings(CLI::App* cmd) {
  std::vector<std::string> out;
  for (CLI::App* at = cmd; at != nullptr; at = at->get_parent()) {
    for (const CLI::Option* o : at->get_options()) {
      for (const auto& l : o->get_lnames()) out.push_back("--" + l);
      for (const auto& s : o->get_snames()) out.push_back("-" + s);
    }
  }
  return out;
}

std::vector<std::string> subcommand_names(CLI::App* cmd) {
  std::vector<std::string> out;
  for (const CLI::App* s : cmd->get_subcommands([](CLI::App* a) { return !a->get_name().empty(); })) {
    out.push_back(s->get_name());
  }
  return out;
}

// The words CLI11 lists after "...not expected: ", in command-line order (it
// lists them last first).
std::vector<std::string> unexpected_words(const std::string& message) {
  std::vector<std::string> words;
  auto colon = message.find(": ");
  if (colon == std::string::npos) return words;
  std::string rest = message.substr(colon + 2);
  size_t start = 0;
  while (start < rest.size()) {
    size_t end = rest.find(' ', start);
    if (end == std::string::npos) end = rest.size();
    if (end > start) words.insert(words.begin(), rest.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// One line on stderr, after `who` ("imagegate" or the command's path).
int usage(const std::string& line, const std::string& who) {
  std::fprintf(stderr, "%s: %s\n", who.c_str(), line.c_str());
  return static_cast<int>(ErrorCode::usage);
}

}  // namespace

int report_parse_error(CLI::App& app, const CLI::ParseError& e) {
  // --help and --version arrive as "errors" with exit code 0.
  if (e.get_exit_code() == 0) return app.exit(e);
  std::string path;
  CLI::App* cmd = deepest_command(app, path);
  const std::string help = fmt::format("; see `{} --help`", path);
  std::vector<std::string> words;
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    words = unexpected_words(e.what());
  } else if (!app.remaining(true).empty() && !subcommand_names(cmd).empty()) {
    // A mistyped command ("imagegate scna IMAGE", "imagegate db improt F")
    // shows up as "a subcommand is required", with the words left over (at
    // the top, where they fall through to).
    words = app.remaining(true);
  } else {
    // Bad values, missing arguments, exclusions: CLI11 names the option already.
    return usage(fmt::format("{}{}", e.what(), help), path);
  }
  for (const auto& w : words) {
    if (w.size() < 2 || w[0] != '-') continue;
    std::string flag = w.substr(0, w.find('='));
    std::string near = closest_word(flag, option_spellings(cmd));
    if (!near.empty()) {
      return usage(fmt::format("{} is not an option of `{}`; did you mean {}?", flag, path, near), "imagegate");
    }
    return usage(fmt::format("{} is not an option of `{}`{}", flag, path, help), "imagegate");
  }
  std::string word = words.empty() ? std::string("?") : words.front();
  std::string near = closest_word(word, subcommand_names(cmd));
  if (!near.empty()) {
    return usage(fmt::format("{} is not a command of `{}`; did you mean {}?", word, path, near), "imagegate");
  }
  return usage(fmt::format("unexpected argument '{}' to `{}`{}", word, path, help), "imagegate");
}

}  // namespace ig::cli
