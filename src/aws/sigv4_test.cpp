// SigV4 against vectors published by AWS (the signature test suite and the
// S3 documentation's GET Object example).
#include "aws/sigv4.h"

#include <gtest/gtest.h>

namespace ig::aws {
namespace {

const Credentials k_suite_creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

TEST(SigV4, GetVanillaFromTheAwsTestSuite) {
  SignableRequest r;
  r.method = "GET";
  r.host = "example.amazonaws.com";
  Signature s = sign_v4(r, k_suite_creds, "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, S3GetObjectExampleFromTheAwsDocs) {
  SignableRequest r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = "/test.txt";
  r.headers = {{"Range", "bytes=0-9"},
               {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
  Credentials c{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  Signature s = sign_v4(r, c, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, HeaderValuesAreTrimmedAndCollapsedAndQuerySorted) {
  SignableRequest r;
  r.method = "GET";
  r.host = "example.amazonaws.com";
  r.headers = {{"My-Header1", "  value1  a   b  "}};
  r.query = {{"Param2", "value2"}, {"Param1", "value 1"}};
  Signature s = sign_v4(r, k_suite_creds, "us-east-1", "service", "20150830T123600Z");
  EXPECT_NE(s.canonical_request.find("\nParam1=value%201&Param2=value2\n"), std::string::npos) << s.canonical_request;
  EXPECT_NE(s.canonical_request.find("my-header1:value1 a b\n"), std::string::npos) << s.canonical_request;
}

TEST(SigV4, SessionTokenIsSignedAndSent) {
  SignableRequest r;
  r.host = "kms.us-east-1.amazonaws.com";
  Credentials c = k_suite_creds;
  c.session_token = "tok";
  Signature s = sign_v4(r, c, "us-east-1", "kms", "20150830T123600Z");
  EXPECT_NE(s.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
  ASSERT_EQ(s.headers_to_add.size(), 3u);
  EXPECT_EQ(s.headers_to_add[1].first, "X-Amz-Security-Token");
}

TEST(SigV4, UriEncode) {
  EXPECT_EQ(uri_encode("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
}

}  // namespace
}  // namespace ig::aws
