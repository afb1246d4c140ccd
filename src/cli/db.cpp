// imagegate db import|status|build: fill, inspect and package the local
// vulnerability database. (db push/pull through a registry comes later.)
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "util/fs.h"
#include "util/log.h"
#include "vulndb/database.h"
#include "vulndb/importer.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

std::filesystem::path database_path(const GlobalOptions& global) {
  if (!global.db.empty()) return global.db;
  if (const char* env = std::getenv("IMAGEGATE_DB"); env && *env) return env;
  std::filesystem::path cache = global.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(global.cache_dir);
  return cache / "db" / "imagegate.db";
}

namespace {

struct DbOptions {
  std::vector<std::string> sources;
  std::string kind;
  std::string name;
  std::string format = "text";
  std::string output;
  bool force = false;
};

std::string human_age(int64_t seconds) {
  if (seconds < 0) return "never";
  if (seconds < 120) return fmt::format("{} seconds ago", seconds);
  if (seconds < 7200) return fmt::format("{} minutes ago", seconds / 60);
  if (seconds < 172800) return fmt::format("{} hours ago", seconds / 3600);
  return fmt::format("{} days ago", seconds / 86400);
}

int run_import(const GlobalOptions& global, const DbOptions& o) {
  std::optional<vulndb::SourceKind> kind;
  if (!o.kind.empty()) {
    auto k = vulndb::parse_source_kind(o.kind);
    if (!k) return report_error(k.error());
    kind = *k;
  }
  if (!o.name.empty() && o.sources.size() > 1) {
    return report_error(Error{ErrorCode::usage, "--name names one source: import the sources one at a time"});
  }
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::write);
  if (!db) return report_error(db.error());
  for (const auto& src : o.sources) {
    auto r = vulndb::import_source(*db, src, kind, o.name);
    if (!r) return report_error(r.error().with_context(fmt::format("importing {}", src)));
    fmt::print("imported {} {} record{} from {}{}\n", r->stats.records, vulndb::source_kind_name(r->kind),
               r->stats.records == 1 ? "" : "s", src,
               r->stats.skipped ? fmt::format(" ({} skipped, see warnings)", r->stats.skipped) : "");
  }
  return 0;
}

nlohmann::json status_json(const vulndb::DatabaseStatus& s) {
  nlohmann::json j;
  j["path"] = s.path;
  j["schema_version"] = s.schema_version;
  j["built_at"] = s.built_at.empty() ? nlohmann::json() : nlohmann::json(s.built_at);
  j["updated_at"] = s.updated_at.empty() ? nlohmann::json() : nlohmann::json(s.updated_at);
  j["age_seconds"] = s.age_seconds < 0 ? nlohmann::json() : nlohmann::json(s.age_seconds);
  j["sources"] = nlohmann::json::array();
  for (const auto& src : s.sources) {
    j["sources"].push_back({{"name", src.name},
                            {"kind", src.kind},
                            {"location", src.location},
                            {"records", src.records},
                            {"imported_at", src.imported_at}});
  }
  j["counts"] = {{"vulnerabilities", s.vulnerabilities}, {"affected", s.affected}, {"kev", s.kev}, {"epss", s.epss}};
  return j;
}

void status_text(const vulndb::DatabaseStatus& s) {
  fmt::print("Database:     {}\n", s.path);
  fmt::print("Schema:       {}\n", s.schema_version);
  if (!s.built_at.empty()) fmt::print("Built:        {}\n", s.built_at);
  fmt::print("Updated:      {}\n", s.updated_at.empty() ? "never" : s.updated_at);
  fmt::print("Age:          {}\n", human_age(s.age_seconds));
  fmt::print("Records:      {} vulnerabilities, {} affected packages, {} KEV entries, {} EPSS scores\n",
             s.vulnerabilities, s.affected, s.kev, s.epss);
  if (s.sources.empty()) {
    fmt::print("Sources:      none yet: run `imagegate db import SOURCE`\n");
    return;
  }
  fmt::print("Sources:\n  {:<8} {:>9}  {:<20}  {}\n", "KIND", "RECORDS", "IMPORTED", "NAME");
  for (const auto& src : s.sources) {
    fmt::print("  {:<8} {:>9}  {:<20}  {}\n", src.kind, src.records, src.imported_at, src.name);
  }
}

int run_status(const GlobalOptions& global, const DbOptions& o) {
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::read);
  if (!db) return report_error(db.error());
  auto s = db->status();
  if (!s) return report_error(s.error());
  if (o.format == "json") {
    std::cout << status_json(*s).dump(2) << "\n";
  } else {
    status_text(*s);
  }
  return 0;
}

int run_build(const GlobalOptions& global, const DbOptions& o) {
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::read);
  if (!db) return report_error(db.error());
  auto r = db->build_into(o.output, "imagegate " IG_VERSION, o.force);
  if (!r) return report_error(r.error());
  log::info("wrote {}", o.output);
  return 0;
}

}  // namespace

void register_db(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto opts = std::make_shared<DbOptions>();
  auto* db = app.add_subcommand("db", "Manage the local vulnerability database");
  db->require_subcommand(1);

  auto* imp = db->add_subcommand("import", "Import advisories: OSV files/dirs/all.zip, Alpine secdb, Debian tracker "
                                           "JSON, CISA KEV, EPSS CSV");
  imp->add_option("SOURCE", opts->sources, "Files or directories to import")->required();
  imp->add_option("--kind", opts->kind, "Feed kind (default: detected from the content)")
      ->check(CLI::IsMember({"osv", "secdb", "debian", "kev", "epss"}));
  imp->add_option("--name", opts->name, "Source name to record (default: KIND:ABSOLUTE-PATH); a re-import under "
                                        "the same name replaces the earlier one");
  imp->callback([&global, &run, opts] { run = [&global, opts] { return run_import(global, *opts); }; });

  auto* status = db->add_subcommand("status", "Show the database's sources, record counts and age");
  status->add_option("--format", opts->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  status->callback([&global, &run, opts] { run = [&global, opts] { return run_status(global, *opts); }; });

  auto* build = db->add_subcommand("build", "Write a compact, self-contained copy of the database for distribution");
  build->add_option("--output,-o", opts->output, "File to write")->required();
  build->add_flag("--force", opts->force, "Replace --output if it exists");
  build->callback([&global, &run, opts] { run = [&global, opts] { return run_build(global, *opts); }; });
}

}  // namespace ig::cli
