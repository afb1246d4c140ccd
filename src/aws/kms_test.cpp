#include "aws/kms.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ig::aws {
namespace {

TEST(KmsRef, RegionComesFromTheArn) {
  ::unsetenv("AWS_ENDPOINT_URL");
  ::unsetenv("AWS_ENDPOINT_URL_KMS");
  auto k = parse_kms_ref("awskms:///arn:aws:kms:eu-west-2:111122223333:key/1234abcd");
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->key_id, "arn:aws:kms:eu-west-2:111122223333:key/1234abcd");
  EXPECT_EQ(k->region, "eu-west-2");
  EXPECT_EQ(k->endpoint, "https://kms.eu-west-2.amazonaws.com");
}

TEST(KmsRef, HostFormAndEnvironment) {
  ::setenv("AWS_REGION", "us-east-1", 1);
  auto k = parse_kms_ref("awskms://127.0.0.1:4566/alias/release");
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(k->key_id, "alias/release");
  ::setenv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:9/", 1);
  auto e = parse_kms_ref("awskms:///alias/release");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->endpoint, "http://127.0.0.1:9");
  ::unsetenv("AWS_ENDPOINT_URL_KMS");
}

TEST(KmsRef, MissingPartsAreUsageErrors) {
  EXPECT_EQ(parse_kms_ref("awskms://").error().code, ErrorCode::usage);
  EXPECT_EQ(parse_kms_ref("awskms:///").error().code, ErrorCode::usage);
  ::unsetenv("AWS_REGION");
  ::unsetenv("AWS_DEFAULT_REGION");
  auto r = parse_kms_ref("awskms:///alias/x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AWS_REGION"), std::string::npos);
}

TEST(KmsRef, SigningAlgorithms) {
  EXPECT_EQ(*signing_algorithm_for("ECC_NIST_P256"), "ECDSA_SHA_256");
  EXPECT_EQ(*signing_algorithm_for("RSA_3072"), "RSASSA_PKCS1_V1_5_SHA_256");
  EXPECT_FALSE(signing_algorithm_for("SYMMETRIC_DEFAULT"));
}

}  // namespace
}  // namespace ig::aws
