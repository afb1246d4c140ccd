#include "util/duration.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

int64_t secs(std::string_view text) {
  auto d = parse_duration("--timeout", text);
  EXPECT_TRUE(d) << text << ": " << (d ? "" : d.error().message);
  return d ? d->count() : -1;
}

TEST(Duration, BareNumbersAreSeconds) {
  EXPECT_EQ(secs("300"), 300);
  EXPECT_EQ(secs("1"), 1);
}

TEST(Duration, TakesGoUnitsAsTrivyDoes) {
  EXPECT_EQ(secs("30s"), 30);
  EXPECT_EQ(secs("5m"), 300);
  EXPECT_EQ(secs("1h"), 3600);
  EXPECT_EQ(secs("1h30m"), 5400);
  EXPECT_EQ(secs("2m30s"), 150);
  EXPECT_EQ(secs("1.5h"), 5400);
  EXPECT_EQ(secs("1500ms"), 2);  // rounded up, never down to zero
  EXPECT_EQ(secs("10m0s"), 600);  // what Go prints for a Duration
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (std::string_view bad : {"", "abc", "5x", "m", "1h30", "-5m", "0", "0s", "5 m", "1d", "10us", "1..5s"}) {
    auto d = parse_duration("--timeout", bad);
    ASSERT_FALSE(d) << "accepted '" << bad << "'";
    EXPECT_EQ(d.error().code, ErrorCode::usage);
    EXPECT_NE(d.error().message.find("--timeout"), std::string::npos) << d.error().message;
  }
  EXPECT_FALSE(parse_duration("--timeout", "9000h"));
}

}  // namespace
}  // namespace ig
