#include "aws/s3.h"

#include <gtest/gtest.h>

namespace ig::aws {
namespace {

TEST(S3Url, BucketAndPrefix) {
  auto a = parse_s3_url("s3://scan-logs/ci/images/");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->bucket, "scan-logs");
  EXPECT_EQ(a->prefix, "ci/images");
  auto b = parse_s3_url("s3://scan-logs");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->prefix, "");
}

TEST(S3Url, BadFormsAreUsageErrors) {
  for (const char* bad : {"scan-logs/x", "https://scan-logs/x", "s3://", "s3:///x", "s3://Upper/x", "s3://ab"}) {
    auto r = parse_s3_url(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
    EXPECT_NE(r.error().message.find("s3://BUCKET"), std::string::npos) << r.error().message;
  }
}

TEST(S3Layout, FolderIsPrefixImageTimestamp) {
  S3Location at{"b", "logs"};
  EXPECT_EQ(scan_log_folder(at, "team/app_v1", "20261204T163000Z"), "logs/team/app_v1/20261204T163000Z");
  EXPECT_EQ(scan_log_folder(S3Location{"b", ""}, "app_v1", "20261204T163000Z"), "app_v1/20261204T163000Z");
}

TEST(S3Layout, TimestampIsUtcAndSortable) {
  auto t = std::chrono::system_clock::from_time_t(1'796'401'800);  // 2026-12-04 16:30:00 UTC
  EXPECT_EQ(scan_timestamp(t), "20261204T163000Z");
}

TEST(S3Layout, ImageLabelIsRepositoryUnderscoreTag) {
  EXPECT_EQ(image_label("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app", "v1", "x", "sha256:ab"),
            "team/app_v1");
  EXPECT_EQ(image_label("localhost:5000/app", "", "localhost:5000/app@sha256:0123456789abcdef",
                        "sha256:0123456789abcdef"),
            "app_sha256-0123456789ab");
  EXPECT_EQ(image_label("", "v2", "oci:/work/layout:v2", "sha256:ff"), "layout_v2");
  EXPECT_EQ(image_label("", "", "docker-archive:/tmp/a.tar", "sha256:0123456789abcdef00"),
            "a.tar_sha256-0123456789ab");
}

TEST(S3Multipart, PartsCoverTheObjectInOrder) {
  const size_t mib = 1024 * 1024;
  auto parts = plan_parts(20 * mib + 5);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].number, 1);
  EXPECT_EQ(parts[0].size, 8 * mib);
  EXPECT_EQ(parts[1].offset, 8 * mib);
  EXPECT_EQ(parts[2].number, 3);
  EXPECT_EQ(parts[2].offset, 16 * mib);
  EXPECT_EQ(parts[2].size, 4 * mib + 5);
  auto exact = plan_parts(16 * mib);
  ASSERT_EQ(exact.size(), 2u);
  EXPECT_EQ(exact[1].size, 8 * mib);
}

TEST(S3Multipart, HugeObjectsGrowThePartsBelowTenThousand) {
  const size_t mib = 1024 * 1024;
  size_t size = 100'000 * mib;  // 12,500 parts of 8 MiB
  auto parts = plan_parts(size);
  EXPECT_LE(parts.size(), k_s3_max_parts);
  size_t total = 0;
  for (const auto& p : parts) total += p.size;
  EXPECT_EQ(total, size);
  EXPECT_EQ(parts.front().size % mib, 0u);
}

TEST(S3Requests, SseHeadersOnlyWithAKey) {
  EXPECT_TRUE(sse_headers("").empty());
  auto h = sse_headers("alias/scan-logs");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"x-amz-server-side-encryption", "aws:kms"}));
  EXPECT_EQ(h[1].first, "x-amz-server-side-encryption-aws-kms-key-id");
  EXPECT_EQ(h[1].second, "alias/scan-logs");
}

TEST(S3Requests, PathStyleKeysAreEncodedButKeepSlashes) {
  EXPECT_EQ(s3_path("b", "logs/team/app_v1/20261204T163000Z/verdict.json"),
            "/b/logs/team/app_v1/20261204T163000Z/verdict.json");
  EXPECT_EQ(s3_path("b", "a b/c+d"), "/b/a%20b/c%2Bd");
}

TEST(S3Requests, CompletionBody) {
  EXPECT_EQ(complete_multipart_body({"\"e1\"", "\"e2\""}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
}

}  // namespace
}  // namespace ig::aws
