// Man pages and shell completions generated from the CLI11 definitions, so
// they can never disagree with the flags the binary takes. The Debian
// package runs `imagegate __generate` at build time (cmake/Package.cmake).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace ig::cli {

struct OptionDoc {
  std::vector<std::string> spellings;  // "--format", "-f"
  std::string value_name;              // "" for a flag
  std::string description;
  std::string env;  // environment variable that also sets it, or ""
};

struct CommandDoc {
  std::vector<std::string> path;  // {} for imagegate itself, {"db", "import"}
  std::string description;
  std::vector<OptionDoc> options;         // its own
  std::vector<OptionDoc> global_options;  // its ancestors', which fall through to it
  std::vector<std::pair<std::string, std::string>> positionals;  // name, description
  std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
};

// Every visible command, parents before children; hidden ones (empty
// group, such as __generate) and their children are left out.
std::vector<CommandDoc> collect_commands(CLI::App& app);

// "imagegate-db-import"
std::string page_name(const CommandDoc& c);

// A roff man page (section 1); `date` and `version` go in its header.
std::string man_page(const CommandDoc& c, const std::vector<CommandDoc>& all, const std::string& date,
                     const std::string& version);

// The completion script for "bash", "zsh" or "fish"; "" for another shell.
std::string completion_script(const std::vector<CommandDoc>& all, const std::string& shell);

}  // namespace ig::cli
