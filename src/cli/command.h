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
};

// Options for commands that read an image (inspect, sbom, scan, ...).
struct ImageOptions {
  std::string platform;
  std::string username;
  bool password_stdin = false;
  std::string ca_file;
  std::vector<std::string> insecure_hosts;
  int timeout_seconds = 300;
  bool no_cache = false;

  void add_to(CLI::App& cmd);
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

// The vulnerability database file: --db, else $IMAGEGATE_DB, else
// <cache dir>/db/imagegate.db. Defined in db.cpp.
std::filesystem::path database_path(const GlobalOptions& global);

// Prints `e` for a person and returns its exit code.
int report_error(const Error& e);

}  // namespace ig::cli
