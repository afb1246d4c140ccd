#include "util/base64.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("\xfb\xff", Base64Alphabet::url), "-_8");
}

TEST(Base64, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(base64_decode("Zm8=", "x").value(), "fo");
  EXPECT_EQ(base64_decode("Zm8", "x").value(), "fo");
  EXPECT_EQ(base64_decode("dXNlcjpwYXNz", "x").value(), "user:pass");
  EXPECT_EQ(base64_decode("-_8", "x", Base64Alphabet::url).value(), "\xfb\xff");
}

TEST(Base64, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (auto a : {Base64Alphabet::standard, Base64Alphabet::url}) {
    auto back = base64_decode(base64_encode(all, a), "x", a);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, all);
  }
}

TEST(Base64, RejectsMalformedInputWithoutEchoingIt) {
  auto bad = base64_decode("c2VjcmV0!", "the auth entry");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_NE(bad.error().message.find("the auth entry"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("c2VjcmV0"), std::string::npos);
  EXPECT_FALSE(base64_decode("Z", "x"));          // impossible length
  EXPECT_FALSE(base64_decode("Zm8==", "x"));      // wrong padding
  EXPECT_FALSE(base64_decode("Zm9=", "x"));       // non-zero trailing bits
  EXPECT_FALSE(base64_decode("-_8", "x"));        // URL alphabet in standard mode
}

}  // namespace
}  // namespace ig
