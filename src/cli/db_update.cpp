// imagegate db update: downloads the advisory feeds and imports the changed
// ones into a new database file that replaces the old one only when all of
// them imported (engine: vulndb/update.h; feed list: vulndb/feeds.h).
#include "cli/db_update.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "util/fs.h"
#include "util/log.h"
#include "util/terminal.h"
#include "vulndb/feeds.h"
#include "vulndb/update.h"

namespace ig::cli {

namespace {

// Feed lists are small; a bigger file is a mistake.
constexpr uint64_t k_max_feeds_file = 4u << 20;
constexpr std::chrono::milliseconds k_default_retry_base{500};

struct UpdateFlags {
  std::string mirror;
  std::string feeds_file;
  std::vector<std::string> ecosystems, distros;
  std::string ca_file;
  int timeout_seconds = 3600;
  bool print_feeds = false;
};

std::string megabytes(uint64_t n) { return fmt::format("{:.1f} MB", static_cast<double>(n) / 1e6); }

std::chrono::milliseconds retry_base() {
  const char* env = std::getenv("IMAGEGATE_RETRY_BASE_MS");
  if (env == nullptr || *env == '\0') return k_default_retry_base;
  char* end = nullptr;
  long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 0 || v > 600000) {
    log::warn("IMAGEGATE_RETRY_BASE_MS='{}' is not a number of milliseconds; using {}", env,
              k_default_retry_base.count());
    return k_default_retry_base;
  }
  return std::chrono::milliseconds(v);
}

// One line per feed on stderr; on a terminal the line of the feed being
// downloaded is a bar redrawn in place (at most every 100 ms).
class FeedReporter {
 public:
  explicit FeedReporter(bool quiet)
      : quiet_(quiet),
        tty_(term::progress_style(quiet, term::environment_of(STDERR_FILENO)) == term::ProgressStyle::bars) {}

  void progress(const vulndb::Feed& f, uint64_t done, uint64_t total) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int k_width = 30;
    double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
    std::string bar(static_cast<size_t>(frac * k_width), '#');
    bar.resize(k_width, total > 0 ? ' ' : '?');
    std::fprintf(stderr, "\r\x1b[2K%s %s [%s] %s%s", prefix_.c_str(), f.name.c_str(), bar.c_str(),
                 megabytes(done).c_str(), total > 0 ? (" / " + megabytes(total)).c_str() : "");
    std::fflush(stderr);
    drawn_ = true;
  }
  void start(size_t index, size_t count) { prefix_ = fmt::format("[{:>{}}/{}]", index + 1, digits(count), count); }
  void line(const std::string& text) {
    if (quiet_) return;
    if (drawn_) std::fputs("\r\x1b[2K", stderr);
    drawn_ = false;
    std::fprintf(stderr, "%s %s\n", prefix_.c_str(), text.c_str());
    std::fflush(stderr);
  }

 private:
  static int digits(size_t n) { return static_cast<int>(std::to_string(n).size()); }
  bool quiet_, tty_;
  bool drawn_ = false;
  std::string prefix_;
  std::chrono::steady_clock::time_point last_draw_{};
};

Result<std::vector<vulndb::Feed>> chosen_feeds(const UpdateFlags& flags) {
  std::string text(vulndb::default_feed_list_yaml());
  std::string origin = "(built in)";
  if (!flags.feeds_file.empty()) {
    auto read = read_file(flags.feeds_file, k_max_feeds_file);
    if (!read) return fail(read.error().with_context("--feeds"));
    text = std::move(*read);
    origin = flags.feeds_file;
  }
  IG_ASSIGN(auto list, vulndb::parse_feed_list(text, origin));
  vulndb::FeedSelection sel{flags.ecosystems, flags.distros, flags.mirror};
  IG_ASSIGN(auto feeds, vulndb::select_feeds(list, sel));
  if (feeds.empty()) {
    return fail(ErrorCode::usage, "--ecosystems and --distros left no feed to update: name at least one");
  }
  return feeds;
}

int run_update(const GlobalOptions& global, const UpdateFlags& flags) {
  if (flags.print_feeds) {
    std::cout << vulndb::default_feed_list_yaml();
    return 0;
  }
  auto feeds = chosen_feeds(flags);
  if (!feeds) return report_error(feeds.error());
  vulndb::UpdateOptions o;
  o.database = database_path(global);
  o.feeds = std::move(*feeds);
  o.ca_file = flags.ca_file;
  o.timeout = std::chrono::seconds(flags.timeout_seconds);
  o.retry_base = retry_base();
  auto reporter = std::make_shared<FeedReporter>(global.quiet);
  o.events.downloading = [reporter](const vulndb::Feed&, size_t i, size_t n) { reporter->start(i, n); };
  o.events.progress = [reporter](const vulndb::Feed& f, uint64_t done, uint64_t total) {
    reporter->progress(f, done, total);
  };
  o.events.retrying = [reporter](const vulndb::Feed& f, int attempt, const std::string& why,
                                 std::chrono::milliseconds delay) {
    reporter->line(fmt::format("{}: attempt {} failed ({}); retrying in {} ms", f.name, attempt, why, delay.count()));
  };
  o.events.fetched = [reporter](const vulndb::FeedOutcome& r, size_t i, size_t n) {
    reporter->start(i, n);
    reporter->line(r.modified ? fmt::format("{}: downloaded {}", r.name, megabytes(r.bytes))
                              : fmt::format("{}: not modified", r.name));
  };
  o.events.imported = [reporter](const vulndb::FeedOutcome& r, size_t i, size_t n) {
    reporter->start(i, n);
    reporter->line(fmt::format("{}: imported {} record{}{}", r.name, r.stats.records, r.stats.records == 1 ? "" : "s",
                               r.stats.skipped ? fmt::format(" ({} skipped, see warnings)", r.stats.skipped) : ""));
  };
  auto r = vulndb::update_database(o);
  if (!r) return report_error(r.error().with_context(fmt::format("db update of {}", o.database.string())));
  size_t changed = 0;
  int64_t records = 0;
  for (const auto& f : r->feeds) {
    if (f.modified) ++changed;
    records += f.stats.records;
  }
  if (!r->replaced) {
    fmt::print("{} is up to date: none of the {} feeds changed, nothing was downloaded\n", o.database.string(),
               r->feeds.size());
  } else {
    fmt::print("updated {}: {} of {} feeds changed, {} records imported\n", o.database.string(), changed,
               r->feeds.size(), records);
  }
  return 0;
}

}  // namespace

void register_db_update(CLI::App& db, GlobalOptions& global, Runner& run) {
  auto flags = std::make_shared<UpdateFlags>();
  auto* cmd = db.add_subcommand("update", "Download the advisory feeds and import what changed, atomically "
                                          "(docs/db-update.md)");
  cmd->add_option("--mirror", flags->mirror, "Base URL replacing every feed's (MIRROR/BASE/PATH); file:// works");
  cmd->add_option("--feeds", flags->feeds_file, "Feed list (YAML) replacing the built-in one; see --print-feeds");
  cmd->add_option("--ecosystems", flags->ecosystems, "Only these language ecosystems, comma-separated, or none")
      ->delimiter(',');
  cmd->add_option("--distros", flags->distros, "Only these distros' feeds, comma-separated, or none")->delimiter(',');
  cmd->add_option("--ca-file", flags->ca_file, "PEM file of extra certificate authorities for the feeds' TLS");
  cmd->add_option("--timeout", flags->timeout_seconds, "Seconds one feed's download may take")
      ->check(CLI::Range(1, 86400));
  cmd->add_flag("--print-feeds", flags->print_feeds, "Print the built-in feed list (YAML) and exit");
  cmd->callback([&global, &run, flags] { run = [&global, flags] { return run_update(global, *flags); }; });
}

}  // namespace ig::cli
