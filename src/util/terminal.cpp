#include "util/terminal.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace ig::term {

namespace {
std::atomic<bool> g_stderr_color{false};
}  // namespace

void set_stderr_color(bool on) { g_stderr_color = on; }
bool stderr_color() { return g_stderr_color; }

std::optional<ColorMode> parse_color_mode(std::string_view word) {
  if (word == "auto") return ColorMode::automatic;
  if (word == "always") return ColorMode::always;
  if (word == "never") return ColorMode::never;
  return std::nullopt;
}

Environment environment_of(int fd) {
  Environment env;
  env.is_tty = ::isatty(fd) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  env.no_color = no_color != nullptr && *no_color != '\0';
  const char* term = std::getenv("TERM");
  env.dumb = term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0;
  return env;
}

bool use_color(ColorMode mode, const Environment& env) {
  switch (mode) {
    case ColorMode::always: return true;
    case ColorMode::never: return false;
    case ColorMode::automatic: return env.is_tty && !env.dumb && !env.no_color;
  }
  return false;
}

ProgressStyle progress_style(bool quiet, const Environment& env) {
  if (quiet) return ProgressStyle::none;
  return env.is_tty && !env.dumb ? ProgressStyle::bars : ProgressStyle::lines;
}

std::string_view sgr(Tone tone) {
  switch (tone) {
    case Tone::error: return "\x1b[1;31m";
    case Tone::warning: return "\x1b[33m";
    case Tone::good: return "\x1b[32m";
    case Tone::bad: return "\x1b[1;31m";
    case Tone::muted: return "\x1b[2m";
  }
  return "";
}

}  // namespace ig::term
