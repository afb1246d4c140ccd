// imagegate: decide whether a container image may be deployed.
#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <exception>

#include "cli/build_info.h"
#include "cli/command.h"
#include "util/log.h"
#include "util/terminal.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

int main(int argc, char** argv) {
  CLI::App app{"imagegate: read, inventory, scan and verify container images"};
  {
    ig::cli::BuildInfo b = ig::cli::build_info();
    app.set_version_flag("--version", fmt::format("imagegate {} (commit {}, built {})", b.version, b.commit, b.build_date));
  }
  app.require_subcommand(1);
  // Global flags also work after the command (`imagegate scan -q IMAGE`), as
  // Trivy users type them; set before the commands are added, which inherit it.
  app.fallthrough();
  ig::cli::GlobalOptions global;
  app.add_option("--cache-dir", global.cache_dir, "Cache directory (default $XDG_CACHE_HOME/imagegate)");
  app.add_option("--db", global.db, "Vulnerability database file (default <cache dir>/db/imagegate.db)")
      ->envname("IMAGEGATE_DB");
  app.add_flag("-q,--quiet", global.quiet, "Print only errors");
  app.add_flag("--debug", global.debug, "Print debug diagnostics");
  app.add_option("--color", global.color,
                 "Colour on standard error: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  ig::cli::Runner run;
  ig::cli::register_inspect(app, global, run);
  ig::cli::register_cache(app, global, run);
  ig::cli::register_db(app, global, run);
  ig::cli::register_files(app, global, run);
  ig::cli::register_version(app, global, run);
  ig::cli::register_sbom(app, global, run);
  ig::cli::register_scan(app, global, run);
  ig::cli::register_key(app, global, run);
  ig::cli::register_sign(app, global, run);
  ig::cli::register_verify(app, global, run);
  ig::cli::register_attach(app, global, run);
  ig::cli::register_referrers(app, global, run);
  ig::cli::register_verify_blob(app, global, run);
  ig::cli::register_verify_attestation(app, global, run);
  ig::cli::register_check(app, global, run);
  ig::cli::register_policy(app, global, run);
  ig::cli::register_lambda(app, global, run);
  ig::cli::register_generate(app, global, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ig::cli::report_parse_error(app, e);
  }
  auto color = ig::term::parse_color_mode(global.color);
  ig::term::set_stderr_color(ig::term::use_color(color.value_or(ig::term::ColorMode::automatic),
                                                 ig::term::environment_of(STDERR_FILENO)));
  if (global.debug) {
    ig::log::set_level(ig::log::Level::debug);
  } else if (global.quiet) {
    ig::log::set_level(ig::log::Level::error);
  }
  try {
    return run ? run() : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imagegate: internal error: %s\n(this is a bug in imagegate; please report it)\n", e.what());
    return static_cast<int>(ig::ErrorCode::internal);
  }
}
