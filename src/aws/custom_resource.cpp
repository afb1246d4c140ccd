// Custom-resource events, the construct's properties as check flags, and the
// answers; see custom_resource.h.
#include "aws/custom_resource.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include <fmt/format.h>

namespace ig::aws {

using nlohmann::json;

namespace {

Result<std::string> string_field(const json& j, const char* name, bool required) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) {
    if (required) {
      return fail(ErrorCode::usage, "the custom-resource event has no {}: the function must be invoked by "
                  "CloudFormation or the CDK Provider framework", name);
    }
    return std::string();
  }
  if (!it->is_string()) return fail(ErrorCode::usage, "the custom-resource event's {} is not a string", name);
  return it->get<std::string>();
}

Result<json> object_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return json::object();
  if (!it->is_object()) return fail(ErrorCode::usage, "the custom-resource event's {} is not an object", name);
  return *it;
}

const json* find_property(const json& props, std::string_view name) {
  if (!props.is_object()) return nullptr;
  auto it = props.find(std::string(name));
  if (it == props.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<CustomResourceEvent> parse_custom_resource_event(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::usage, "the invocation payload is not a JSON object: this function handles "
                "CloudFormation custom-resource events only");
  }
  CustomResourceEvent e;
  IG_ASSIGN(std::string type, string_field(j, "RequestType", true));
  if (type == "Create") e.request_type = RequestType::create;
  else if (type == "Update") e.request_type = RequestType::update;
  else if (type == "Delete") e.request_type = RequestType::remove;
  else return fail(ErrorCode::usage, "RequestType '{}' is not Create, Update or Delete", type);
  IG_ASSIGN(e.response_url, string_field(j, "ResponseURL", false));
  IG_ASSIGN(e.stack_id, string_field(j, "StackId", true));
  IG_ASSIGN(e.request_id, string_field(j, "RequestId", true));
  IG_ASSIGN(e.logical_resource_id, string_field(j, "LogicalResourceId", true));
  IG_ASSIGN(e.physical_resource_id, string_field(j, "PhysicalResourceId", false));
  IG_ASSIGN(e.resource_type, string_field(j, "ResourceType", false));
  IG_ASSIGN(e.properties, object_field(j, "ResourceProperties"));
  IG_ASSIGN(e.old_properties, object_field(j, "OldResourceProperties"));
  return e;
}

Result<bool> property_bool(const json& props, std::string_view name, bool fallback) {
  const json* v = find_property(props, name);
  if (!v) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  return fail(ErrorCode::usage, "property {} is {}, not true or false", name, v->dump());
}

Result<long> property_int(const json& props, std::string_view name, long fallback) {
  const json* v = find_property(props, name);
  if (!v) return fallback;
  if (v->is_number_integer()) return v->get<long>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return std::stol(s);
    }
  }
  return fail(ErrorCode::usage, "property {} is {}, not a whole number", name, v->dump());
}

Result<std::string> property_string(const json& props, std::string_view name, std::string fallback) {
  const json* v = find_property(props, name);
  if (!v) return fallback;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return fail(ErrorCode::usage, "property {} is {}, not a string", name, v->dump());
}

Result<std::vector<std::string>> property_list(const json& props, std::string_view name) {
  const json* v = find_property(props, name);
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
    return out;
  }
  if (!v->is_array()) return fail(ErrorCode::usage, "property {} is {}, not a list of strings", name, v->dump());
  for (const auto& item : *v) {
    if (!item.is_string()) return fail(ErrorCode::usage, "property {} holds {}, not a string", name, item.dump());
    out.push_back(item.get<std::string>());
  }
  return out;
}

// ---------------------------------------------------------------------------
// The construct's properties as check flags. Property names follow
// ecr-scan-verifier's custom-resource properties where the meaning is the
// same (cdk/src/properties.ts writes them). Flag names live only here.
namespace {

namespace flag {
constexpr const char* findings_from = "--findings-from";    // engine|ecr|inspector|both
constexpr const char* ecr_start_scan = "--ecr-start-scan";
constexpr const char* ecr_scan_timeout = "--ecr-scan-timeout";
constexpr const char* s3_output = "--s3-output";             // s3://bucket/prefix
constexpr const char* s3_kms_key = "--s3-kms-key";
constexpr const char* log_group = "--cloudwatch-log-group";
constexpr const char* sns_topic = "--sns-topic";
constexpr const char* notify_only = "--notify-only";
constexpr const char* notify_on_warn = "--notify-on-warn";
constexpr const char* severity = "--severity";
constexpr const char* ignore_file = "--ignore-file";
constexpr const char* key = "--key";
constexpr const char* policy = "--policy";
constexpr const char* attest = "--attest";
constexpr const char* no_fail_on_unsigned = "--no-fail-on-unsigned";
constexpr const char* identity = "--certificate-identity";
constexpr const char* issuer = "--certificate-oidc-issuer";
constexpr const char* trusted_root = "--trusted-root";
constexpr const char* notation_policy = "--notation-trust-policy";
constexpr const char* notation_store = "--notation-trust-store";
}  // namespace flag

// File names under the work directory.
constexpr const char* k_policy_file = "policy.yaml";
constexpr const char* k_ignore_file = "ignore-findings.trivyignore";
constexpr const char* k_public_key_file = "cosign.pub";
constexpr const char* k_trusted_root_file = "trusted_root.json";
constexpr const char* k_notation_policy_file = "trustpolicy.json";
// A policy with no vulnerability section: only the signer flags apply.
constexpr const char* k_signature_only_policy = "# signature-only: written by imagegate lambda\nversion: 1\n";

struct Builder {
  const json& props;
  std::filesystem::path dir;
  CheckInvocation out;

  void add(std::string a) { out.args.push_back(std::move(a)); }
  void add(std::string a, std::string b) {
    out.args.push_back(std::move(a));
    out.args.push_back(std::move(b));
  }
  std::string file(const char* name, std::string contents) {
    out.files[name] = std::move(contents);
    return (dir / name).string();
  }
};

std::string s3_url(const std::string& bucket, const std::string& prefix) {
  std::string p = prefix;
  while (!p.empty() && p.front() == '/') p.erase(p.begin());
  return p.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + p;
}

std::string kms_ref(const std::string& arn) {
  return arn.rfind("awskms://", 0) == 0 ? arn : "awskms:///" + arn;
}

// The image: repositoryUri (registry/repository), else repositoryName on the
// registry named by registryUri; imageTag "sha256:…" is a digest.
Result<void> map_image(Builder& b) {
  IG_ASSIGN(std::string uri, property_string(b.props, "repositoryUri"));
  if (uri.empty()) {
    IG_ASSIGN(std::string name, property_string(b.props, "repositoryName"));
    IG_ASSIGN(std::string registry, property_string(b.props, "registryUri"));
    if (name.empty() || registry.empty()) {
      return fail(ErrorCode::usage, "the resource names no image: it needs the property repositoryUri (or "
                  "registryUri and repositoryName), as the imagegate-cdk construct writes them");
    }
    uri = registry + "/" + name;
  }
  IG_ASSIGN(std::string tag, property_string(b.props, "imageTag", "latest"));
  if (tag.empty()) tag = "latest";
  b.out.image = uri + (tag.rfind("sha256:", 0) == 0 ? "@" : ":") + tag;
  return {};
}

// scanType: where findings come from.
Result<void> map_scan_type(Builder& b) {
  IG_ASSIGN(std::string type, property_string(b.props, "scanType", "IMAGEGATE"));
  IG_ASSIGN(bool start, property_bool(b.props, "startScan", true));
  IG_ASSIGN(long timeout, property_int(b.props, "pollingTimeoutSeconds", 840));
  b.out.timeout_seconds = timeout;
  if (type == "BASIC") {
    b.add(flag::findings_from, "ecr");
    if (start) b.add(flag::ecr_start_scan);
    b.add(flag::ecr_scan_timeout, fmt::format("{}s", timeout));
  } else if (type == "ENHANCED") {
    b.add(flag::findings_from, "inspector");
    b.add(flag::ecr_scan_timeout, fmt::format("{}s", timeout));
  } else if (type == "SIGNATURE_ONLY") {
    b.add(flag::policy, b.file(k_policy_file, k_signature_only_policy));
  } else if (type == "IMAGEGATE") {
    IG_ASSIGN(std::string policy, property_string(b.props, "policy"));
    if (!policy.empty()) b.add(flag::policy, b.file(k_policy_file, policy));
    IG_ASSIGN(b.out.database, property_string(b.props, "database"));
  } else {
    return fail(ErrorCode::usage, "property scanType is '{}': use BASIC, ENHANCED, SIGNATURE_ONLY or IMAGEGATE", type);
  }
  return {};
}

Result<void> map_severity(Builder& b) {
  IG_ASSIGN(std::string type, property_string(b.props, "scanType", "IMAGEGATE"));
  IG_ASSIGN(auto sev, property_list(b.props, "severity"));
  // A policy file says what denies; the construct's default severity must
  // not override it. An explicit list still does, as on the command line.
  IG_ASSIGN(std::string policy, property_string(b.props, "policy"));
  if (type == "SIGNATURE_ONLY" || (!policy.empty() && find_property(b.props, "severity") == nullptr)) return {};
  if (sev.empty()) sev = {"CRITICAL"};
  std::string joined;
  for (const auto& s : sev) joined += (joined.empty() ? "" : ",") + s;
  b.add(flag::severity, joined);
  return {};
}

Result<void> map_fail_on_vulnerability(Builder& b) {
  IG_ASSIGN(bool enforce, property_bool(b.props, "failOnVulnerability", true));
  if (!enforce) b.add(flag::notify_only);
  return {};
}

Result<void> map_ignore_findings(Builder& b) {
  IG_ASSIGN(auto ids, property_list(b.props, "ignoreFindings"));
  if (ids.empty()) return {};
  std::string text = "# ignoreFindings of the imagegate-cdk construct\n";
  for (const auto& id : ids) {
    if (id.find_first_of("\r\n#") != std::string::npos) {
      return fail(ErrorCode::usage, "ignoreFindings entry '{}' is not a finding id", id);
    }
    text += id + "\n";
  }
  b.add(flag::ignore_file, b.file(k_ignore_file, text));
  return {};
}

// output: {type: s3, bucketName, prefix} or {type: cloudWatchLogs, logGroupName}.
Result<void> map_output(Builder& b) {
  const json* o = find_property(b.props, "output");
  if (!o) return {};
  IG_ASSIGN(std::string type, property_string(*o, "type"));
  if (type == "s3") {
    IG_ASSIGN(std::string bucket, property_string(*o, "bucketName"));
    IG_ASSIGN(std::string prefix, property_string(*o, "prefix"));
    if (bucket.empty()) return fail(ErrorCode::usage, "property output.bucketName is missing");
    b.add(flag::s3_output, s3_url(bucket, prefix));
  } else if (type == "cloudWatchLogs") {
    IG_ASSIGN(std::string group, property_string(*o, "logGroupName"));
    if (group.empty()) return fail(ErrorCode::usage, "property output.logGroupName is missing");
    b.add(flag::log_group, group);
  } else {
    return fail(ErrorCode::usage, "property output.type is '{}': use s3 or cloudWatchLogs", type);
  }
  return {};
}

// sbom: {format, bucketName, prefix, kmsKeyArn}. The SBOM travels with the
// check's S3 output (sbom.cdx.json beside the verdict).
Result<void> map_sbom(Builder& b) {
  const json* s = find_property(b.props, "sbom");
  if (!s) return {};
  IG_ASSIGN(std::string bucket, property_string(*s, "bucketName"));
  IG_ASSIGN(std::string prefix, property_string(*s, "prefix"));
  IG_ASSIGN(std::string kms, property_string(*s, "kmsKeyArn"));
  if (bucket.empty()) return fail(ErrorCode::usage, "property sbom.bucketName is missing");
  b.add(flag::s3_output, s3_url(bucket, prefix));
  if (!kms.empty()) b.add(flag::s3_kms_key, kms);
  return {};
}

// signatureVerification: {type: COSIGN|NOTATION|KEYLESS, ...}.
Result<void> map_signature(Builder& b) {
  const json* s = find_property(b.props, "signatureVerification");
  if (!s) return {};
  IG_ASSIGN(std::string type, property_string(*s, "type"));
  if (type == "COSIGN") {
    IG_ASSIGN(std::string pem, property_string(*s, "publicKey"));
    IG_ASSIGN(std::string kms, property_string(*s, "kmsKeyArn"));
    if (!pem.empty()) b.add(flag::key, b.file(k_public_key_file, pem));
    else if (!kms.empty()) b.add(flag::key, kms_ref(kms));
    else return fail(ErrorCode::usage, "property signatureVerification needs publicKey or kmsKeyArn for COSIGN");
  } else if (type == "KEYLESS") {
    IG_ASSIGN(std::string identity, property_string(*s, "identity"));
    IG_ASSIGN(std::string issuer, property_string(*s, "issuer"));
    IG_ASSIGN(std::string root, property_string(*s, "trustedRoot"));
    if (identity.empty() || issuer.empty()) {
      return fail(ErrorCode::usage, "property signatureVerification needs identity and issuer for KEYLESS");
    }
    b.add(flag::identity, identity);
    b.add(flag::issuer, issuer);
    // Without one in the properties, the image's bundled trusted root.
    b.add(flag::trusted_root, root.empty() ? std::string("/etc/imagegate/trusted_root.json")
                                           : b.file(k_trusted_root_file, root));
  } else if (type == "NOTATION") {
    IG_ASSIGN(auto ids, property_list(*s, "trustedIdentities"));
    if (ids.empty()) {
      return fail(ErrorCode::usage, "property signatureVerification.trustedIdentities is empty: name at least "
                  "one AWS Signer signing profile ARN");
    }
    json policy = {{"version", "1.0"},
                   {"trustPolicies",
                    json::array({{{"name", "imagegate-cdk"},
                                  {"registryScopes", json::array({"*"})},
                                  {"signatureVerification", {{"level", "strict"}}},
                                  {"trustStores", json::array({"signingAuthority:aws-signer-ts"})},
                                  {"trustedIdentities", ids}}})}};
    b.add(flag::notation_policy, b.file(k_notation_policy_file, policy.dump(2)));
    // The AWS Signer root certificates the image ships (cdk/lambda/Dockerfile).
    b.add(flag::notation_store, "/etc/imagegate/notation/truststore");
  } else {
    return fail(ErrorCode::usage, "property signatureVerification.type is '{}': use COSIGN, NOTATION or KEYLESS",
                type);
  }
  IG_ASSIGN(bool required, property_bool(*s, "failOnUnsigned", true));
  if (!required) b.add(flag::no_fail_on_unsigned);
  return {};
}

Result<void> map_topic(Builder& b) {
  IG_ASSIGN(std::string arn, property_string(b.props, "vulnsTopicArn"));
  if (arn.empty()) return {};
  // ecr-scan-verifier notifies whenever vulnerabilities were found, also
  // when failOnVulnerability is false (then the verdict is warn).
  b.add(flag::sns_topic, arn);
  b.add(flag::notify_on_warn);
  return {};
}

Result<void> map_attest(Builder& b) {
  IG_ASSIGN(std::string key, property_string(b.props, "attestKey"));
  if (!key.empty()) b.add(flag::attest, key.rfind("arn:", 0) == 0 ? kms_ref(key) : key);
  return {};
}

Result<void> map_rollback(Builder& b) {
  IG_ASSIGN(b.out.suppress_error_on_rollback, property_bool(b.props, "suppressErrorOnRollback", true));
  return {};
}

// The table: each row reads its properties and appends flags, in this order.
const std::vector<std::function<Result<void>(Builder&)>>& mapping_table() {
  static const std::vector<std::function<Result<void>(Builder&)>> rows = {
      map_image,  map_scan_type, map_severity, map_fail_on_vulnerability, map_ignore_findings, map_output,
      map_sbom,   map_signature, map_topic,    map_attest,                 map_rollback,
  };
  return rows;
}

}  // namespace

Result<CheckInvocation> check_invocation_of(const json& props, const std::filesystem::path& work_dir) {
  Builder b{props, work_dir, {}};
  for (const auto& row : mapping_table()) IG_TRY(row(b));
  return std::move(b.out);
}

// ---------------------------------------------------------------------------
// Verdicts and answers.

Result<VerdictSummary> summarize_verdict(std::string_view verdict_json) {
  json j = json::parse(verdict_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("decision")) {
    return fail(ErrorCode::usage, "check printed no verdict JSON");
  }
  VerdictSummary v;
  auto str = [](const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  v.decision = str(j, "decision");
  v.denied_by = str(j, "denied_by");
  if (auto it = j.find("image"); it != j.end() && it->is_object()) {
    v.digest = str(*it, "digest");
    v.image = str(*it, "name");
  }
  if (auto it = j.find("policy"); it != j.end() && it->is_object()) v.policy_digest = str(*it, "digest");
  if (auto it = j.find("signature"); it != j.end() && it->is_object()) v.signature_status = str(*it, "status");
  if (auto it = j.find("counts"); it != j.end() && it->is_object()) {
    for (const auto& [k, n] : it->items()) {
      if (n.is_number_integer()) v.counts[k] = n.get<long>();
    }
  }
  if (auto it = j.find("reasons"); it != j.end() && it->is_array()) {
    for (const auto& r : *it) {
      if (!r.is_object()) continue;
      std::string mode = str(r, "mode");
      v.reason_lines.push_back(fmt::format("{}{}: {}", str(r, "rule"), mode == "notify" ? " (warn)" : "",
                                           str(r, "saw")));
      if (auto items = r.find("items"); items != r.end() && items->is_array()) {
        size_t shown = 0;
        for (const auto& item : *items) {
          if (!item.is_string()) continue;
          if (shown++ == 5) {
            v.reason_lines.push_back(fmt::format("  ... and {} more", items->size() - 5));
            break;
          }
          v.reason_lines.push_back("  " + item.get<std::string>());
        }
      }
      std::string fix = str(r, "fix");
      if (!fix.empty()) v.reason_lines.push_back("  fix: " + fix);
    }
  }
  return v;
}

json verdict_attributes(const VerdictSummary& v) {
  json d = json::object();
  d["Decision"] = v.decision;
  d["ImageDigest"] = v.digest;
  d["SignatureStatus"] = v.signature_status;
  d["PolicyDigest"] = v.policy_digest;
  for (const auto& [k, n] : v.counts) d["Findings" + k] = std::to_string(n);
  return d;
}

namespace {

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

}  // namespace

std::string failure_reason(const VerdictSummary& v, std::string_view detail, size_t max_bytes) {
  std::string text;
  if (v.decision == "deny") {
    text = fmt::format("imagegate denied {} ({})", v.image.empty() ? "the image" : v.image,
                       v.denied_by.empty() ? "policy" : "by " + v.denied_by + " rules");
    for (const auto& line : v.reason_lines) text += "\n" + line;
    text += "\nTo waive a finding: add its id to ignoreFindings (or an ignore entry with a reason to the policy); "
            "to only warn: failOnVulnerability: false.";
  }
  if (!detail.empty()) text += (text.empty() ? "" : "\n") + std::string(detail);
  if (text.empty()) text = "imagegate could not decide (no verdict and no error text)";
  if (text.size() <= max_bytes) return text;
  constexpr std::string_view k_cut = "\n[cut: the whole verdict is in the function's log]";
  if (max_bytes <= k_cut.size()) return cut_utf8(text, max_bytes);
  return cut_utf8(text, max_bytes - k_cut.size()) + std::string(k_cut);
}

std::string physical_id_of(const CustomResourceEvent& e) {
  if (!e.physical_resource_id.empty()) return e.physical_resource_id;
  // Stable across updates, so an Update never replaces the resource.
  return "imagegate-" + e.logical_resource_id;
}

namespace {

// `s` with every byte that is not part of a valid UTF-8 sequence replaced by
// '?': check's stderr may carry anything, and JSON text must be UTF-8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 2 && c < 0xC2);
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogates
    }
    if (ok && n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// Bytes `c` takes inside a JSON string as nlohmann::json writes it.
size_t escaped_size(unsigned char c) {
  switch (c) {
    case '"': case '\\': case '\b': case '\f': case '\n': case '\r': case '\t': return 2;
    default: return c < 0x20 ? 6 : 1;
  }
}

// The longest prefix of valid UTF-8 `s`, cut between characters, whose JSON
// escaping takes at most `room` bytes.
std::string cut_escaped(std::string_view s, size_t room) {
  size_t used = 0, end = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) end = i;  // a character starts here: everything before it fits
    used += escaped_size(c);
    if (used > room) return std::string(s.substr(0, end));
  }
  return std::string(s);
}

}  // namespace

std::string direct_response(const CustomResourceEvent& e, bool success, std::string_view reason,
                            const json& data) {
  constexpr auto replace = json::error_handler_t::replace;
  json body = {{"Status", success ? "SUCCESS" : "FAILED"},
               {"PhysicalResourceId", physical_id_of(e)},
               {"StackId", e.stack_id},
               {"RequestId", e.request_id},
               {"LogicalResourceId", e.logical_resource_id},
               {"Reason", ""}};
  if (!data.empty()) body["Data"] = data;
  if (body.dump(-1, ' ', false, replace).size() > k_max_response_bytes) body.erase("Data");
  size_t fixed = body.dump(-1, ' ', false, replace).size();
  size_t room = k_max_response_bytes - std::min(k_max_response_bytes, fixed);
  body["Reason"] = cut_escaped(valid_utf8(reason), room);
  return body.dump(-1, ' ', false, replace);
}

json provider_result(const CustomResourceEvent& e, const json& data) {
  json r = {{"PhysicalResourceId", physical_id_of(e)}};
  if (!data.empty()) r["Data"] = data;
  return r;
}

bool is_rollback_status(std::string_view s) {
  return s == "ROLLBACK_IN_PROGRESS" || s == "UPDATE_ROLLBACK_IN_PROGRESS";
}

std::string stack_status_of(std::string_view xml) {
  constexpr std::string_view open = "<StackStatus>";
  constexpr std::string_view close = "</StackStatus>";
  auto a = xml.find(open);
  if (a == std::string_view::npos) return "";
  a += open.size();
  auto z = xml.find(close, a);
  if (z == std::string_view::npos) return "";
  return std::string(xml.substr(a, z - a));
}

}  // namespace ig::aws
