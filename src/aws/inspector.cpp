#include "aws/inspector.h"

#include <algorithm>

#include <fmt/format.h>

#include "aws/ecr_findings.h"

namespace ig::aws {

using nlohmann::json;

namespace {

json equals(std::string_view value) {
  return json::array({{{"comparison", "EQUALS"}, {"value", std::string(value)}}});
}

std::string string_field(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The text between <tag> and </tag> from `from`, or nullopt.
std::optional<std::string_view> element(std::string_view xml, std::string_view tag, size_t from = 0,
                                        size_t* end = nullptr) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  auto a = xml.find(open, from);
  if (a == std::string_view::npos) return std::nullopt;
  auto b = xml.find(close, a + open.size());
  if (b == std::string_view::npos) return std::nullopt;
  if (end) *end = b + close.size();
  return xml.substr(a + open.size(), b - a - open.size());
}

std::string xml_unescape(std::string_view s) {
  static const std::pair<std::string_view, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [name, c] : entities) {
        if (s.substr(i, name.size()) == name) {
          out += c;
          i += name.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

// "2026-12-04T16:31:40.000Z" → seconds since the epoch; nullopt when malformed.
std::optional<std::time_t> parse_iso8601(std::string_view s) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 9999) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return timegm(&tm);
}

std::string report_fix(std::string_view code) {
  if (code == "INVALID_PERMISSIONS" || code == "MALFORMED_KMS_KEY") {
    return "let Amazon Inspector write to the bucket and use the KMS key (the bucket and key policies must allow the "
           "inspector2.amazonaws.com service principal; see docs/aws.md)";
  }
  if (code == "BUCKET_NOT_FOUND") return "create the bucket or fix its name";
  if (code == "INCOMPATIBLE_BUCKET_REGION") return "use a bucket in the image's region";
  if (code == "NO_FINDINGS_FOUND") return "check that enhanced scanning covers the repository and the image was scanned";
  return "run it again later";
}

}  // namespace

Result<InspectorFindings> inspector_findings(const RestCall& raw_call, std::string_view repository,
                                             std::string_view digest, int page_size) {
  InspectorFindings out;
  auto call = [&](const json& body) {
    ++out.requests;
    return raw_call("POST", "/findings/list", body, "ListFindings");
  };
  json request = {{"filterCriteria",
                   {{"ecrImageRepositoryName", equals(repository)},
                    {"ecrImageHash", equals(digest)},
                    {"findingType", equals("PACKAGE_VULNERABILITY")},
                    {"findingStatus", equals("ACTIVE")}}},
                  {"maxResults", page_size}};
  IG_ASSIGN(json first, call(request));
  auto fetch = [&](const std::string& token) {
    json next = request;
    next["nextToken"] = token;
    return call(next);
  };
  auto take = [&](const json& page) -> Result<void> {
    IG_ASSIGN(auto found, findings_from_inspector_page(page));
    out.findings.insert(out.findings.end(), std::make_move_iterator(found.begin()),
                        std::make_move_iterator(found.end()));
    return {};
  };
  IG_ASSIGN(out.pages, follow_pages(first, "Inspector ListFindings", fetch, take));
  return out;
}

Result<S3Listing> parse_list_objects(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    return fail(ErrorCode::invalid_image,
                "the S3 listing is not a ListBucketResult document; is the S3 endpoint (AWS_ENDPOINT_URL_S3) right?");
  }
  S3Listing out;
  size_t at = 0;
  size_t end = 0;
  while (auto contents = element(xml, "Contents", at, &end)) {
    at = end;
    auto key = element(*contents, "Key");
    if (!key) continue;
    S3Object o;
    o.key = xml_unescape(*key);
    if (auto modified = element(*contents, "LastModified")) {
      if (auto t = parse_iso8601(*modified)) o.last_modified = *t;
    }
    out.objects.push_back(std::move(o));
  }
  if (auto t = element(xml, "IsTruncated")) out.truncated = *t == "true";
  return out;
}

std::string ecr_image_resource_id(const EcrImageRef& image) {
  return fmt::format("arn:aws:ecr:{}:{}:repository/{}/{}", image.region, image.registry_id, image.repository,
                     image.digest);
}

Result<SbomExport> inspector_sbom_export(const RestCall& call, const S3List& list, const SbomExportRequest& r,
                                         const PollClock& clock) {
  SbomExport out;
  out.bucket = r.destination.bucket;
  out.prefix = (r.destination.prefix.empty() ? "" : r.destination.prefix + "/") + r.unique;
  json create = {{"reportFormat", r.format},
                 {"resourceFilterCriteria",
                  {{"ecrRepositoryName", equals(r.image.repository)},
                   {"resourceId", equals(ecr_image_resource_id(r.image))}}},
                 {"s3Destination", {{"bucketName", out.bucket}, {"keyPrefix", out.prefix}, {"kmsKeyArn", r.kms_key_arn}}}};
  IG_ASSIGN(json created, call("POST", "/sbomexport/create", create, "CreateSbomExport"));
  out.report_id = string_field(created, "reportId");
  if (out.report_id.empty()) {
    return fail(ErrorCode::invalid_image, "CreateSbomExport gave no reportId; is the endpoint Amazon Inspector?");
  }

  const auto deadline = clock.now() + r.timeout;
  auto delay = r.first_delay;
  for (;;) {
    IG_ASSIGN(json got, call("POST", "/sbomexport/get", json{{"reportId", out.report_id}}, "GetSbomExport"));
    std::string status = string_field(got, "status");
    if (status == "SUCCEEDED") break;
    if (status == "FAILED" || status == "CANCELLED") {
      std::string code = string_field(got, "errorCode");
      return fail(ErrorCode::invalid_image, "the Inspector SBOM export {} of {} {} ({}: {}); {}", out.report_id,
                  r.image.repository, status == "FAILED" ? "failed" : "was cancelled", code.empty() ? "no code" : code,
                  string_field(got, "errorMessage"), report_fix(code));
    }
    if (status != "IN_PROGRESS") {
      return fail(ErrorCode::invalid_image, "GetSbomExport gave status '{}' for {}, which imagegate does not know",
                  status, out.report_id);
    }
    auto now = clock.now();
    if (now >= deadline) {
      return fail(ErrorCode::network, "the Inspector SBOM export {} is still IN_PROGRESS after {}s; raise --timeout",
                  out.report_id, std::chrono::duration_cast<std::chrono::seconds>(r.timeout).count());
    }
    clock.sleep(std::min(delay, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
    delay = std::min(delay * 2, r.max_delay);
  }

  IG_ASSIGN(auto objects, list(out.bucket, out.prefix + "/"));
  constexpr std::time_t k_clock_skew = 60;
  for (const auto& o : objects) {
    if (o.key.find(out.report_id) != std::string::npos && o.last_modified + k_clock_skew >= r.started_at) {
      out.keys.push_back(o.key);
    }
  }
  if (out.keys.empty()) {
    return fail(ErrorCode::integrity,
                "the Inspector SBOM export {} says SUCCEEDED but s3://{}/{}/ holds no object naming the report written "
                "after it started ({} objects there); do not use an older export: run it again",
                out.report_id, out.bucket, out.prefix, objects.size());
  }
  return out;
}

}  // namespace ig::aws
