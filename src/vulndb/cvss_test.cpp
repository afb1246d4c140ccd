#include "vulndb/cvss.h"

#include <gtest/gtest.h>

namespace ig::vulndb {
namespace {

double score(const char* v) {
  auto s = score_cvss(v);
  EXPECT_TRUE(s.has_value()) << v << ": " << (s ? "" : s.error().message);
  return s ? s->base_score : -1;
}

TEST(Cvss, V31KnownVectors) {
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), 7.8);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"), 5.9);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 1.6);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
  // Temporal metrics are accepted; we report the base score.
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C"), 9.8);
}

TEST(Cvss, V30KnownVectors) {
  EXPECT_DOUBLE_EQ(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  EXPECT_DOUBLE_EQ(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  auto s = score_cvss("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, CvssVersion::v3_0);
}

TEST(Cvss, V2KnownVectors) {
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), 7.5);
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:C/I:C/A:C"), 10.0);
  EXPECT_DOUBLE_EQ(score("AV:N/AC:M/Au:N/C:N/I:P/A:N"), 4.3);
  EXPECT_DOUBLE_EQ(score("(AV:L/AC:L/Au:N/C:C/I:C/A:C)"), 7.2);
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:N/I:N/A:N"), 0.0);
  auto s = score_cvss("AV:N/AC:L/Au:N/C:P/I:P/A:P");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, CvssVersion::v2);
  EXPECT_EQ(rating_for(CvssVersion::v2, 7.5), "High");
}

TEST(Cvss, V40KnownVectors) {
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), 9.3);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"), 6.9);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"), 10.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"), 0.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N"), 8.8);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"), 7.1);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"), 9.3);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"), 2.3);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"), 1.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:L/AC:H/AT:N/PR:L/UI:P/VC:L/VI:H/VA:N/SC:N/SI:H/SA:N"), 5.6);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:H/SC:L/SI:N/SA:H"), 7.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H"), 7.9);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"), 5.1);
  // Threat and environmental metrics change the score.
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U"), 9.1);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L"), 9.6);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S"), 10.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MAV:P/E:U/CR:L"), 5.5);
}

TEST(Cvss, RejectsMalformedVectors) {
  const char* bad[] = {
      "",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",          // A missing
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",  // duplicate
      "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      // bad value
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q", // unknown metric
      "CVSS:3.1/AV:N//AC:L",
      "CVSS:9.9/AV:N",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N",
      "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
      "AV:N/AC:L/Au:N/C:P/I:P",
      "garbage",
  };
  for (const char* v : bad) {
    auto s = score_cvss(v);
    EXPECT_FALSE(s.has_value()) << v;
    if (!s) {
      EXPECT_EQ(s.error().code, ErrorCode::usage);
    }
  }
}

TEST(Cvss, RatingBands) {
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 0.0), "None");
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 0.1), "Low");
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 3.9), "Low");
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 4.0), "Medium");
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 6.9), "Medium");
  EXPECT_EQ(rating_for(CvssVersion::v3_1, 7.0), "High");
  EXPECT_EQ(rating_for(CvssVersion::v4_0, 8.9), "High");
  EXPECT_EQ(rating_for(CvssVersion::v4_0, 9.0), "Critical");
  EXPECT_EQ(rating_for(CvssVersion::v2, 3.9), "Low");
  EXPECT_EQ(rating_for(CvssVersion::v2, 10.0), "High");
}

TEST(Cvss, LabelsMapToBands) {
  EXPECT_EQ(rating_from_label("MODERATE"), "Medium");
  EXPECT_EQ(rating_from_label("important"), "High");
  EXPECT_EQ(rating_from_label("CRITICAL"), "Critical");
  EXPECT_EQ(rating_from_label("negligible"), "Low");
  EXPECT_EQ(rating_from_label("low*"), "Low");
  EXPECT_EQ(rating_from_label("not yet assigned"), "");
  EXPECT_EQ(rating_from_label("bogus"), "");
}

}  // namespace
}  // namespace ig::vulndb
