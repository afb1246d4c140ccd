// imagegate policy validate FILE | policy init: check a policy file and write
// a starting one. The format is in docs/check.md.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "policy/policy.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

Result<int> run_validate(const std::string& file) {
  IG_ASSIGN(auto p, policy::load_policy(file));
  std::cout << file << ": valid policy (version " << p.version << ")\n";
  return 0;
}

Result<int> run_init(const std::string& output, bool force) {
  std::string text = policy::starter_policy();
  if (output.empty() || output == "-") {
    std::cout << text;
    return 0;
  }
  std::error_code ec;
  if (!force && std::filesystem::exists(output, ec)) {
    return fail(ErrorCode::usage, "{} exists; pick another --output or add --force to replace it", output);
  }
  IG_TRY(atomic_write_file(output, text));
  std::cerr << "wrote a starting policy to " << output << "; check it with `imagegate policy validate " << output
            << "`\n";
  return 0;
}

}  // namespace

void register_policy(CLI::App& app, GlobalOptions& /*global*/, Runner& run) {
  auto* cmd = app.add_subcommand("policy", "Deploy-gate policy files: validate, init (docs/check.md)");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto* validate = cmd->add_subcommand("validate", "Report every error in a policy file with its line (exit 0 valid, 2 not)");
  validate->add_option("FILE", *file, "Policy file (YAML or JSON)")->required();
  validate->callback([&run, file] {
    run = [file]() -> int {
      auto r = run_validate(*file);
      return r ? *r : report_error(r.error());
    };
  });
  auto output = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* init = cmd->add_subcommand("init", "Write a commented starting policy (to standard output, or --output FILE)");
  init->add_option("-o,--output", *output, "Write the policy to FILE (refuses to replace one without --force)");
  init->add_flag("--force", *force, "Replace an existing --output file");
  init->callback([&run, output, force] {
    run = [output, force]() -> int {
      auto r = run_init(*output, *force);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
