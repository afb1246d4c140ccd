#include "aws/logs.h"

#include <gtest/gtest.h>

#include <random>

namespace ig::aws {
namespace {

// A report of `bytes` bytes mixing 1- to 4-byte UTF-8 sequences, so that
// cuts land inside multi-byte characters.
std::string mixed_text(size_t bytes, unsigned seed = 7) {
  static const char* chars[] = {"a", "{", "\n", "\xC3\xA9" /* é */, "\xE2\x82\xAC" /* € */,
                                "\xF0\x9F\x93\xA6" /* 📦 */};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < bytes) s += chars[rng() % 6];
  return s;
}

bool is_valid_utf8(const std::string& s) { return valid_utf8(s) == s; }

TEST(LogsSplit, PiecesJoinBackAndNeverCutACharacter) {
  std::string text = mixed_text(100'000);
  for (size_t max : {4u, 5u, 6u, 7u, 1000u, 4096u}) {
    auto pieces = split_utf8(text, max);
    std::string joined;
    for (const auto& p : pieces) {
      EXPECT_LE(p.size(), max);
      EXPECT_FALSE(p.empty());
      EXPECT_TRUE(is_valid_utf8(p)) << "a piece of at most " << max << " bytes cut a character";
      joined += p;
    }
    EXPECT_EQ(joined, text);
  }
  EXPECT_TRUE(split_utf8("", 10).empty());
}

TEST(LogsSplit, CutBacksUpToTheLeadByte) {
  // "ab" then a 4-byte character: a 4-byte limit must not cut it.
  auto pieces = split_utf8("ab\xF0\x9F\x93\xA6", 4);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "ab");
  EXPECT_EQ(pieces[1], "\xF0\x9F\x93\xA6");
}

TEST(LogsUtf8, InvalidSequencesBecomeReplacementCharacters) {
  EXPECT_EQ(valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(valid_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(valid_utf8("\xC3"), "\xEF\xBF\xBD");                      // truncated
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(LogsEvents, FiveMegabyteReportBecomesOrderedEventsThatReassembleExactly) {
  std::string report = mixed_text(5 * 1024 * 1024);
  auto events = report_events(report, "20261204T163000Z-ab12", 1'700'000'000'000);
  ASSERT_GT(events.size(), 20u);
  std::vector<std::string> messages;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    EXPECT_LE(e.message.size() + k_logs_event_overhead, k_logs_max_event_bytes);
    EXPECT_TRUE(e.message.starts_with(part_marker("20261204T163000Z-ab12", i + 1, events.size())));
    EXPECT_EQ(e.timestamp_ms, 1'700'000'000'000 + static_cast<int64_t>(i));
    EXPECT_TRUE(is_valid_utf8(e.message));
    messages.push_back(e.message);
  }
  // Events arrive in any order beside another run's.
  std::reverse(messages.begin(), messages.end());
  messages.push_back(part_marker("other", 1, 1) + "not ours");
  auto back = reassemble(messages, "20261204T163000Z-ab12");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, report);
}

TEST(LogsEvents, SmallAndEmptyReportsAreOneEvent) {
  auto one = report_events("Verdict: ALLOW\n", "r", 5);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].message, "[imagegate r 1/1]\nVerdict: ALLOW\n");
  auto empty = report_events("", "r", 5);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(*reassemble({empty[0].message}, "r"), "");
}

TEST(LogsEvents, MarkerWidthGrowsWithTheCount) {
  // 100 bytes per event: the marker of part 10/10 is one byte longer than
  // that of 9/9, and every event still fits.
  std::string text(500, 'x');
  auto events = report_events(text, "r", 0, 100);
  for (const auto& e : events) EXPECT_LE(e.message.size() + k_logs_event_overhead, 100u);
  std::vector<std::string> m;
  for (const auto& e : events) m.push_back(e.message);
  EXPECT_EQ(*reassemble(m, "r"), text);
}

TEST(LogsEvents, ReassemblyRefusesMissingRepeatedAndForeignParts) {
  auto events = report_events(std::string(1000, 'y'), "r", 0, 200);
  ASSERT_GT(events.size(), 2u);
  std::vector<std::string> m;
  for (const auto& e : events) m.push_back(e.message);
  auto missing = m;
  missing.erase(missing.begin() + 1);
  EXPECT_EQ(reassemble(missing, "r").error().code, ErrorCode::invalid_image);
  auto repeated = m;
  repeated.push_back(m[0]);
  EXPECT_EQ(reassemble(repeated, "r").error().code, ErrorCode::invalid_image);
  EXPECT_EQ(reassemble(m, "nope").error().code, ErrorCode::not_found);
  EXPECT_EQ(reassemble({"[imagegate r x/2]\n"}, "r").error().code, ErrorCode::invalid_image);
}

TEST(LogsBatches, FiveMegabytesStayWithinTheByteLimitInOrder) {
  std::string report = mixed_text(5 * 1024 * 1024, 11);
  auto events = report_events(report, "run", 1000);
  auto batches = plan_batches(events);
  // 5 MiB at under 1 MiB a call: at least 6 calls; 4 full events fit a call.
  EXPECT_GE(batches.size(), 6u);
  size_t seen = 0;
  int64_t last = 0;
  std::vector<std::string> m;
  for (const auto& b : batches) {
    EXPECT_LE(batch_bytes(b), k_logs_max_batch_bytes);
    EXPECT_LE(b.size(), k_logs_max_batch_events);
    EXPECT_FALSE(b.empty());
    for (const auto& e : b) {
      EXPECT_GE(e.timestamp_ms, last);
      last = e.timestamp_ms;
      m.push_back(e.message);
    }
    seen += b.size();
  }
  EXPECT_EQ(seen, events.size());
  EXPECT_EQ(*reassemble(m, "run"), report);
}

TEST(LogsBatches, CountLimitSplitsManySmallEvents) {
  std::vector<LogEvent> events;
  for (int i = 0; i < 25'001; ++i) events.push_back({i, "x"});
  auto batches = plan_batches(events);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size(), 10'000u);
  EXPECT_EQ(batches[1].size(), 10'000u);
  EXPECT_EQ(batches[2].size(), 5'001u);
  EXPECT_EQ(batches[2].back().timestamp_ms, 25'000);
}

TEST(LogsBatches, ByteLimitCountsTwentySixBytesPerEvent) {
  // 1,048,576 / (100 + 26) = 8,322 events of 100 bytes fit a call.
  std::vector<LogEvent> events(9'000, LogEvent{0, std::string(100, 'z')});
  auto batches = plan_batches(events);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].size(), 8'322u);
  EXPECT_LE(batch_bytes(batches[0]), k_logs_max_batch_bytes);
  EXPECT_GT(batch_bytes(batches[0]) + 126, k_logs_max_batch_bytes);
}

TEST(LogsBatches, SortsByTimeStablyAndNeverSpansADay) {
  const int64_t day = 24LL * 3600 * 1000;
  std::vector<LogEvent> events{{day + 5, "late"}, {0, "first"}, {0, "second"}, {day, "edge"}, {day + 1, "next"}};
  auto batches = plan_batches(events);
  ASSERT_EQ(batches.size(), 2u);
  ASSERT_EQ(batches[0].size(), 3u);
  EXPECT_EQ(batches[0][0].message, "first");
  EXPECT_EQ(batches[0][1].message, "second");
  EXPECT_EQ(batches[0][2].message, "edge");  // exactly 24 h after the first: allowed
  EXPECT_EQ(batches[1][0].message, "next");
  EXPECT_EQ(batches[1][1].message, "late");
}

TEST(LogsStreams, NamesAvoidRefusedCharactersAndKeepTheKind) {
  EXPECT_EQ(log_stream_name("team/app_v1", "verdict"), "team/app_v1/verdict");
  EXPECT_EQ(log_stream_name("localhost:5000/app_v1*", "findings"), "localhost_5000/app_v1_/findings");
  std::string long_label(600, 'a');
  auto name = log_stream_name(long_label, "summary");
  EXPECT_EQ(name.size(), 512u);
  EXPECT_TRUE(name.ends_with("/summary"));
}

}  // namespace
}  // namespace ig::aws
