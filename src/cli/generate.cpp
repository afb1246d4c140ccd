// imagegate __generate man DIR | completion bash|zsh|fish: the man pages and
// shell completions, made from the command definitions (cli/cli_docs.h).
// Hidden from --help: the Debian package build runs it, people need not.
#include <fmt/format.h>

#include <cstdio>

#include "cli/build_info.h"
#include "cli/cli_docs.h"
#include "cli/command.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

int write_man_pages(CLI::App& app, const std::string& dir) {
  if (auto made = make_dirs(dir); !made) return report_error(made.error().with_context("__generate man"));
  BuildInfo b = build_info();
  std::string date = b.build_date.substr(0, 10);
  auto all = collect_commands(app);
  for (const auto& c : all) {
    auto path = std::filesystem::path(dir) / (page_name(c) + ".1");
    if (auto w = atomic_write_file(path, man_page(c, all, date, b.version)); !w) return report_error(w.error());
  }
  return 0;
}

}  // namespace

void register_generate(CLI::App& app, GlobalOptions& /*global*/, Runner& run) {
  auto* gen = app.add_subcommand("__generate", "Write man pages or shell completions (used by the package build)");
  gen->group("");  // hidden
  gen->require_subcommand(1);

  auto dir = std::make_shared<std::string>();
  auto* man = gen->add_subcommand("man", "Write one man page per command into DIR");
  man->add_option("DIR", *dir, "Output directory")->required();
  man->callback([&app, &run, dir] { run = [&app, dir] { return write_man_pages(app, *dir); }; });

  auto shell = std::make_shared<std::string>();
  auto* comp = gen->add_subcommand("completion", "Print the completion script for SHELL");
  comp->add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  comp->callback([&app, &run, shell] {
    run = [&app, shell] {
      std::string script = completion_script(collect_commands(app), *shell);
      std::fwrite(script.data(), 1, script.size(), stdout);
      return std::fflush(stdout) == 0 ? 0 : static_cast<int>(ErrorCode::io);
    };
  });
}

}  // namespace ig::cli
