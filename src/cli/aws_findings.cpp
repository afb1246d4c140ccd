#include "cli/aws_findings.h"

#include <ctime>
#include <random>

#include <fmt/format.h>

#include "aws/client.h"
#include "aws/ecr_scan.h"
#include "aws/inspector.h"
#include "util/duration.h"
#include "util/log.h"

namespace ig::cli {

void FindingsFromOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--findings-from", from,
                 "Where findings come from: engine (imagegate's matcher, default), ecr (Amazon ECR's image scan, basic "
                 "or enhanced), inspector (Amazon Inspector, enhanced scanning), both (engine and ecr, each finding "
                 "naming its source); docs/aws.md")
      ->check(CLI::IsMember({"engine", "ecr", "inspector", "both"}));
  cmd.add_flag("--ecr-start-scan", ecr_start_scan,
               "Start an ECR basic scan first (one per image per day: an image already scanned today keeps its "
               "results)");
  cmd.add_option("--ecr-scan-timeout", ecr_scan_timeout,
                 "How long to wait for the ECR scan to finish (default 10m; s, m, h)");
}

Result<void> FindingsFromOptions::validate() const {
  if (ecr_start_scan && from != "ecr" && from != "both") {
    return fail(ErrorCode::usage, "--ecr-start-scan needs --findings-from ecr or both");
  }
  IG_TRY(parse_duration("--ecr-scan-timeout", ecr_scan_timeout));
  return {};
}

Result<AwsFindings> fetch_aws_findings(const FindingsFromOptions& o, const std::string& image,
                                       const std::string& digest) {
  IG_ASSIGN(aws::EcrImageRef ref, aws::parse_ecr_image(image));
  if (!digest.empty()) ref.digest = digest;
  auto creds = aws::default_credentials();
  IG_ASSIGN(aws::Client ecr, aws::Client::make(aws::k_ecr, ref.region, creds));
  aws::JsonCall ecr_call = [&ecr](std::string_view op, const nlohmann::json& body) {
    log::debug("Amazon ECR {} at {}", op, ecr.endpoint());
    return ecr.json_call(op, body);
  };
  AwsFindings out;
  if (o.from == "inspector") {
    IG_ASSIGN(auto type, aws::registry_scan_type(ecr_call));
    if (type != aws::ScanType::enhanced) {
      return fail(ErrorCode::usage,
                  "the registry {} uses BASIC scanning, so Amazon Inspector has no findings for its images: use "
                  "--findings-from ecr (or turn on enhanced scanning)",
                  ref.registry_id);
    }
    if (ref.digest.empty()) {
      IG_ASSIGN(ref.digest, aws::ecr_image_digest(ecr_call, ref));
    }
    IG_ASSIGN(aws::Client inspector, aws::Client::make(aws::k_inspector2, ref.region, creds));
    aws::RestCall call = [&inspector](std::string_view method, std::string_view path, const nlohmann::json& body,
                                      std::string_view op) { return inspector.rest_json(method, path, body, op); };
    IG_ASSIGN(auto found, aws::inspector_findings(call, ref.repository, ref.digest));
    log::debug("Amazon Inspector: {} findings in {} pages ({} requests)", found.findings.size(), found.pages,
               found.requests);
    out.digest = ref.digest;
    out.findings = std::move(found.findings);
    return out;
  }
  aws::EcrScanOptions so;
  so.start_scan = o.ecr_start_scan;
  IG_ASSIGN(auto timeout, parse_duration("--ecr-scan-timeout", o.ecr_scan_timeout));
  so.timeout = timeout;
  IG_ASSIGN(auto result, aws::ecr_scan_findings(ecr_call, ref, so, aws::real_clock()));
  log::debug("Amazon ECR: scan {} with {} findings in {} pages ({} requests)", result.status, result.findings.size(),
             result.pages, result.requests);
  out.digest = result.digest;
  out.findings = std::move(result.findings);
  out.notes = std::move(result.notes);
  return out;
}

Result<std::vector<std::string>> export_inspector_sbom(const std::string& image, const std::string& s3_url,
                                                       const std::string& format, const std::string& kms_key,
                                                       const std::string& timeout) {
  aws::SbomExportRequest req;
  if (format == "cyclonedx" || format == "cyclonedx@1.4") {
    req.format = "CYCLONEDX_1_4";
  } else if (format == "spdx-json") {
    req.format = "SPDX_2_3";
  } else {
    return fail(ErrorCode::usage,
                "--export-inspector writes what Amazon Inspector exports: CycloneDX 1.4 or SPDX 2.3; use --format "
                "cyclonedx (or cyclonedx@1.4) or spdx-json, not {}",
                format);
  }
  if (kms_key.empty()) {
    return fail(ErrorCode::usage,
                "--export-inspector needs --kms-key ARN: Amazon Inspector encrypts every SBOM export with a KMS key");
  }
  IG_ASSIGN(req.destination, aws::parse_s3_url(s3_url));
  IG_ASSIGN(req.image, aws::parse_ecr_image(image));
  IG_ASSIGN(auto limit, parse_duration("--export-timeout", timeout));
  req.timeout = limit;
  req.kms_key_arn = kms_key;
  auto creds = aws::default_credentials();
  IG_ASSIGN(aws::Client ecr, aws::Client::make(aws::k_ecr, req.image.region, creds));
  if (req.image.digest.empty()) {
    aws::JsonCall ecr_call = [&ecr](std::string_view op, const nlohmann::json& body) { return ecr.json_call(op, body); };
    IG_ASSIGN(req.image.digest, aws::ecr_image_digest(ecr_call, req.image));
  }
  // A fresh prefix per export: an object found under it can only be this export's.
  req.started_at = std::time(nullptr);
  char stamp[32];
  std::tm tm{};
  gmtime_r(&req.started_at, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  req.unique = fmt::format("{}-{:08x}", stamp, rd());
  IG_ASSIGN(aws::Client inspector, aws::Client::make(aws::k_inspector2, req.image.region, creds));
  aws::RestCall call = [&inspector](std::string_view method, std::string_view path, const nlohmann::json& body,
                                    std::string_view op) { return inspector.rest_json(method, path, body, op); };
  IG_ASSIGN(aws::Client s3, aws::Client::make(aws::k_s3, req.image.region, creds));
  aws::S3List list = [&s3](const std::string& bucket, const std::string& prefix) -> Result<std::vector<aws::S3Object>> {
    aws::HttpRequest r;
    r.method = "GET";
    r.path = "/" + bucket;
    r.query = {{"list-type", "2"}, {"prefix", prefix}};
    IG_ASSIGN(aws::HttpResponse resp, s3.send(std::move(r)));
    if (resp.status < 200 || resp.status >= 300) return fail(s3.error_for("ListObjectsV2", resp));
    IG_ASSIGN(auto listing, aws::parse_list_objects(resp.body));
    return listing.objects;
  };
  IG_ASSIGN(auto done, aws::inspector_sbom_export(call, list, req, aws::real_clock()));
  std::vector<std::string> urls;
  for (const auto& k : done.keys) urls.push_back(fmt::format("s3://{}/{}", done.bucket, k));
  log::info("Amazon Inspector SBOM export {} of {}@{}", done.report_id, req.image.repository, req.image.digest);
  return urls;
}

}  // namespace ig::cli
