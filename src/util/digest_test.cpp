#include "util/digest.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

TEST(Digest, ParsesValidSha256) {
  auto d = Digest::parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->algorithm, "sha256");
  EXPECT_EQ(d->hex.size(), 64u);
}

TEST(Digest, RejectsUppercaseAndWrongLength) {
  auto upper = Digest::parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
  ASSERT_FALSE(upper);
  EXPECT_EQ(upper.error().code, ErrorCode::usage);
  EXPECT_FALSE(Digest::parse("sha256:abc"));
  EXPECT_FALSE(Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(Digest::parse("nocolon"));
}

TEST(Digest, HashesKnownVector) {
  EXPECT_EQ(sha256_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_digest("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, VerifyReportsMismatchAsIntegrity) {
  auto ok = verify_digest("abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "blob");
  EXPECT_TRUE(ok);
  auto bad = verify_digest("abd", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "blob x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::integrity);
  EXPECT_NE(bad.error().message.find("blob x"), std::string::npos);
}

}  // namespace
}  // namespace ig
