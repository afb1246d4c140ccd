#include "aws/ecr_scan.h"

#include <gtest/gtest.h>

#include <deque>

namespace ig::aws {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string k_digest = "sha256:1f0e3dad99908345f7439f8ffabdffc4d3c1f3e8d9a1b2c3d4e5f60718293a4b";

// A clock that only moves when the code under test sleeps.
struct FakeClock {
  std::chrono::steady_clock::time_point t{};
  std::vector<std::chrono::milliseconds> sleeps;
  PollClock clock() {
    return PollClock{[this] { return t; },
                     [this](std::chrono::milliseconds d) {
                       sleeps.push_back(d);
                       t += d;
                     }};
  }
};

// Answers scripted per operation, in order; the error form follows the
// shared client's (service, operation, AWS error code, message).
struct Script {
  std::map<std::string, std::deque<Result<json>>> answers;
  std::vector<std::pair<std::string, json>> calls;
  void add(const std::string& op, json body) { answers[op].push_back(std::move(body)); }
  void add_error(const std::string& op, const std::string& code) {
    answers[op].push_back(tl::unexpected(Error{ErrorCode::not_found, "Amazon ECR " + op + ": " + code + ": details"}));
  }
  JsonCall call() {
    return [this](std::string_view op, const json& body) -> Result<json> {
      calls.emplace_back(std::string(op), body);
      auto& q = answers[std::string(op)];
      if (q.empty()) return fail(ErrorCode::internal, "unexpected call {}", op);
      auto r = q.front();
      if (q.size() > 1) q.pop_front();  // the last answer repeats
      return r;
    };
  }
  int count(const std::string& op) const {
    int n = 0;
    for (const auto& c : calls) n += c.first == op;
    return n;
  }
};

json status(const std::string& s) { return {{"imageScanStatus", {{"status", s}, {"description", "said " + s}}}}; }
json scan_config(const std::string& type) { return {{"scanningConfiguration", {{"scanType", type}}}}; }

EcrImageRef image() {
  auto r = parse_ecr_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:v1");
  EXPECT_TRUE(r);
  return *r;
}

TEST(EcrImage, ParsesHostsTagsAndDigests) {
  auto a = parse_ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->registry_id, "123456789012");
  EXPECT_EQ(a->region, "eu-west-1");
  EXPECT_EQ(a->repository, "team/app");
  EXPECT_EQ(a->tag, "1.2");
  auto cn = parse_ecr_image("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@" + k_digest);
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->digest, k_digest);
  auto fips = parse_ecr_image("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app");
  ASSERT_TRUE(fips);
  EXPECT_EQ(fips->tag, "latest");
  EXPECT_EQ(parse_ecr_image("docker.io/library/alpine:3").error().code, ErrorCode::usage);
  EXPECT_EQ(parse_ecr_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/App").error().code, ErrorCode::usage);
}

TEST(EcrImage, ATagThatIsADigestIsSentAsOne) {
  EcrImageRef r;
  r.tag = k_digest;
  EXPECT_EQ(image_id(r), (json{{"imageDigest", k_digest}}));
  r.tag = "v1";
  EXPECT_EQ(image_id(r), (json{{"imageTag", "v1"}}));
}

TEST(EcrPollStep, EveryStatusHasOneAction) {
  EXPECT_EQ(poll_step("COMPLETE", "", "x").action, PollAction::done);
  EXPECT_EQ(poll_step("ACTIVE", "", "x").action, PollAction::done);
  EXPECT_EQ(poll_step("IN_PROGRESS", "", "x").action, PollAction::wait);
  EXPECT_EQ(poll_step("PENDING", "", "x").action, PollAction::wait);
  for (const char* s : {"FAILED", "UNSUPPORTED_IMAGE", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE", "", "NEW"}) {
    auto step = poll_step(s, "why", "shop/web:v1");
    EXPECT_EQ(step.action, PollAction::fail) << s;
    EXPECT_NE(step.message.find("shop/web:v1"), std::string::npos) << step.message;
    EXPECT_NE(step.message.find("--findings-from engine"), std::string::npos) << step.message;
  }
  EXPECT_NE(poll_step("FAILED", "why", "x").message.find("ECR says: why"), std::string::npos);
  EXPECT_EQ(poll_step("FINDINGS_UNAVAILABLE", "", "x").code, ErrorCode::not_found);
}

TEST(EcrScan, PollsInProgressUntilCompleteWithGrowingWaits) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add("DescribeImages", {{"imageDetails", {{{"imageDigest", k_digest}}}}});
  s.add("StartImageScan", status("IN_PROGRESS"));
  s.add("DescribeImageScanFindings", status("IN_PROGRESS"));
  s.add("DescribeImageScanFindings", status("IN_PROGRESS"));
  s.add("DescribeImageScanFindings", status("IN_PROGRESS"));
  json done = status("COMPLETE");
  done["imageScanFindings"] = {{"findings", {{{"name", "CVE-1"}, {"severity", "HIGH"}}}}};
  s.add("DescribeImageScanFindings", done);
  FakeClock clock;
  EcrScanOptions o;
  o.start_scan = true;
  o.first_delay = 5s;
  o.max_delay = 12s;
  auto r = ecr_scan_findings(s.call(), image(), o, clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->digest, k_digest);
  EXPECT_EQ(r->status, "COMPLETE");
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].vulnerability_id, "CVE-1");
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{5s, 10s, 12s}));
  EXPECT_EQ(s.count("DescribeImageScanFindings"), 4);
  EXPECT_EQ(r->requests, 7);
  // Polls ask by digest once it is known, so a moved tag cannot change the answer.
  EXPECT_EQ(s.calls.back().second["imageId"], (json{{"imageDigest", k_digest}}));
}

TEST(EcrScan, TimesOutNamingTheStatusAndTheFlag) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add("DescribeImages", {{"imageDetails", {{{"imageDigest", k_digest}}}}});
  s.add("DescribeImageScanFindings", status("PENDING"));
  FakeClock clock;
  EcrScanOptions o;
  o.timeout = 60s;
  o.first_delay = 5s;
  o.max_delay = 30s;
  auto r = ecr_scan_findings(s.call(), image(), o, clock.clock());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::network);
  EXPECT_NE(r.error().message.find("still PENDING after 60s"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("--ecr-scan-timeout"), std::string::npos);
  // 5 + 10 + 20 then the 25 s left: the last poll happens at the deadline, never after.
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{5s, 10s, 20s, 25s}));
  EXPECT_EQ(s.count("DescribeImageScanFindings"), 5);
}

TEST(EcrScan, TerminalFailuresAreNeverPolledAgain) {
  for (const char* st : {"FAILED", "UNSUPPORTED_IMAGE", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"}) {
    Script s;
    s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
    s.add("DescribeImageScanFindings", status(st));
    FakeClock clock;
    auto img = image();
    img.digest = k_digest;
    auto r = ecr_scan_findings(s.call(), img, {}, clock.clock());
    ASSERT_FALSE(r) << st;
    EXPECT_NE(r.error().message.find(st == std::string("FAILED") ? "failed" : st), std::string::npos)
        << r.error().message;
    EXPECT_EQ(s.count("DescribeImageScanFindings"), 1) << st;
    EXPECT_TRUE(clock.sleeps.empty()) << st;
    EXPECT_EQ(s.count("DescribeImages"), 0);  // the digest was given
  }
}

TEST(EcrScan, ScanNotFoundWithoutStartScanSaysHowToGetOne) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add("DescribeImages", {{"imageDetails", {{{"imageDigest", k_digest}}}}});
  s.add_error("DescribeImageScanFindings", "ScanNotFoundException");
  FakeClock clock;
  auto r = ecr_scan_findings(s.call(), image(), {}, clock.clock());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("scan on push is off"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("--ecr-start-scan"), std::string::npos);
}

TEST(EcrScan, AlreadyScannedTodayUsesTheExistingResults) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add("DescribeImages", {{"imageDetails", {{{"imageDigest", k_digest}}}}});
  s.add_error("StartImageScan", "LimitExceededException");
  s.add("DescribeImageScanFindings", status("COMPLETE"));
  FakeClock clock;
  EcrScanOptions o;
  o.start_scan = true;
  auto r = ecr_scan_findings(s.call(), image(), o, clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("already scanned today"), std::string::npos);
}

TEST(EcrScan, OtherStartErrorsStop) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add("DescribeImages", {{"imageDetails", {{{"imageDigest", k_digest}}}}});
  s.add_error("StartImageScan", "ResourceLimitExceededException");
  FakeClock clock;
  EcrScanOptions o;
  o.start_scan = true;
  EXPECT_FALSE(ecr_scan_findings(s.call(), image(), o, clock.clock()));
  EXPECT_EQ(s.count("DescribeImageScanFindings"), 0);
}

TEST(EcrScan, WrongScanningModeNamesTheOneToUse) {
  FakeClock clock;
  {
    Script s;
    s.add("GetRegistryScanningConfiguration", scan_config("ENHANCED"));
    EcrScanOptions o;
    o.start_scan = true;
    auto r = ecr_scan_findings(s.call(), image(), o, clock.clock());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::usage);
    EXPECT_NE(r.error().message.find("ENHANCED"), std::string::npos);
    EXPECT_NE(r.error().message.find("drop --ecr-start-scan"), std::string::npos);
  }
  {
    Script s;
    s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
    EcrScanOptions o;
    o.require = ScanType::enhanced;
    auto r = ecr_scan_findings(s.call(), image(), o, clock.clock());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("use --findings-from ecr"), std::string::npos) << r.error().message;
  }
}

TEST(EcrScan, UnknownTagIsNotFound) {
  Script s;
  s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
  s.add_error("DescribeImages", "ImageNotFoundException");
  FakeClock clock;
  auto r = ecr_scan_findings(s.call(), image(), {}, clock.clock());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("shop/web:v1"), std::string::npos);
}

TEST(EcrScan, ReadsEveryPageAndStopsOnARepeatedToken) {
  auto page = [](const std::string& id, const std::string& next) {
    json p = status("COMPLETE");
    p["imageScanFindings"] = {{"findings", {{{"name", id}, {"severity", "LOW"}}}}};
    if (!next.empty()) p["nextToken"] = next;
    return p;
  };
  {
    Script s;
    s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
    s.add("DescribeImageScanFindings", page("CVE-1", "t1"));
    s.add("DescribeImageScanFindings", page("CVE-2", "t2"));
    s.add("DescribeImageScanFindings", page("CVE-3", ""));
    FakeClock clock;
    auto img = image();
    img.digest = k_digest;
    auto r = ecr_scan_findings(s.call(), img, {}, clock.clock());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->pages, 3);
    ASSERT_EQ(r->findings.size(), 3u);
    EXPECT_EQ(r->findings[2].vulnerability_id, "CVE-3");
    EXPECT_EQ(s.calls[2].second["nextToken"], "t1");
    EXPECT_EQ(s.calls[3].second["nextToken"], "t2");
  }
  {
    Script s;
    s.add("GetRegistryScanningConfiguration", scan_config("BASIC"));
    s.add("DescribeImageScanFindings", page("CVE-1", "t1"));
    s.add("DescribeImageScanFindings", page("CVE-2", "t2"));
    s.add("DescribeImageScanFindings", page("CVE-1", "t1"));  // then repeats
    FakeClock clock;
    auto img = image();
    img.digest = k_digest;
    auto r = ecr_scan_findings(s.call(), img, {}, clock.clock());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
    EXPECT_NE(r.error().message.find("page token 't1' a second time"), std::string::npos) << r.error().message;
    EXPECT_EQ(s.count("DescribeImageScanFindings"), 3);
  }
}

TEST(AwsError, MatchesWholeCodesOnly) {
  Error e{ErrorCode::network, "Amazon ECR StartImageScan: ResourceLimitExceededException: x"};
  EXPECT_FALSE(aws_error_is(e, "LimitExceededException"));
  EXPECT_TRUE(aws_error_is(e, "ResourceLimitExceededException"));
}

}  // namespace
}  // namespace ig::aws
