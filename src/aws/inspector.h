// Amazon Inspector (inspector2) for ECR images: its findings as a findings
// source (ListFindings filtered by repository and image hash, every page,
// normalised as aws/ecr_findings.h does), and its SBOM export to S3
// (CreateSbomExport, GetSbomExport polled, the object written confirmed).
// Service calls go through a RestCall (aws::Client::rest_json in production)
// so tests drive them without a network.
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/ecr_scan.h"
#include "aws/s3.h"  // S3Location, parse_s3_url
#include "scan/finding.h"
#include "util/error.h"

namespace ig::aws {

// One REST-JSON call: METHOD, path, JSON body and the operation's name (for messages).
using RestCall = std::function<Result<nlohmann::json>(std::string_view method, std::string_view path,
                                                      const nlohmann::json& body, std::string_view operation)>;

struct InspectorFindings {
  std::vector<scan::Finding> findings;
  int pages = 0;
  int requests = 0;
};

// The ACTIVE package-vulnerability findings of `repository`@`digest`
// (REQUIRES: digest is "sha256:…"). invalid_image when a page token repeats.
Result<InspectorFindings> inspector_findings(const RestCall& call, std::string_view repository,
                                             std::string_view digest, int page_size = 100);

// An S3 object as ListObjectsV2 lists it.
struct S3Object {
  std::string key;
  std::time_t last_modified = 0;  // seconds since the epoch, UTC
};
// The <Contents> of a ListObjectsV2 answer (XML), keys unescaped, and
// whether it was truncated. invalid_image when it is not a ListBucketResult.
struct S3Listing {
  std::vector<S3Object> objects;
  bool truncated = false;
};
Result<S3Listing> parse_list_objects(std::string_view xml);
// Lists the objects of s3://bucket/prefix (every page is the caller's job: an
// export writes a handful of objects).
using S3List = std::function<Result<std::vector<S3Object>>(const std::string& bucket, const std::string& prefix)>;


struct SbomExportRequest {
  EcrImageRef image;       // registry id, region, repository and digest
  std::string format;      // "CYCLONEDX_1_4" or "SPDX_2_3"
  S3Location destination;  // the user's bucket and prefix
  std::string kms_key_arn; // required by the service
  std::string unique;      // appended to the prefix so no earlier export can answer for this one
  std::time_t started_at = 0;  // wall clock when the export was asked for
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds first_delay{std::chrono::seconds(2)};
  std::chrono::milliseconds max_delay{std::chrono::seconds(15)};
};

struct SbomExport {
  std::string report_id;
  std::string bucket;
  std::string prefix;             // the unique prefix written under
  std::vector<std::string> keys;  // the objects this export wrote
};

// The Inspector resource id of an ECR image: arn:aws:ecr:<region>:<account>:repository/<repo>/<digest>.
std::string ecr_image_resource_id(const EcrImageRef& image);

// CreateSbomExport for the image under "<prefix>/<unique>/", GetSbomExport
// until SUCCEEDED (FAILED and CANCELLED stop at once, naming Inspector's
// error code and a fix), then lists the unique prefix and keeps the objects
// whose key names the report id and which were written after `started_at`
// (less a minute for clock skew): integrity error when none is, so a stale
// object is never reported as this export. Timeout: network error.
Result<SbomExport> inspector_sbom_export(const RestCall& call, const S3List& list, const SbomExportRequest& request,
                                         const PollClock& clock);

}  // namespace ig::aws
