#include "scan/db_age.h"

#include <gtest/gtest.h>

namespace ig::scan {
namespace {

TEST(DbAge, ParsesDurations) {
  EXPECT_EQ(parse_max_age("--db-max-age", "36h").value(), 36 * 3600);
  EXPECT_EQ(parse_max_age("--db-max-age", "3d").value(), 3 * 86400);
  EXPECT_EQ(parse_max_age("--db-max-age", "2w").value(), 14 * 86400);
  EXPECT_EQ(parse_max_age("--db-max-age", "90m").value(), 5400);
  EXPECT_EQ(parse_max_age("--db-max-age", "45s").value(), 45);
  for (const char* bad : {"", "h", "3", "3x", "-3d", "0d", "3.5d", "d3", "3 d", "99999999999999999999d"}) {
    auto r = parse_max_age("--db-max-age", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage) << bad;
    EXPECT_NE(r.error().message.find("--db-max-age"), std::string::npos) << r.error().message;
  }
  auto huge = parse_max_age("--db-max-age", "1000000w");
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("--skip-db-age-check"), std::string::npos);
}

TEST(DbAge, FormatsAges) {
  EXPECT_EQ(format_age(0), "0s");
  EXPECT_EQ(format_age(59), "59s");
  EXPECT_EQ(format_age(3600 + 120), "1h 2m");
  EXPECT_EQ(format_age(7 * 86400), "7d");
  EXPECT_EQ(format_age(9 * 86400 + 5 * 3600 + 7), "9d 5h");
}

TEST(DbAge, WarnsOnlyWhenOlderThanTheLimit) {
  vulndb::DatabaseStatus s;
  s.path = "/db.sqlite";
  s.built_at = "2026-01-01T00:00:00Z";
  s.age_seconds = 7 * 86400;
  EXPECT_FALSE(db_age_warning(s, 7 * 86400));
  s.age_seconds = 9 * 86400;
  auto w = db_age_warning(s, 7 * 86400);
  ASSERT_TRUE(w);
  EXPECT_NE(w->find("/db.sqlite was built 9d ago (2026-01-01T00:00:00Z), more than --db-max-age 7d"),
            std::string::npos)
      << *w;
  s.built_at.clear();
  s.updated_at = "2026-01-02T00:00:00Z";
  EXPECT_NE(db_age_warning(s, 3600)->find("last updated 9d ago (2026-01-02T00:00:00Z)"), std::string::npos);
  s.age_seconds = -1;
  EXPECT_NE(db_age_warning(s, 3600)->find("age is unknown"), std::string::npos);
}

}  // namespace
}  // namespace ig::scan
