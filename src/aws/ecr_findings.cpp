#include "aws/ecr_findings.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

namespace ig::aws {

namespace {

using nlohmann::json;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads the fields of one JSON object, remembering the first one of the wrong
// type: the services' documents are untrusted input.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  std::string str(const char* key) {
    const json* v = get(key);
    if (!v) return {};
    if (v->is_string()) return v->get<std::string>();
    // Numbers appear where strings are documented (epoch, CVSS2_SCORE) in some answers.
    if (v->is_number()) return v->dump();
    wrong(key, "a string");
    return {};
  }
  std::optional<double> number(const char* key) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (v->is_number()) return v->get<double>();
    if (v->is_string()) {
      try {
        size_t used = 0;
        double d = std::stod(v->get<std::string>(), &used);
        if (used == v->get<std::string>().size()) return d;
      } catch (const std::exception&) {
      }
    }
    wrong(key, "a number");
    return std::nullopt;
  }
  const json* object(const char* key) {
    const json* v = get(key);
    if (v && !v->is_object()) {
      wrong(key, "an object");
      return nullptr;
    }
    return v;
  }
  const json* array(const char* key) {
    const json* v = get(key);
    if (v && !v->is_array()) {
      wrong(key, "an array");
      return nullptr;
    }
    return v;
  }
  const std::string& where() const { return where_; }
  Result<void> result() const {
    if (error_.empty()) return {};
    return fail(ErrorCode::invalid_image, "{}", error_);
  }
  void take(const Fields& inner) {
    if (error_.empty()) error_ = inner.error_;
  }

 private:
  const json* get(const char* key) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void wrong(const char* key, const char* expected) {
    if (error_.empty()) {
      error_ = fmt::format("{}: '{}' is not {} as the API reference documents; the answer is not one imagegate can "
                           "read (is the endpoint an AWS service?)",
                           where_, key, expected);
    }
  }
  const json& j_;
  std::string where_;
  std::string error_;
};

// The CVSS entry to report: the newest version, then the highest score.
void pick_cvss(Fields& details, scan::Finding& f) {
  const json* list = details.array("cvss");
  if (!list) return;
  std::tuple<std::string, double> best{"", -1};
  for (size_t i = 0; i < list->size(); ++i) {
    Fields c((*list)[i], fmt::format("{}.cvss[{}]", details.where(), i));
    auto score = c.number("baseScore");
    std::string version = c.str("version");
    std::string vector = c.str("scoringVector");
    details.take(c);
    if (!score) continue;
    std::tuple<std::string, double> key{version, *score};
    if (key > best) {
      best = key;
      f.cvss_score = score;
      f.cvss_vector = vector;
    }
  }
}

// The version as the package manager prints it: [epoch:]version[-release].
std::string package_version(Fields& p) {
  std::string v = p.str("version");
  std::string release = p.str("release");
  std::string epoch = p.str("epoch");
  if (!release.empty()) v += "-" + release;
  if (!epoch.empty() && epoch != "0") v = epoch + ":" + v;
  return v;
}

// One basic-scanning finding: name, severity, uri and key/value attributes.
scan::Finding basic_finding(Fields& in) {
  scan::Finding f;
  f.source = "ecr";
  f.severity_source = "ecr";
  f.vulnerability_id = in.str("name");
  f.severity = severity_from_aws(in.str("severity"));
  f.primary_url = in.str("uri");
  f.title = in.str("description");
  f.ecosystem = "os";  // basic scanning reads only the OS's packages
  std::optional<double> cvss2, cvss3;
  std::string vector2, vector3;
  if (const json* attrs = in.array("attributes")) {
    for (size_t i = 0; i < attrs->size(); ++i) {
      Fields a((*attrs)[i], fmt::format("{}.attributes[{}]", in.where(), i));
      std::string key = a.str("key");
      std::string value = a.str("value");
      in.take(a);
      if (key == "package_name") f.package_name = value;
      else if (key == "package_version") f.package_version = value;
      else if (key == "CVSS2_VECTOR") vector2 = value;
      else if (key == "CVSS3_VECTOR") vector3 = value;
      else if (key == "CVSS2_SCORE" || key == "CVSS3_SCORE") {
        const json wrapped = {{"v", value}};  // Fields keeps a reference: not a temporary
        Fields number(wrapped, a.where());
        auto d = number.number("v");
        in.take(number);
        (key == "CVSS2_SCORE" ? cvss2 : cvss3) = d;
      }
    }
  }
  f.cvss_score = cvss3 ? cvss3 : cvss2;
  f.cvss_vector = cvss3 ? vector3 : vector2;
  f.installed_version = f.package_version;
  f.matched_package = f.package_name;
  f.status = "affected";  // basic scanning says nothing of fixes
  return f;
}

// One enhanced finding (ECR's EnhancedImageScanFinding or Inspector's
// Finding: the same shape): one Finding per vulnerable package.
void enhanced_findings(Fields& in, std::string_view source, std::vector<scan::Finding>& out) {
  scan::Finding base;
  base.source = std::string(source);
  base.severity_source = std::string(source);
  base.severity = severity_from_aws(in.str("severity"));
  base.title = in.str("title");
  base.exploit_available = upper(in.str("exploitAvailable"));
  std::string fix_available = upper(in.str("fixAvailable"));
  // ECR calls Inspector's score `score`; Inspector calls it `inspectorScore`.
  base.inspector_score = in.number(source == "inspector" ? "inspectorScore" : "score");
  if (const json* epss = in.object("epss")) {
    Fields e(*epss, in.where() + ".epss");
    base.epss = e.number("score");
    in.take(e);
  }
  const json* details_json = in.object("packageVulnerabilityDetails");
  if (!details_json) return;  // not a package vulnerability (network reachability, code)
  Fields details(*details_json, in.where() + ".packageVulnerabilityDetails");
  base.vulnerability_id = details.str("vulnerabilityId");
  base.primary_url = details.str("sourceUrl");
  if (base.title.empty()) base.title = base.vulnerability_id;
  if (const json* related = details.array("relatedVulnerabilities")) {
    for (const auto& r : *related) {
      if (r.is_string() && r.get<std::string>() != base.vulnerability_id) base.aliases.push_back(r.get<std::string>());
    }
    std::sort(base.aliases.begin(), base.aliases.end());
    base.aliases.erase(std::unique(base.aliases.begin(), base.aliases.end()), base.aliases.end());
  }
  pick_cvss(details, base);
  if (!base.cvss_score) base.cvss_score = base.inspector_score;
  const json* packages = details.array("vulnerablePackages");
  in.take(details);
  if (!packages) return;
  for (size_t i = 0; i < packages->size(); ++i) {
    Fields p((*packages)[i], fmt::format("{}.vulnerablePackages[{}]", details.where(), i));
    scan::Finding f = base;
    f.package_name = p.str("name");
    f.package_version = package_version(p);
    f.installed_version = f.package_version;
    f.matched_package = f.package_name;
    f.ecosystem = lower(p.str("packageManager"));
    f.path = p.str("filePath");
    std::string fixed = p.str("fixedInVersion");
    // Inspector writes "NotAvailable" where no fix exists.
    if (!fixed.empty() && fixed != "NotAvailable") f.fixed_versions.push_back(fixed);
    f.status = !f.fixed_versions.empty() || fix_available == "YES" || fix_available == "PARTIAL" ? "fixed" : "affected";
    in.take(p);
    out.push_back(std::move(f));
  }
}

}  // namespace

scan::Severity severity_from_aws(std::string_view severity) {
  std::string s = upper(severity);
  if (s == "CRITICAL") return scan::Severity::critical;
  if (s == "HIGH") return scan::Severity::high;
  if (s == "MEDIUM") return scan::Severity::medium;
  if (s == "LOW") return scan::Severity::low;
  return scan::Severity::unknown;  // INFORMATIONAL, UNDEFINED, UNTRIAGED
}

Result<std::vector<scan::Finding>> findings_from_ecr_page(const json& page) {
  if (!page.is_object()) {
    return fail(ErrorCode::invalid_image,
                "DescribeImageScanFindings answered with something other than a JSON object; the answer is not one "
                "imagegate can read (is the endpoint Amazon ECR?)");
  }
  Fields top(page, "DescribeImageScanFindings");
  std::vector<scan::Finding> out;
  if (const json* findings_json = top.object("imageScanFindings")) {
    Fields findings(*findings_json, "imageScanFindings");
    if (const json* basic = findings.array("findings")) {
      for (size_t i = 0; i < basic->size(); ++i) {
        Fields one((*basic)[i], fmt::format("imageScanFindings.findings[{}]", i));
        out.push_back(basic_finding(one));
        findings.take(one);
      }
    }
    if (const json* enhanced = findings.array("enhancedFindings")) {
      for (size_t i = 0; i < enhanced->size(); ++i) {
        Fields one((*enhanced)[i], fmt::format("imageScanFindings.enhancedFindings[{}]", i));
        enhanced_findings(one, "ecr", out);
        findings.take(one);
      }
    }
    top.take(findings);
  }
  IG_TRY(top.result());
  return out;
}

Result<std::vector<scan::Finding>> findings_from_inspector_page(const json& page) {
  if (!page.is_object()) {
    return fail(ErrorCode::invalid_image,
                "Inspector ListFindings answered with something other than a JSON object; the answer is not one "
                "imagegate can read (is the endpoint Amazon Inspector?)");
  }
  Fields top(page, "ListFindings");
  std::vector<scan::Finding> out;
  if (const json* list = top.array("findings")) {
    for (size_t i = 0; i < list->size(); ++i) {
      Fields one((*list)[i], fmt::format("findings[{}]", i));
      std::string type = one.str("type");
      if (type.empty() || type == "PACKAGE_VULNERABILITY") enhanced_findings(one, "inspector", out);
      top.take(one);
    }
  }
  IG_TRY(top.result());
  return out;
}

std::vector<scan::Finding> merge_findings(std::vector<scan::Finding> first, std::string_view first_name,
                                          std::vector<scan::Finding> second) {
  // Every id of a finding's alias group, with its package, points at the finding.
  std::map<std::pair<std::string, std::string>, size_t> index;
  auto keys = [](const scan::Finding& f) {
    std::vector<std::pair<std::string, std::string>> out{{f.vulnerability_id, f.package_name}};
    for (const auto& a : f.aliases) out.emplace_back(a, f.package_name);
    return out;
  };
  for (size_t i = 0; i < first.size(); ++i) {
    if (first[i].source.empty()) first[i].source = std::string(first_name);
    for (auto& k : keys(first[i])) index.emplace(std::move(k), i);
  }
  size_t engine_count = first.size();
  std::set<size_t> joined;
  for (auto& f : second) {
    std::optional<size_t> match;
    for (const auto& k : keys(f)) {
      auto it = index.find(k);
      if (it != index.end() && it->second < engine_count) {
        match = it->second;
        break;
      }
    }
    if (!match) {
      first.push_back(std::move(f));
      continue;
    }
    // The same vulnerability in several versions of a package is one finding per package here.
    if (!joined.insert(*match).second) continue;
    scan::Finding& kept = first[*match];
    kept.source += "+" + f.source;
    if (kept.exploit_available.empty()) kept.exploit_available = f.exploit_available;
    if (!kept.inspector_score) kept.inspector_score = f.inspector_score;
    if (!kept.epss) kept.epss = f.epss;
  }
  return first;
}

}  // namespace ig::aws
