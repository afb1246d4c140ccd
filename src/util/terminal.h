// How output behaves on a terminal: whether to colour, and how to show
// progress. Pure decisions from the flags and the environment, so the CLI
// asks once and every printer agrees (and the rules are unit-tested).
#pragma once

#include <optional>
#include <string_view>

namespace ig::term {

// --color auto|always|never.
enum class ColorMode { automatic, always, never };

// nullopt for any other word.
std::optional<ColorMode> parse_color_mode(std::string_view word);

// What the process knows about one output stream and its environment.
struct Environment {
  bool is_tty = false;
  bool no_color = false;  // NO_COLOR set to a non-empty value (no-color.org)
  bool dumb = false;      // TERM=dumb or unset: no cursor movement, no colour
};

// Reads isatty(fd), NO_COLOR and TERM.
Environment environment_of(int fd);

// always: colour, whatever NO_COLOR says (an explicit flag beats the
// environment); never: none; automatic: only on a terminal that is not
// dumb and when NO_COLOR is unset or empty.
bool use_color(ColorMode mode, const Environment& env);

// bars: redrawn in place; lines: one line per finished step (pipelines, CI
// logs, TERM=dumb); none: --quiet.
enum class ProgressStyle { none, lines, bars };

ProgressStyle progress_style(bool quiet, const Environment& env);

// Whether text written to stderr may be coloured (log prefixes, error
// messages): set once by the CLI from use_color(), read by the printers.
void set_stderr_color(bool on);
bool stderr_color();

// The colour of one kind of text, as an SGR escape, and the reset.
enum class Tone { error, warning, good, bad, muted };
std::string_view sgr(Tone tone);
inline constexpr std::string_view k_sgr_reset = "\x1b[0m";

}  // namespace ig::term
