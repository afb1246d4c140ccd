#include "util/process.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

TEST(Process, PassesStdinAndCollectsStdout) {
  auto r = run_process({"cat"}, "hello\nworld");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "hello\nworld");
}

TEST(Process, ReportsExitCodeAndStderrWithoutAShell) {
  // The argument reaches sh verbatim: no word splitting or expansion by us.
  auto r = run_process({"sh", "-c", "echo 'to err' >&2; exit 3"}, "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->err, "to err\n");
  auto literal = run_process({"echo", "$HOME;", "*"}, "");
  ASSERT_TRUE(literal);
  EXPECT_EQ(literal->out, "$HOME; *\n");
}

TEST(Process, MissingProgramIsNotFound) {
  auto r = run_process({"imagegate-no-such-program-xyz"}, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("imagegate-no-such-program-xyz"), std::string::npos);
}

TEST(Process, ChildThatIgnoresStdinDoesNotKillUs) {
  std::string big(4 << 20, 'x');  // more than a pipe buffer
  auto r = run_process({"true"}, big);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
}

TEST(Process, BoundsOutput) {
  ProcessOptions o;
  o.max_output = 1000;
  auto r = run_process({"head", "-c", "100000", "/dev/zero"}, "", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::io);
}

TEST(Process, KillsAProgramThatDoesNotFinish) {
  ProcessOptions o;
  o.timeout = std::chrono::milliseconds(200);
  auto r = run_process({"sleep", "30"}, "", o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("did not finish"), std::string::npos);
}

}  // namespace
}  // namespace ig
