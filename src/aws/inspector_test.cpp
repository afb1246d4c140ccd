#include "aws/inspector.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

namespace ig::aws {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string k_digest = "sha256:1f0e3dad99908345f7439f8ffabdffc4d3c1f3e8d9a1b2c3d4e5f60718293a4b";

struct Calls {
  std::map<std::string, std::deque<json>> answers;  // by path; the last answer repeats
  std::vector<std::pair<std::string, json>> seen;
  RestCall call() {
    return [this](std::string_view method, std::string_view path, const json& body, std::string_view) -> Result<json> {
      EXPECT_EQ(method, "POST");
      seen.emplace_back(std::string(path), body);
      auto& q = answers[std::string(path)];
      if (q.empty()) return fail(ErrorCode::internal, "unexpected {}", path);
      json r = q.front();
      if (q.size() > 1) q.pop_front();
      return r;
    };
  }
};

json package_finding(const std::string& id) {
  return {{"type", "PACKAGE_VULNERABILITY"},
          {"severity", "CRITICAL"},
          {"packageVulnerabilityDetails",
           {{"vulnerabilityId", id}, {"vulnerablePackages", {{{"name", "openssl"}, {"version", "3.0.2"}}}}}}};
}

TEST(InspectorFindings, FiltersByRepositoryAndHashAndReadsEveryPage) {
  Calls c;
  c.answers["/findings/list"] = {json{{"findings", {package_finding("CVE-1")}}, {"nextToken", "a"}},
                                 json{{"findings", {package_finding("CVE-2")}}}};
  auto r = inspector_findings(c.call(), "shop/web", k_digest);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->requests, 2);
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[1].vulnerability_id, "CVE-2");
  const json& filter = c.seen[0].second["filterCriteria"];
  EXPECT_EQ(filter["ecrImageRepositoryName"][0]["value"], "shop/web");
  EXPECT_EQ(filter["ecrImageHash"][0]["value"], k_digest);
  EXPECT_EQ(filter["ecrImageHash"][0]["comparison"], "EQUALS");
  EXPECT_EQ(c.seen[1].second["nextToken"], "a");
}

TEST(InspectorFindings, RepeatedTokenStops) {
  Calls c;
  c.answers["/findings/list"] = {json{{"findings", json::array()}, {"nextToken", "same"}}};
  auto r = inspector_findings(c.call(), "shop/web", k_digest);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_EQ(c.seen.size(), 2u);
}

TEST(S3, ParsesListObjectsV2) {
  auto r = parse_list_objects(
      R"(<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>)"
      R"(<IsTruncated>false</IsTruncated><Contents><Key>p/a&amp;b.json</Key><LastModified>2026-12-04T16:31:40.000Z</LastModified>)"
      R"(</Contents><Contents><Key>p/c</Key></Contents></ListBucketResult>)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "p/a&b.json");
  EXPECT_EQ(r->objects[0].last_modified, 1796401900);
  EXPECT_EQ(r->objects[1].last_modified, 0);
  EXPECT_FALSE(r->truncated);
  EXPECT_FALSE(parse_list_objects("<Error><Code>NoSuchBucket</Code></Error>"));
}

TEST(S3, ParsesLocations) {
  auto l = parse_s3_url("s3://my-bucket/exports/sbom/");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->bucket, "my-bucket");
  EXPECT_EQ(l->prefix, "exports/sbom");
  EXPECT_EQ(parse_s3_url("s3://b1c").value().prefix, "");
  EXPECT_EQ(parse_s3_url("https://b/x").error().code, ErrorCode::usage);
  EXPECT_EQ(parse_s3_url("s3://Bad_Bucket/x").error().code, ErrorCode::usage);
}

struct FakeClock {
  std::chrono::steady_clock::time_point t{};
  int sleeps = 0;
  PollClock clock() {
    return {[this] { return t; }, [this](std::chrono::milliseconds d) {
              ++sleeps;
              t += d;
            }};
  }
};

SbomExportRequest export_request() {
  SbomExportRequest r;
  r.image.registry_id = "123456789012";
  r.image.region = "us-east-1";
  r.image.repository = "shop/web";
  r.image.digest = k_digest;
  r.format = "CYCLONEDX_1_4";
  r.destination = {"sboms", "team"};
  r.kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/k";
  r.unique = "20261204T163140Z-abcd";
  r.started_at = 1796401900;
  return r;
}

TEST(SbomExport, PollsThenConfirmsTheObjectIsThisReports) {
  Calls c;
  c.answers["/sbomexport/create"] = {json{{"reportId", "rep-1"}}};
  c.answers["/sbomexport/get"] = {json{{"status", "IN_PROGRESS"}}, json{{"status", "SUCCEEDED"}}};
  std::string listed;
  S3List list = [&](const std::string& bucket, const std::string& prefix) -> Result<std::vector<S3Object>> {
    listed = bucket + "/" + prefix;
    return std::vector<S3Object>{{"team/20261204T163140Z-abcd/SBOM_EXPORT_rep-1/x.json", 1796401905},
                                 {"team/20261204T163140Z-abcd/README", 1796401905}};
  };
  FakeClock clock;
  auto r = inspector_sbom_export(c.call(), list, export_request(), clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->report_id, "rep-1");
  EXPECT_EQ(r->keys, std::vector<std::string>{"team/20261204T163140Z-abcd/SBOM_EXPORT_rep-1/x.json"});
  EXPECT_EQ(listed, "sboms/team/20261204T163140Z-abcd/");
  EXPECT_EQ(clock.sleeps, 1);
  const json& create = c.seen[0].second;
  EXPECT_EQ(create["s3Destination"]["keyPrefix"], "team/20261204T163140Z-abcd");
  EXPECT_EQ(create["s3Destination"]["kmsKeyArn"], "arn:aws:kms:us-east-1:123456789012:key/k");
  EXPECT_EQ(create["resourceFilterCriteria"]["resourceId"][0]["value"],
            "arn:aws:ecr:us-east-1:123456789012:repository/shop/web/" + k_digest);
}

TEST(SbomExport, AStaleObjectIsNeverReported) {
  Calls c;
  c.answers["/sbomexport/create"] = {json{{"reportId", "rep-2"}}};
  c.answers["/sbomexport/get"] = {json{{"status", "SUCCEEDED"}}};
  S3List list = [&](const std::string&, const std::string&) -> Result<std::vector<S3Object>> {
    // Names the report but was written an hour before the export started.
    return std::vector<S3Object>{{"team/x/SBOM_EXPORT_rep-2/x.json", 1796401900 - 3600},
                                 {"team/x/SBOM_EXPORT_rep-1/x.json", 1796401905}};
  };
  FakeClock clock;
  auto r = inspector_sbom_export(c.call(), list, export_request(), clock.clock());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
  EXPECT_NE(r.error().message.find("rep-2"), std::string::npos);
}

TEST(SbomExport, FailureNamesInspectorsCodeWithoutPolling) {
  Calls c;
  c.answers["/sbomexport/create"] = {json{{"reportId", "rep-3"}}};
  c.answers["/sbomexport/get"] = {json{{"status", "FAILED"}, {"errorCode", "BUCKET_NOT_FOUND"}, {"errorMessage", "nope"}}};
  S3List list = [](const std::string&, const std::string&) -> Result<std::vector<S3Object>> {
    ADD_FAILURE() << "listed after a failure";
    return std::vector<S3Object>{};
  };
  FakeClock clock;
  auto r = inspector_sbom_export(c.call(), list, export_request(), clock.clock());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("BUCKET_NOT_FOUND"), std::string::npos);
  EXPECT_NE(r.error().message.find("create the bucket"), std::string::npos);
  EXPECT_EQ(clock.sleeps, 0);
}

TEST(SbomExport, TimesOut) {
  Calls c;
  c.answers["/sbomexport/create"] = {json{{"reportId", "rep-4"}}};
  c.answers["/sbomexport/get"] = {json{{"status", "IN_PROGRESS"}}};
  S3List list = [](const std::string&, const std::string&) -> Result<std::vector<S3Object>> {
    return std::vector<S3Object>{};
  };
  FakeClock clock;
  auto req = export_request();
  req.timeout = 10s;
  auto r = inspector_sbom_export(c.call(), list, req, clock.clock());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::network);
  EXPECT_NE(r.error().message.find("still IN_PROGRESS after 10s"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ig::aws
