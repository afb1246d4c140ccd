#include "aws/ecr_scan.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "aws/ecr_findings.h"

namespace ig::aws {

using nlohmann::json;

PollClock real_clock() {
  return PollClock{[] { return std::chrono::steady_clock::now(); },
                   [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }};
}

bool aws_error_is(const Error& e, std::string_view code) {
  auto at = e.message.find(code);
  if (at == std::string::npos) return false;
  // A whole word: "LimitExceededException" must not match "ResourceLimitExceededException".
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  bool starts = at == 0 || !word(e.message[at - 1]);
  bool ends = at + code.size() == e.message.size() || !word(e.message[at + code.size()]);
  return starts && ends;
}

Result<EcrImageRef> parse_ecr_image(std::string_view ref) {
  // The registry host names ECR documents, the FIPS ones and the China partition.
  static const std::regex host_re(R"(^([0-9]{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$)");
  auto slash = ref.find('/');
  std::smatch m;
  std::string host(ref.substr(0, slash == std::string_view::npos ? 0 : slash));
  if (slash == std::string_view::npos || !std::regex_match(host, m, host_re)) {
    return fail(ErrorCode::usage,
                "'{}' is not an Amazon ECR image: --findings-from ecr and inspector need "
                "<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag][@sha256:…]",
                ref);
  }
  EcrImageRef out;
  out.registry_id = m[1];
  out.region = m[3];
  std::string rest(ref.substr(slash + 1));
  if (auto at = rest.find('@'); at != std::string::npos) {
    out.digest = rest.substr(at + 1);
    rest.resize(at);
  }
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    out.tag = rest.substr(colon + 1);
    rest.resize(colon);
  }
  out.repository = rest;
  if (out.tag.empty() && out.digest.empty()) out.tag = "latest";
  if (out.tag.rfind("sha256:", 0) == 0 && out.digest.empty()) {
    out.digest = out.tag;
    out.tag.clear();
  }
  static const std::regex repo_re(R"(^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$)");
  if (out.repository.size() < 2 || out.repository.size() > 256 || !std::regex_match(out.repository, repo_re)) {
    return fail(ErrorCode::usage, "'{}' in {} is not an ECR repository name (lowercase letters, digits, . _ - /)",
                out.repository, ref);
  }
  if (!out.digest.empty() && !std::regex_match(out.digest, std::regex("^sha256:[0-9a-f]{64}$"))) {
    return fail(ErrorCode::usage, "'{}' in {} is not a digest: expected sha256: and 64 hex digits", out.digest, ref);
  }
  return out;
}

json image_id(const EcrImageRef& image) {
  if (!image.digest.empty()) return {{"imageDigest", image.digest}};
  if (image.tag.rfind("sha256:", 0) == 0) return {{"imageDigest", image.tag}};
  return {{"imageTag", image.tag}};
}

Result<ScanType> registry_scan_type(const JsonCall& call) {
  IG_ASSIGN(json r, call("GetRegistryScanningConfiguration", json::object()));
  std::string type;
  if (r.is_object() && r.contains("scanningConfiguration") && r["scanningConfiguration"].is_object()) {
    const auto& c = r["scanningConfiguration"];
    if (c.contains("scanType") && c["scanType"].is_string()) type = c["scanType"].get<std::string>();
  }
  if (type == "ENHANCED") return ScanType::enhanced;
  if (type == "BASIC") return ScanType::basic;
  return fail(ErrorCode::invalid_image,
              "GetRegistryScanningConfiguration gave scanType '{}', neither BASIC nor ENHANCED; is the endpoint Amazon "
              "ECR?",
              type);
}

PollStep poll_step(std::string_view status, std::string_view description, std::string_view image) {
  auto failed = [&](ErrorCode code, std::string cause) {
    std::string said = description.empty() ? "" : fmt::format(" (ECR says: {})", description);
    return PollStep{PollAction::fail, code, fmt::format("the ECR scan of {} {}{}", image, cause, said)};
  };
  if (status == "COMPLETE" || status == "ACTIVE") return {PollAction::done, {}, {}};
  if (status == "IN_PROGRESS" || status == "PENDING") return {PollAction::wait, {}, {}};
  if (status == "FAILED") {
    return failed(ErrorCode::invalid_image,
                  "failed; run it again later with --ecr-start-scan, or use imagegate's own scan (--findings-from "
                  "engine)");
  }
  if (status == "UNSUPPORTED_IMAGE") {
    return failed(ErrorCode::invalid_image,
                  "is UNSUPPORTED_IMAGE: ECR cannot scan this image's operating system or format; use imagegate's own "
                  "scan (--findings-from engine)");
  }
  if (status == "SCAN_ELIGIBILITY_EXPIRED") {
    return failed(ErrorCode::invalid_image,
                  "is SCAN_ELIGIBILITY_EXPIRED: enhanced scanning stopped rescanning the image after the registry's "
                  "scan duration; push the image again, lengthen the duration in Amazon Inspector, or use "
                  "--findings-from engine");
  }
  if (status == "FINDINGS_UNAVAILABLE") {
    return failed(ErrorCode::not_found,
                  "is FINDINGS_UNAVAILABLE: Amazon Inspector has no findings for it (the image was deleted, archived "
                  "or never scanned); push it again or use --findings-from engine");
  }
  return failed(ErrorCode::invalid_image,
                fmt::format("has status '{}', which imagegate does not know; use --findings-from engine", status));
}

namespace {

std::string string_at(const json& j, std::initializer_list<const char*> path) {
  const json* at = &j;
  for (const char* key : path) {
    if (!at->is_object()) return {};
    auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : std::string();
}

std::string display(const EcrImageRef& img) {
  return img.repository + (img.digest.empty() ? ":" + img.tag : "@" + img.digest);
}

}  // namespace

Result<std::string> ecr_image_digest(const JsonCall& call, const EcrImageRef& img) {
  json body = {{"registryId", img.registry_id}, {"repositoryName", img.repository}, {"imageIds", json::array({image_id(img)})}};
  auto r = call("DescribeImages", body);
  if (!r) {
    if (aws_error_is(r.error(), "ImageNotFoundException")) {
      return fail(ErrorCode::not_found, "ECR has no image {} in registry {} ({}): check the tag, or push it",
                  display(img), img.registry_id, img.region);
    }
    if (aws_error_is(r.error(), "RepositoryNotFoundException")) {
      return fail(ErrorCode::not_found, "ECR has no repository {} in registry {} ({}): check the name and the region",
                  img.repository, img.registry_id, img.region);
    }
    return fail(r.error());
  }
  const json* details = r->is_object() && r->contains("imageDetails") ? &(*r)["imageDetails"] : nullptr;
  if (!details || !details->is_array() || details->empty() || !(*details)[0].is_object()) {
    return fail(ErrorCode::not_found, "ECR has no image {} in registry {} ({}): check the tag, or push it",
                display(img), img.registry_id, img.region);
  }
  std::string digest = string_at((*details)[0], {"imageDigest"});
  if (digest.rfind("sha256:", 0) != 0) {
    return fail(ErrorCode::invalid_image, "DescribeImages gave no sha256 digest for {}; is the endpoint Amazon ECR?",
                display(img));
  }
  return digest;
}

namespace {

// StartImageScan; LimitExceededException (one scan per image per day) keeps the earlier results.
Result<void> start_scan(const JsonCall& call, const EcrImageRef& img, std::vector<std::string>& notes) {
  json body = {{"registryId", img.registry_id}, {"repositoryName", img.repository}, {"imageId", image_id(img)}};
  auto r = call("StartImageScan", body);
  if (!r) {
    if (!aws_error_is(r.error(), "LimitExceededException")) return fail(r.error());
    notes.push_back(fmt::format(
        "ECR scans an image once a day and {} was already scanned today (LimitExceededException): using those results",
        display(img)));
  }
  return {};
}

Result<void> check_scan_type(ScanType actual, const EcrScanOptions& o) {
  if (o.require && *o.require != actual) {
    if (actual == ScanType::basic) {
      return fail(ErrorCode::usage,
                  "the registry uses BASIC scanning, so Amazon Inspector has no findings for its images: use "
                  "--findings-from ecr (or turn on enhanced scanning)");
    }
    return fail(ErrorCode::usage,
                "the registry uses ENHANCED scanning (Amazon Inspector): use --findings-from inspector or ecr, which "
                "read its findings");
  }
  if (o.start_scan && actual == ScanType::enhanced) {
    return fail(ErrorCode::usage,
                "--ecr-start-scan starts a BASIC scan, but the registry uses ENHANCED scanning, which scans on push "
                "and continuously: drop --ecr-start-scan");
  }
  return {};
}

}  // namespace

Result<int> follow_pages(const json& first, std::string_view what,
                         const std::function<Result<json>(const std::string& token)>& fetch,
                         const std::function<Result<void>(const json& page)>& take, int max_pages) {
  IG_TRY(take(first));
  int pages = 1;
  std::set<std::string> seen;
  std::string token = string_at(first, {"nextToken"});
  while (!token.empty()) {
    if (!seen.insert(token).second) {
      return fail(ErrorCode::invalid_image,
                  "{} handed back page token '{}' a second time after {} pages; stopping instead of looping (a proxy or "
                  "an emulator that ignores nextToken does this)",
                  what, token.size() > 40 ? token.substr(0, 40) + "…" : token, pages);
    }
    if (pages >= max_pages) {
      return fail(ErrorCode::invalid_image, "{} gave more than {} pages; stopping", what, max_pages);
    }
    IG_ASSIGN(json page, fetch(token));
    IG_TRY(take(page));
    ++pages;
    token = string_at(page, {"nextToken"});
  }
  return pages;
}

Result<EcrScanResult> ecr_scan_findings(const JsonCall& raw_call, EcrImageRef img, const EcrScanOptions& o,
                                        const PollClock& clock) {
  EcrScanResult out;
  JsonCall call = [&](std::string_view op, const json& body) {
    ++out.requests;
    return raw_call(op, body);
  };
  IG_ASSIGN(out.scan_type, registry_scan_type(call));
  IG_TRY(check_scan_type(out.scan_type, o));
  if (img.digest.empty()) {
    IG_ASSIGN(img.digest, ecr_image_digest(call, img));
  }
  out.digest = img.digest;
  bool started = false;
  if (o.start_scan) {
    IG_TRY(start_scan(call, img, out.notes));
    started = true;
  }

  json request = {{"registryId", img.registry_id},
                  {"repositoryName", img.repository},
                  {"imageId", image_id(img)},
                  {"maxResults", o.page_size}};
  const auto deadline = clock.now() + o.timeout;
  auto delay = o.first_delay;
  std::string last = "(none yet)";
  json first;
  for (;;) {
    auto r = call("DescribeImageScanFindings", request);
    std::string status, description;
    if (!r) {
      if (!aws_error_is(r.error(), "ScanNotFoundException")) return fail(r.error());
      // Right after StartImageScan the scan may not be visible yet: wait for it.
      if (!started) {
        return fail(ErrorCode::not_found,
                    "ECR has no scan of {} (ScanNotFoundException): scan on push is off for repository {}; pass "
                    "--ecr-start-scan, or turn on scan on push",
                    display(img), img.repository);
      }
      status = "PENDING";
    } else {
      status = string_at(*r, {"imageScanStatus", "status"});
      description = string_at(*r, {"imageScanStatus", "description"});
    }
    last = status;
    PollStep step = poll_step(status, description, display(img));
    if (step.action == PollAction::fail) return fail(step.code, "{}", step.message);
    if (step.action == PollAction::done) {
      out.status = status;
      first = std::move(*r);
      break;
    }
    auto now = clock.now();
    if (now >= deadline) {
      return fail(ErrorCode::network,
                  "the ECR scan of {} is still {} after {}s; wait and run again, or raise --ecr-scan-timeout", display(img),
                  last, std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count());
    }
    // The last wait ends at the deadline, so the final answer is read then.
    clock.sleep(std::min(delay, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
    delay = std::min(delay * 2, o.max_delay);
  }

  auto fetch = [&](const std::string& token) {
    json next = request;
    next["nextToken"] = token;
    return call("DescribeImageScanFindings", next);
  };
  auto take = [&](const json& page) -> Result<void> {
    IG_ASSIGN(auto found, findings_from_ecr_page(page));
    out.findings.insert(out.findings.end(), std::make_move_iterator(found.begin()),
                        std::make_move_iterator(found.end()));
    return {};
  };
  IG_ASSIGN(out.pages, follow_pages(first, "ECR DescribeImageScanFindings", fetch, take));
  return out;
}

}  // namespace ig::aws
