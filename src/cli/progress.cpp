#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "image/registry.h"
#include "util/terminal.h"

namespace ig::cli {

namespace {

// Redraws every bar in place (cursor up N lines), at most every 100 ms except
// when a blob completes, so a fast download does not flood the terminal.
class ProgressBoard {
 public:
  void update(const std::string& digest, uint64_t done, uint64_t total) {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = blobs_.try_emplace(digest, Entry{done, total, blobs_.size()});
    it->second.done = done;
    it->second.total = total;
    auto now = std::chrono::steady_clock::now();
    if (!fresh && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw();
  }

 private:
  struct Entry {
    uint64_t done;
    uint64_t total;
    size_t row;
  };

  void draw() {
    constexpr int k_width = 30;
    if (drawn_rows_ > 0) std::fprintf(stderr, "\x1b[%zuA", drawn_rows_);
    std::vector<const std::pair<const std::string, Entry>*> rows(blobs_.size());
    for (const auto& kv : blobs_) rows[kv.second.row] = &kv;
    for (const auto* kv : rows) {
      const Entry& e = kv->second;
      double frac = e.total > 0 ? static_cast<double>(e.done) / static_cast<double>(e.total) : 1.0;
      int fill = static_cast<int>(frac * k_width);
      std::string bar(static_cast<size_t>(fill), '#');
      bar.resize(k_width, ' ');
      std::fprintf(stderr, "\r\x1b[2K%.19s [%s] %3d%% %.1f/%.1f MB\n", kv->first.c_str(), bar.c_str(),
                   static_cast<int>(frac * 100), static_cast<double>(e.done) / 1e6, static_cast<double>(e.total) / 1e6);
    }
    drawn_rows_ = rows.size();
    std::fflush(stderr);
  }

  std::mutex mutex_;
  std::map<std::string, Entry> blobs_;
  size_t drawn_rows_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Without a terminal: one line per blob when its download completes, so a CI
// log shows what was fetched and how big it was, without redraws.
class ProgressLines {
 public:
  void update(const std::string& digest, uint64_t done, uint64_t total) {
    if (total == 0 || done < total) return;
    std::lock_guard lock(mutex_);
    if (!finished_.insert(digest).second) return;
    std::fprintf(stderr, "imagegate: downloaded %.19s (%.1f MB)\n", digest.c_str(), static_cast<double>(total) / 1e6);
    std::fflush(stderr);
  }

 private:
  std::mutex mutex_;
  std::set<std::string> finished_;
};

}  // namespace

void attach_progress(const image::ResolvedImage& img, const GlobalOptions& global) {
  auto style = term::progress_style(global.quiet, term::environment_of(STDERR_FILENO));
  if (style == term::ProgressStyle::none || img.kind != image::SourceKind::registry) return;
  auto* source = dynamic_cast<image::RegistrySource*>(img.source.get());
  if (source == nullptr) return;
  if (style == term::ProgressStyle::lines) {
    auto lines = std::make_shared<ProgressLines>();
    source->client().set_progress(
        [lines](const std::string& digest, uint64_t done, uint64_t total) { lines->update(digest, done, total); });
    return;
  }
  auto board = std::make_shared<ProgressBoard>();
  source->client().set_progress(
      [board](const std::string& digest, uint64_t done, uint64_t total) { board->update(digest, done, total); });
}

}  // namespace ig::cli
