#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/aws_setup.h"
#include "cli/command.h"
#include "image/archive_source.h"
#include "image/registry_endpoints.h"
#include "util/duration.h"
#include "util/fs.h"

namespace ig::cli {

void ImageOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--platform", platform, "Platform to pick from a multi-platform image: os/arch[/variant] (default: host)");
  cmd.add_option("--username", username, "Registry user name (use with --password-stdin)");
  cmd.add_flag("--password-stdin", password_stdin, "Read the registry password from standard input");
  cmd.add_option("--ca-file", ca_file, "PEM file of extra certificate authorities for registry TLS");
  cmd.add_option("--insecure", insecure_hosts, "Registry host[:port] for which TLS verification is skipped (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--timeout", timeout,
                 "Total timeout for registry operations, retries included: seconds (300) or a duration (30s, 5m, "
                 "1h)");
  cmd.add_flag("--no-cache", no_cache, "Neither read nor write the local cache");
}

void ImageOptions::add_input_to(CLI::App& cmd) {
  cmd.add_option("--input", input,
                 "Read the image from this archive instead of IMAGE: docker save output or an OCI archive, told "
                 "apart by content");
}

Result<std::string> ImageOptions::image_input(const std::string& positional) const {
  if (!input.empty() && !positional.empty()) {
    return fail(ErrorCode::usage, "give either IMAGE ('{}') or --input {}, not both", positional, input);
  }
  if (!input.empty()) return image::archive_input(input);
  if (positional.empty()) return fail(ErrorCode::usage, "no image given: name one as IMAGE or give --input ARCHIVE");
  return positional;
}

Result<image::ResolveOptions> ImageOptions::to_resolve_options(const GlobalOptions& global) const {
  image::ResolveOptions o;
  if (!platform.empty()) {
    IG_ASSIGN(o.platform, image::Platform::parse(platform));
  }
  o.registry.username = username;
  if (password_stdin) {
    if (username.empty()) {
      return fail(ErrorCode::usage, "--password-stdin needs --username: give the user name the password belongs to");
    }
    std::string pw;
    std::getline(std::cin, pw);
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
    if (pw.empty()) return fail(ErrorCode::usage, "--password-stdin: standard input was empty; pipe the password in");
    o.registry.password = std::move(pw);
  } else if (!username.empty()) {
    return fail(ErrorCode::usage, "--username needs --password-stdin: pipe the password on standard input");
  }
  o.registry.ca_file = ca_file;
  o.registry.insecure_hosts = insecure_hosts;
  IG_ASSIGN(o.registry.timeout, parse_duration("--timeout", timeout));
  o.cache_dir = global.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(global.cache_dir);
  o.use_cache = !no_cache;
  IG_ASSIGN(o.registry.endpoints, image::load_registry_endpoints());
  o.registry.credential_provider = ecr_credential_provider(o.cache_dir / "aws" / "ecr");
  return o;
}

int report_error(const Error& e) {
  std::fprintf(stderr, "imagegate: error: %s\n", e.message.c_str());
  return e.exit_code();
}

}  // namespace ig::cli
