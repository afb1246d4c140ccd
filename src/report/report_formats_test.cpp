#include "report/report_formats.h"

#include <gtest/gtest.h>

#include <regex>

namespace ig::report {
namespace {

using ojson = nlohmann::ordered_json;

DocFinding finding(std::string id, std::string pkg, std::string severity, std::vector<std::string> fixed = {}) {
  DocFinding f;
  f.id = std::move(id);
  f.pkg_name = std::move(pkg);
  f.pkg_version = "1.0-1";
  f.pkg_type = "deb";
  f.path = "var/lib/dpkg/status";
  f.severity = std::move(severity);
  f.fixed_versions = std::move(fixed);
  f.status = f.fixed_versions.empty() ? "affected" : "fixed";
  f.primary_url = "https://security-tracker.debian.org/tracker/" + f.id;
  return f;
}

Document scan_doc() {
  Document d;
  d.command = "scan";
  d.image.name = "registry.example/app:1";
  d.image.digest = "sha256:abababababababababababababababababababababababababababababababab";
  d.image.platform = "linux/amd64";
  d.os_family = "debian";
  d.os_version = "12";
  d.os_name = "Debian GNU/Linux 12 (bookworm)";
  d.tool_version = "0.1.0";
  d.scanned = true;
  d.findings = {finding("CVE-2024-0727", "libssl3", "MEDIUM", {"3.0.13-1"}), finding("CVE-2023-45853", "zlib1g", "CRITICAL")};
  d.findings[1].kev = true;
  d.findings[1].epss = 0.5;
  d.findings[1].aliases = {"GHSA-xxxx-yyyy-zzzz"};
  d.has_packages = true;
  d.packages = {{"libssl3", "3.0.11-1", "deb", "pkg:deb/debian/libssl3@3.0.11-1", {"Apache-2.0"}, "var/lib/dpkg/status", "sha256:11"},
                {"left-pad", "1.3.0", "npm", "pkg:npm/left-pad@1.3.0", {"WTFPL"}, "app/node_modules/left-pad/package.json", "sha256:22"}};
  d.layers = {{0, "sha256:aa", "sha256:11", 1000, "COPY / /"}, {1, "sha256:bb", "sha256:22", 500, "RUN npm ci"}};
  return d;
}

Document check_doc() {
  Document d = scan_doc();
  d.command = "check";
  DocVerdict v;
  v.decision = "deny";
  v.exit_code = 21;
  v.denied_by = "vulnerability";
  v.policy_source = "policy.yaml";
  DocRule sev{"vulnerabilities.severity", "vulnerability", "enforce", true, true, "1 CRITICAL finding", {"CVE-2023-45853 in zlib1g"}, "upgrade"};
  DocRule root{"config.runs_as_root", "config", "notify", true, true, "runs as root", {}, "add USER"};
  DocRule tags{"config.denied_tags", "config", "enforce", false, true, "", {}, ""};
  v.rules = {sev, root, tags};
  d.verdict = v;
  d.signature = DocSignature{"not_checked", "", "", ""};
  return d;
}

TEST(ReportDocument, TrivyShapedJson) {
  auto j = document_to_json(scan_doc());
  EXPECT_EQ(j["ArtifactName"], "registry.example/app:1");
  EXPECT_EQ(j["Summary"]["Total"], 2);
  EXPECT_EQ(j["Summary"]["Critical"], 1);
  EXPECT_EQ(j["Summary"]["Fixed"], 1);
  EXPECT_EQ(j["Summary"]["KEV"], 1);
  // OS packages form one result named after the image; npm packages one per file.
  ASSERT_EQ(j["Results"].size(), 2u);
  EXPECT_EQ(j["Results"][0]["Target"], "registry.example/app:1 (debian 12)");
  EXPECT_EQ(j["Results"][0]["Class"], "os-pkgs");
  ASSERT_EQ(j["Results"][0]["Vulnerabilities"].size(), 2u);
  const auto& v = j["Results"][0]["Vulnerabilities"][0];
  EXPECT_EQ(v["VulnerabilityID"], "CVE-2024-0727");
  EXPECT_EQ(v["PkgName"], "libssl3");
  EXPECT_EQ(v["InstalledVersion"], "1.0-1");
  EXPECT_EQ(v["FixedVersion"], "3.0.13-1");
  EXPECT_TRUE(j["Results"][0]["Vulnerabilities"][1]["EPSS"].is_number());
  EXPECT_TRUE(v["EPSS"].is_null());
  EXPECT_EQ(j["Results"][1]["Target"], "app/node_modules/left-pad/package.json");
  EXPECT_EQ(j["Metadata"]["Layers"][0]["Packages"], 1);
  EXPECT_EQ(j["Metadata"]["Layers"][1]["CreatedBy"], "RUN npm ci");
  EXPECT_EQ(j["Metadata"]["Size"], 0);
  EXPECT_TRUE(j["Verdict"].is_null());
}

TEST(ReportHtml, DataCannotEndTheScriptElement) {
  Document d = scan_doc();
  d.findings[0].title = "</script><script>alert(1)</script> \xE2\x80\xA8 \xE2\x80\xA9 & <!-- bad \xFF utf-8";
  d.image.name = "<img src=x>";
  std::string html = write_html(d);
  // Exactly the page's own two script elements end.
  size_t ends = 0;
  for (size_t at = html.find("</script"); at != std::string::npos; at = html.find("</script", at + 1)) ++ends;
  EXPECT_EQ(ends, 2u);
  EXPECT_EQ(html.find("<!-- bad"), std::string::npos);
  EXPECT_EQ(html.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_NE(html.find("\\u2028"), std::string::npos);
  EXPECT_NE(html.find("<title>imagegate scan: &lt;img src=x&gt;</title>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  // The embedded JSON is the document, character for character once unescaped.
  auto start = html.find("<script type=\"application/json\" id=\"ig-data\">") + 45;
  auto end = html.find("</script>", start);
  auto parsed = ojson::parse(html.substr(start, end - start));
  EXPECT_EQ(parsed["Results"][0]["Vulnerabilities"][0]["Title"].get<std::string>().substr(0, 9), "</script>");
  EXPECT_EQ(parsed["ArtifactName"], "<img src=x>");
}

TEST(ReportHtml, SelfContained) {
  std::string html = write_html(check_doc());
  // Nothing is loaded: no external script, style, image or font.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?(https?:)?//)")));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("@@IG_"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
}

TEST(ReportMarkdown, SummaryWithVerdictAndEscaping) {
  Document d = check_doc();
  d.findings[0].pkg_name = "a|b";
  std::string md = write_markdown(d);
  EXPECT_NE(md.find("## imagegate check: ❌ DENY"), std::string::npos);
  EXPECT_NE(md.find("| vulnerabilities.severity | ❌ deny | 1 CRITICAL finding | upgrade |"), std::string::npos);
  EXPECT_NE(md.find("| config.runs\\_as\\_root | ⚠️ warn |"), std::string::npos);
  EXPECT_NE(md.find("| config.denied\\_tags | ✅ pass |"), std::string::npos);
  EXPECT_NE(md.find("| 1 | 0 | 1 | 0 | 0 | 2 | 1 | 1 | 0 |"), std::string::npos);
  EXPECT_NE(md.find("a\\|b"), std::string::npos);
  // Most severe first, linked to the advisory.
  EXPECT_LT(md.find("CVE-2023-45853"), md.find("CVE-2024-0727"));
  EXPECT_NE(md.find("[CVE-2023-45853](https://security-tracker.debian.org/tracker/CVE-2023-45853)"), std::string::npos);
  EXPECT_EQ(md.find("Left out"), std::string::npos);
}

TEST(ReportMarkdown, TruncatesWithinTheLimitAndCounts) {
  Document d = scan_doc();
  d.findings.clear();
  for (int i = 0; i < 5000; ++i) d.findings.push_back(finding("CVE-2024-" + std::to_string(10000 + i), "pkg" + std::to_string(i), "HIGH"));
  std::string md = write_markdown(d);
  EXPECT_LE(md.size(), k_markdown_limit);
  size_t rows = 0;
  for (size_t at = md.find("| HIGH |"); at != std::string::npos; at = md.find("| HIGH |", at + 1)) ++rows;
  ASSERT_GT(rows, 100u);
  ASSERT_LT(rows, 5000u);
  EXPECT_NE(md.find("Left out to stay within 65536 characters: " + std::to_string(5000 - rows) + " of 5000 findings."),
            std::string::npos);
  std::string small = write_markdown(d, 4096);
  EXPECT_LE(small.size(), 4096u);
  EXPECT_NE(small.find("of 5000 findings"), std::string::npos);
}

TEST(ReportJunit, OneFailingCasePerFinding) {
  Document d = scan_doc();
  d.findings[0].title = "bad \x01 control & <xml> \xC3\x28";
  std::string x = write_junit(d);
  EXPECT_NE(x.find("<testsuites name=\"imagegate\" tests=\"2\" failures=\"2\""), std::string::npos);
  EXPECT_NE(x.find("<testcase classname=\"imagegate.scan.deb.zlib1g\" name=\"CVE-2023-45853 in zlib1g 1.0-1\""), std::string::npos);
  EXPECT_NE(x.find("<failure type=\"CRITICAL\""), std::string::npos);
  EXPECT_NE(x.find("bad \xEF\xBF\xBD control &amp; &lt;xml&gt; \xEF\xBF\xBD("), std::string::npos);
  d.findings.clear();
  x = write_junit(d);
  EXPECT_NE(x.find("tests=\"1\" failures=\"0\""), std::string::npos);
  EXPECT_NE(x.find("name=\"no vulnerabilities found\""), std::string::npos);
}

TEST(ReportJunit, OneCasePerPolicyRule) {
  Document d = check_doc();
  d.verdict->rules.push_back({"licenses.deny", "license", "enforce", false, false, "", {}, ""});
  std::string x = write_junit(d);
  EXPECT_NE(x.find("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(x.find("<testcase classname=\"imagegate.check.vulnerability\" name=\"vulnerabilities.severity\" time=\"0\">\n"
                   "      <failure type=\"deny\" message=\"1 CRITICAL finding\">"),
            std::string::npos);
  EXPECT_NE(x.find("<system-out>warn: runs as root"), std::string::npos);
  EXPECT_NE(x.find("<testcase classname=\"imagegate.check.config\" name=\"config.denied_tags\" time=\"0\"/>"), std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"not evaluated: the signature rules denied first\"/>"), std::string::npos);
  EXPECT_NE(x.find("<property name=\"decision\" value=\"deny\"/>"), std::string::npos);
}

TEST(ReportGitlab, ContainerScanningShape) {
  Document d = scan_doc();
  auto j = ojson::parse(write_gitlab(d, "2026-01-02T03:04:05", "2026-01-02T03:04:06"));
  EXPECT_EQ(j["version"], "15.0.7");
  EXPECT_EQ(j["scan"]["type"], "container_scanning");
  EXPECT_EQ(j["scan"]["status"], "success");
  EXPECT_EQ(j["scan"]["start_time"], "2026-01-02T03:04:05");
  EXPECT_EQ(j["scan"]["scanner"]["vendor"]["name"], "imagegate");
  ASSERT_EQ(j["vulnerabilities"].size(), 2u);
  const auto& v = j["vulnerabilities"][1];
  EXPECT_EQ(v["severity"], "Critical");
  EXPECT_EQ(v["identifiers"][0]["type"], "cve");
  EXPECT_EQ(v["identifiers"][0]["url"], "https://nvd.nist.gov/vuln/detail/CVE-2023-45853");
  EXPECT_EQ(v["identifiers"][1]["type"], "ghsa");
  EXPECT_EQ(v["location"]["dependency"]["package"]["name"], "zlib1g");
  EXPECT_EQ(v["location"]["operating_system"], "debian 12");
  EXPECT_EQ(v["location"]["image"], "registry.example/app:1");
  EXPECT_EQ(v["solution"], "No fixed version of zlib1g yet (affected).");
  EXPECT_EQ(j["vulnerabilities"][0]["solution"], "Upgrade libssl3 from 1.0-1 to 3.0.13-1.");
  // The same finding keeps its id from run to run; another finding has another.
  auto again = ojson::parse(write_gitlab(d, "2026-01-03T00:00:00", "2026-01-03T00:00:01"));
  EXPECT_EQ(again["vulnerabilities"][1]["id"], v["id"]);
  EXPECT_NE(j["vulnerabilities"][0]["id"], v["id"]);
}

TEST(ReportFormats, NamesAndTemplateDispatch) {
  EXPECT_EQ(parse_report_format("junit"), ReportFormat::junit);
  EXPECT_EQ(parse_report_format("template"), ReportFormat::template_file);
  EXPECT_FALSE(parse_report_format("sarif"));
  auto t = Template::parse("{{ range .Results }}{{ range .Vulnerabilities }}{{ .VulnerabilityID }} {{ end }}{{ end }}", "t");
  ASSERT_TRUE(t);
  ReportOptions opts;
  opts.tmpl = &*t;
  EXPECT_EQ(*write_report(scan_doc(), ReportFormat::template_file, opts), "CVE-2024-0727 CVE-2023-45853 ");
}

}  // namespace
}  // namespace ig::report
