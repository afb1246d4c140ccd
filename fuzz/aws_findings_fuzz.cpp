// Answers from Amazon ECR (DescribeImageScanFindings), Amazon Inspector
// (ListFindings) and S3 (ListObjectsV2): the findings normaliser and the S3
// listing parser. Any input either normalises or fails as invalid_image;
// the findings then merge with the engine's without trouble.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aws/ecr_findings.h"
#include "aws/inspector.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto listing = ig::aws::parse_list_objects(text);
  if (!listing && listing.error().code != ig::ErrorCode::invalid_image) std::abort();
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  for (auto* normalise : {&ig::aws::findings_from_ecr_page, &ig::aws::findings_from_inspector_page}) {
    auto found = normalise(doc);
    if (!found) {
      if (found.error().code != ig::ErrorCode::invalid_image) std::abort();
      continue;
    }
    ig::scan::Finding engine;
    engine.vulnerability_id = "CVE-2023-0286";
    engine.package_name = "openssl";
    auto merged = ig::aws::merge_findings({engine}, "imagegate", *found);
    if (merged.empty() || merged.size() > found->size() + 1) std::abort();
  }
  return 0;
}
