// The terminal decisions: --color against NO_COLOR and TERM, and progress
// bars against plain lines and --quiet.
#include "util/terminal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace ig::term {
namespace {

Environment tty() { return {.is_tty = true, .no_color = false, .dumb = false}; }

TEST(Terminal, ParsesTheThreeColorWords) {
  EXPECT_EQ(parse_color_mode("auto"), ColorMode::automatic);
  EXPECT_EQ(parse_color_mode("always"), ColorMode::always);
  EXPECT_EQ(parse_color_mode("never"), ColorMode::never);
  EXPECT_EQ(parse_color_mode("yes"), std::nullopt);
  EXPECT_EQ(parse_color_mode(""), std::nullopt);
}

TEST(Terminal, AutoColoursOnlyAPlainTerminal) {
  EXPECT_TRUE(use_color(ColorMode::automatic, tty()));
  Environment pipe = tty();
  pipe.is_tty = false;
  EXPECT_FALSE(use_color(ColorMode::automatic, pipe));
  Environment dumb = tty();
  dumb.dumb = true;
  EXPECT_FALSE(use_color(ColorMode::automatic, dumb));
}

TEST(Terminal, NoColorTurnsAutoOffButNotAnExplicitFlag) {
  Environment env = tty();
  env.no_color = true;
  EXPECT_FALSE(use_color(ColorMode::automatic, env));
  EXPECT_TRUE(use_color(ColorMode::always, env));
  EXPECT_FALSE(use_color(ColorMode::never, tty()));
  Environment pipe;
  EXPECT_TRUE(use_color(ColorMode::always, pipe));
}

TEST(Terminal, ProgressIsBarsOnATerminalLinesElsewhereNothingWhenQuiet) {
  EXPECT_EQ(progress_style(false, tty()), ProgressStyle::bars);
  Environment pipe;
  EXPECT_EQ(progress_style(false, pipe), ProgressStyle::lines);
  Environment dumb = tty();
  dumb.dumb = true;
  EXPECT_EQ(progress_style(false, dumb), ProgressStyle::lines);
  EXPECT_EQ(progress_style(true, tty()), ProgressStyle::none);
  EXPECT_EQ(progress_style(true, pipe), ProgressStyle::none);
}

TEST(Terminal, ReadsNoColorAndTermFromTheEnvironment) {
  // A pipe is never a terminal, whatever the test runner's stdout is.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::setenv("NO_COLOR", "1", 1);
  ::setenv("TERM", "xterm-256color", 1);
  Environment env = environment_of(fds[1]);
  EXPECT_FALSE(env.is_tty);
  EXPECT_TRUE(env.no_color);
  EXPECT_FALSE(env.dumb);
  // An empty NO_COLOR does not count (no-color.org).
  ::setenv("NO_COLOR", "", 1);
  ::setenv("TERM", "dumb", 1);
  env = environment_of(fds[1]);
  EXPECT_FALSE(env.no_color);
  EXPECT_TRUE(env.dumb);
  ::unsetenv("NO_COLOR");
  ::unsetenv("TERM");
  EXPECT_TRUE(environment_of(fds[1]).dumb);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace ig::term
