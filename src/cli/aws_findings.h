// --findings-from for `scan` and `check`: which source's findings the gate
// sees (imagegate's own matcher, Amazon ECR's scan, Amazon Inspector, or the
// matcher and ECR together), and the adapter that builds the AWS clients
// for aws/ecr_scan.h and aws/inspector.h from the image reference.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scan/finding.h"
#include "util/error.h"

namespace ig::cli {

struct FindingsFromOptions {
  std::string from = "engine";  // engine | ecr | inspector | both
  bool ecr_start_scan = false;
  std::string ecr_scan_timeout = "10m";

  void add_to(CLI::App& cmd);
  bool engine() const { return from == "engine" || from == "both"; }
  bool aws() const { return from != "engine"; }
  // usage error for AWS flags given without an AWS source.
  Result<void> validate() const;
};

struct AwsFindings {
  std::string digest;  // the image's digest, as ECR resolved it (or as given)
  std::vector<scan::Finding> findings;
  std::vector<std::string> notes;  // said on stderr (e.g. "already scanned today")
};

// The findings of `image` (an ECR reference) from the AWS source `o.from`
// names ("both" reads ECR). `digest`, when not empty, pins the image (the
// one `check` resolved), so every source describes the same manifest.
Result<AwsFindings> fetch_aws_findings(const FindingsFromOptions& o, const std::string& image,
                                       const std::string& digest);

// `sbom --export-inspector s3://BUCKET/PREFIX`: Amazon Inspector writes the
// image's SBOM (`format`: cyclonedx, cyclonedx@1.4 or spdx-json) under a
// unique prefix there, encrypted with `kms_key`; returns the s3:// URL of
// each object that export wrote (confirmed as this export's).
Result<std::vector<std::string>> export_inspector_sbom(const std::string& image, const std::string& s3_url,
                                                       const std::string& format, const std::string& kms_key,
                                                       const std::string& timeout);

}  // namespace ig::cli
