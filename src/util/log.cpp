#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace ig::log {

namespace {
std::atomic<Level> g_level{Level::warn};
std::mutex g_write_mutex;
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, std::string_view message) {
  static constexpr const char* k_prefix[] = {"debug", "info", "warning", "error", ""};
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "imagegate: %s: %.*s\n", k_prefix[static_cast<int>(l)], static_cast<int>(message.size()),
               message.data());
}

}  // namespace ig::log
