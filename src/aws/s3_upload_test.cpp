// s3_put over a real loopback socket (the scripted server of the client's
// tests): the requests a single and a multipart upload send, and the abort
// after a failed part, which moto cannot be made to provoke.
#include <gtest/gtest.h>

#include "aws/client.h"
#include "aws/s3.h"
#include "aws/test_http_server.h"
#include "util/digest.h"

namespace ig::aws {
namespace {

using testing::CannedResponse;
using testing::ScriptedServer;

Client client_at(const ScriptedServer& server) {
  RetryPolicy once;
  once.max_attempts = 1;
  return *Client::make_at(k_s3, server.url(), "us-east-1", static_credentials({"AKIDEXAMPLE", "secret", ""}), once);
}

std::string hex_sha256(std::string_view s) { return sha256_digest(s).substr(7); }

bool has(const std::string& request, const std::string& fragment) {
  return request.find(fragment) != std::string::npos;
}

TEST(S3Put, SmallObjectIsOnePutWithHashAndEncryption) {
  ScriptedServer server({{200, "", {"ETag: \"e\""}}});
  S3PutOptions o;
  o.kms_key = "alias/scan-logs";
  o.content_type = "application/json";
  auto r = s3_put(client_at(server), "scan-logs", "ci/app_v1/20261204T163000Z/verdict.json", "{\"a\":1}", o);
  ASSERT_TRUE(r) << r.error().message;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].starts_with("PUT /scan-logs/ci/app_v1/20261204T163000Z/verdict.json HTTP/1.1\r\n")) << reqs[0];
  EXPECT_TRUE(has(reqs[0], "x-amz-content-sha256: " + hex_sha256("{\"a\":1}")));
  EXPECT_TRUE(has(reqs[0], "x-amz-server-side-encryption: aws:kms"));
  EXPECT_TRUE(has(reqs[0], "x-amz-server-side-encryption-aws-kms-key-id: alias/scan-logs"));
  EXPECT_TRUE(has(reqs[0], "Content-Type: application/json"));
  // The payload hash and the encryption headers are signed.
  EXPECT_TRUE(has(reqs[0], "x-amz-content-sha256;x-amz-date;x-amz-server-side-encryption;"
                           "x-amz-server-side-encryption-aws-kms-key-id"));
}

TEST(S3Put, LargeObjectGoesUpInOrderedParts) {
  ScriptedServer server({
      {200, "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>", {}},
      {200, "", {"ETag: \"e1\""}},
      {200, "", {"ETag: \"e2\""}},
      {200, "<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>", {}},
  });
  std::string body(k_s3_min_part_size + 100, 'b');
  body[k_s3_min_part_size] = 'c';
  S3PutOptions o;
  o.kms_key = "k";
  o.multipart_threshold = o.part_size = k_s3_min_part_size;
  auto r = s3_put(client_at(server), "b", "big/sbom.json", body, o);
  ASSERT_TRUE(r) << r.error().message;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_TRUE(reqs[0].starts_with("POST /b/big/sbom.json?uploads= HTTP/1.1\r\n")) << reqs[0].substr(0, 80);
  EXPECT_TRUE(has(reqs[0], "x-amz-server-side-encryption: aws:kms"));
  EXPECT_TRUE(reqs[1].starts_with("PUT /b/big/sbom.json?partNumber=1&uploadId=up-1 HTTP/1.1\r\n"));
  EXPECT_TRUE(has(reqs[1], "x-amz-content-sha256: " + hex_sha256(body.substr(0, k_s3_min_part_size))));
  EXPECT_FALSE(has(reqs[1], "x-amz-server-side-encryption"));  // set once, at creation
  EXPECT_TRUE(reqs[2].starts_with("PUT /b/big/sbom.json?partNumber=2&uploadId=up-1 HTTP/1.1\r\n"));
  EXPECT_TRUE(reqs[2].ends_with("\r\n\r\nc" + std::string(99, 'b')));
  EXPECT_TRUE(reqs[3].starts_with("POST /b/big/sbom.json?uploadId=up-1 HTTP/1.1\r\n"));
  EXPECT_TRUE(reqs[3].ends_with(complete_multipart_body({"\"e1\"", "\"e2\""})));
}

TEST(S3Put, AFailedPartAbortsTheUpload) {
  ScriptedServer server({
      {200, "<InitiateMultipartUploadResult><UploadId>up-9</UploadId></InitiateMultipartUploadResult>", {}},
      {200, "", {"ETag: \"e1\""}},
      {400, "<Error><Code>InvalidPart</Code><Message>part rejected</Message></Error>", {}},
      {204, "", {}},
  });
  S3PutOptions o;
  o.multipart_threshold = o.part_size = k_s3_min_part_size;
  auto r = s3_put(client_at(server), "b", "k.json", std::string(k_s3_min_part_size + 1, 'x'), o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("s3://b/k.json"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("InvalidPart"), std::string::npos) << r.error().message;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_TRUE(reqs[3].starts_with("DELETE /b/k.json?uploadId=up-9 HTTP/1.1\r\n")) << reqs[3].substr(0, 80);
}

TEST(S3Put, ErrorsNameTheObjectAndTheCode) {
  ScriptedServer server({{404, "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>", {}}});
  auto r = s3_put(client_at(server), "nob", "x/verdict.json", "{}", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("writing s3://nob/x/verdict.json"), std::string::npos);
  EXPECT_NE(r.error().message.find("NoSuchBucket"), std::string::npos);
}

}  // namespace
}  // namespace ig::aws
