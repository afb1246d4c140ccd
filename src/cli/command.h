// Shared plumbing for the thin command files in src/cli: global options, the
// options every image-reading command takes, and the registration hook.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "image/resolve.h"
#include "util/error.h"

namespace ig::cli {

struct GlobalOptions {
  std::string cache_dir;
  std::string db;  // --db / $IMAGEGATE_DB; "" means <cache_dir>/db/imagegate.db (see database_path)
  bool quiet = false;
  bool debug = false;
  std::string color = "auto";  // --color auto|always|never (util/terminal.h)
};

// Options for commands that read an image (inspect, sbom, scan, ...).
struct ImageOptions {
  std::string platform;
  std::string username;
  bool password_stdin = false;
  std::string ca_file;
  std::vector<std::string> insecure_hosts;
  std::string timeout = "300";  // seconds, or a Go/Trivy duration (5m, 30s, 1h)
  bool no_cache = false;
  std::string input;  // --input FILE: an archive in place of IMAGE (Trivy's flag)

  void add_to(CLI::App& cmd);
  // Adds --input FILE, for commands whose IMAGE argument is then optional.
  void add_input_to(CLI::App& cmd);
  // What to resolve: `positional` (the IMAGE argument) or the --input archive
  // as "docker-archive:FILE"/"oci-archive:FILE"; usage error for both or neither.
  Result<std::string> image_input(const std::string& positional) const;
  // Builds ResolveOptions; reads the password from stdin when asked.
  Result<image::ResolveOptions> to_resolve_options(const GlobalOptions& global) const;
};

// A command's body: returns the process exit code.
using Runner = std::function<int()>;

// Each command file defines one of these; main.cpp calls them all.
void register_inspect(CLI::App& app, GlobalOptions& global, Runner& run);
void register_cache(CLI::App& app, GlobalOptions& global, Runner& run);
void register_db(CLI::App& app, GlobalOptions& global, Runner& run);
void register_files(CLI::App& app, GlobalOptions& global, Runner& run);
void register_version(CLI::App& app, GlobalOptions& global, Runner& run);
void register_sbom(CLI::App& app, GlobalOptions& global, Runner& run);
void register_scan(CLI::App& app, GlobalOptions& global, Runner& run);
void register_key(CLI::App& app, GlobalOptions& global, Runner& run);
void register_sign(CLI::App& app, GlobalOptions& global, Runner& run);
void register_verify(CLI::App& app, GlobalOptions& global, Runner& run);
void register_attach(CLI::App& app, GlobalOptions& global, Runner& run);
void register_referrers(CLI::App& app, GlobalOptions& global, Runner& run);
void register_verify_blob(CLI::App& app, GlobalOptions& global, Runner& run);
void register_verify_attestation(CLI::App& app, GlobalOptions& global, Runner& run);
void register_check(CLI::App& app, GlobalOptions& global, Runner& run);
void register_policy(CLI::App& app, GlobalOptions& global, Runner& run);
void register_lambda(CLI::App& app, GlobalOptions& global, Runner& run);
// Hidden: man pages and completions from these definitions (generate.cpp).
void register_generate(CLI::App& app, GlobalOptions& global, Runner& run);

// The vulnerability database file: --db, else $IMAGEGATE_DB, else
// <cache dir>/db/imagegate.db. Defined in db.cpp.
std::filesystem::path database_path(const GlobalOptions& global);

// Prints `e` for a person and returns its exit code.
int report_error(const Error& e);

// Prints a command-line parse error as one line naming the flag (with the
// closest valid spelling for that command) and returns 2; --help and
// --version print their text and return 0. Defined in usage.cpp.
int report_parse_error(CLI::App& app, const CLI::ParseError& e);

}  // namespace ig::cli
