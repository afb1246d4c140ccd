// Amazon ECR image scan results as a findings source: the tag resolved with
// DescribeImages, an optional StartImageScan, DescribeImageScanFindings polled
// until the scan reaches a terminal status, then every page of findings.
//
// The service calls go through a JsonCall (in production aws::Client's
// json_call) and time through a PollClock, so tests drive the state machine
// (IN_PROGRESS → COMPLETE, timeouts, repeated page tokens) without a network
// or real waiting.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scan/finding.h"
#include "util/error.h"

namespace ig::aws {

// One JSON 1.1 call: the operation's name ("DescribeImages") and its body.
// A non-2xx answer is an Error whose message names the AWS error code.
using JsonCall = std::function<Result<nlohmann::json>(std::string_view operation, const nlohmann::json& body)>;

// Time for polling: now() and a sleep; tests pass a fake that only advances.
struct PollClock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
};
PollClock real_clock();

// True when `e` is an AWS error answer with this error code
// ("ScanNotFoundException"); the client names the code in its messages.
bool aws_error_is(const Error& e, std::string_view code);

// An image in ECR, from "<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repo>[:tag][@digest]".
struct EcrImageRef {
  std::string registry_id;  // the account id
  std::string region;
  std::string repository;
  std::string tag;
  std::string digest;  // "sha256:…", or "" until resolved
};
// usage error naming the expected form when `ref` is not an ECR image.
Result<EcrImageRef> parse_ecr_image(std::string_view ref);
// DescribeImages/ImageIdentifier for a tag or digest: a tag that starts with
// "sha256:" is a digest (ecr-scan-verifier passes digests as tags).
nlohmann::json image_id(const EcrImageRef& image);

// The digest DescribeImages gives for the image's tag. not_found naming the
// image or the repository when ECR has neither.
Result<std::string> ecr_image_digest(const JsonCall& call, const EcrImageRef& image);

// The registry's scanning type, from GetRegistryScanningConfiguration.
enum class ScanType { basic, enhanced };
Result<ScanType> registry_scan_type(const JsonCall& call);

// Scan statuses as DescribeImageScanFindings reports them, and what the
// poller does with each: stop with the findings, wait and ask again, or fail.
enum class PollAction { done, wait, fail };
struct PollStep {
  PollAction action = PollAction::fail;
  ErrorCode code = ErrorCode::internal;  // for fail
  std::string message;                   // for fail: the cause and the fix
};
// COMPLETE, ACTIVE: done. IN_PROGRESS, PENDING: wait. FAILED,
// UNSUPPORTED_IMAGE, SCAN_ELIGIBILITY_EXPIRED, FINDINGS_UNAVAILABLE and any
// other value: fail, never polled again. `description` is the service's
// imageScanStatus.description, quoted in the message.
PollStep poll_step(std::string_view status, std::string_view description, std::string_view image);

struct EcrScanOptions {
  bool start_scan = false;  // StartImageScan first (basic scanning only)
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds first_delay{std::chrono::seconds(5)};  // doubled after each wait
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
  int page_size = 1000;  // maxResults; the service allows 1..1000
  // When set, the registry must use this scanning type (--findings-from
  // inspector wants enhanced): usage error naming the one to use.
  std::optional<ScanType> require;
};

struct EcrScanResult {
  std::string digest;
  std::string status;  // COMPLETE or ACTIVE
  ScanType scan_type = ScanType::basic;
  std::vector<scan::Finding> findings;
  int pages = 0;
  int requests = 0;  // service calls made, for --debug and the benchmark
  std::vector<std::string> notes;  // e.g. "already scanned today: using those results"
};

// Resolves the digest (DescribeImages; not_found naming the tag), checks the
// scanning type, starts a scan when asked (LimitExceededException means it
// was already scanned today: the existing results are used), polls until a
// terminal status or the timeout (network error naming the last status and
// --ecr-scan-timeout), and reads every page (invalid_image when a page token
// repeats). ScanNotFoundException without start_scan is not_found telling to
// turn on scan on push or pass --ecr-start-scan.
Result<EcrScanResult> ecr_scan_findings(const JsonCall& call, EcrImageRef image, const EcrScanOptions& options,
                                        const PollClock& clock);

// Calls `fetch(token)` for each page after the first until a page has no
// nextToken, handing each page to `take`. invalid_image naming `what` when a
// token comes back twice (a service or proxy that ignores tokens would loop
// forever) or after `max_pages`.
Result<int> follow_pages(const nlohmann::json& first, std::string_view what,
                         const std::function<Result<nlohmann::json>(const std::string& token)>& fetch,
                         const std::function<Result<void>(const nlohmann::json& page)>& take, int max_pages = 100000);

}  // namespace ig::aws
