#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "util/terminal.h"

namespace ig::log {

namespace {
std::atomic<Level> g_level{Level::warn};
std::mutex g_write_mutex;
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, std::string_view message) {
  static constexpr const char* k_prefix[] = {"debug", "info", "warning", "error", ""};
  std::string_view on, off;
  if (term::stderr_color() && (l == Level::warn || l == Level::error)) {
    on = term::sgr(l == Level::error ? term::Tone::error : term::Tone::warning);
    off = term::k_sgr_reset;
  }
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "imagegate: %.*s%s%.*s: %.*s\n", static_cast<int>(on.size()), on.data(),
               k_prefix[static_cast<int>(l)], static_cast<int>(off.size()), off.data(), static_cast<int>(message.size()),
               message.data());
}

}  // namespace ig::log
