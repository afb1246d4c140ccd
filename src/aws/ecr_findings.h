// Findings that Amazon ECR (basic and enhanced scanning) and Amazon Inspector
// report, turned into our own scan::Finding so the same gate, policy, ignore
// files, VEX and reports apply to them. Pure functions over the services'
// JSON (DescribeImageScanFindings, Inspector2 ListFindings); the severity
// mapping is documented in docs/aws.md "Findings from ECR and Inspector".
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scan/finding.h"
#include "util/error.h"

namespace ig::aws {

// CRITICAL, HIGH, MEDIUM, LOW as themselves; INFORMATIONAL, UNDEFINED,
// UNTRIAGED, an empty or any other value as unknown. Case-insensitive.
scan::Severity severity_from_aws(std::string_view severity);

// The findings of one DescribeImageScanFindings page: `imageScanFindings.findings`
// (basic) and `imageScanFindings.enhancedFindings` (enhanced), each tagged
// source "ecr". An enhanced finding gives one Finding per vulnerable package.
// invalid_image when the page is not the documented shape (a field of the
// wrong type), naming the field.
Result<std::vector<scan::Finding>> findings_from_ecr_page(const nlohmann::json& page);

// The findings of one Inspector2 ListFindings page (`findings`), tagged
// source "inspector". Findings of other types than PACKAGE_VULNERABILITY
// (network reachability, code) are skipped. Errors as above.
Result<std::vector<scan::Finding>> findings_from_inspector_page(const nlohmann::json& page);

// Joins the engine's findings with another source's: one finding per
// vulnerability (any id of its alias group) and package name; the first
// list's finding is kept and its source becomes "<a>+<b>" for those both
// found. `first_name` names the first list's source ("imagegate"). Order:
// the first list, then what only the second found.
std::vector<scan::Finding> merge_findings(std::vector<scan::Finding> first, std::string_view first_name,
                                          std::vector<scan::Finding> second);

}  // namespace ig::aws
