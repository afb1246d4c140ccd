// --format junit: the Ant/Jenkins JUnit XML that CI systems (GitLab, Jenkins,
// Azure DevOps, CircleCI) show as test results. check: one test case per
// policy rule, failing when an enforced rule fired; scan: one failing test
// case per finding (one passing case when there is none); sbom: one passing
// case per package type. tests/junit.xsd is the shape tested against.
#include <map>

#include <fmt/format.h>

#include "report/report_formats.h"

namespace ig::report {

namespace {

// Text and attribute values: the five XML escapes; characters XML 1.0 cannot
// carry (C0 controls other than tab and line ends, invalid UTF-8) become U+FFFD.
std::string xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c < 0x20 || c == 0x7f ? "\xEF\xBF\xBD" : std::string(1, static_cast<char>(c));
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = len != 0 && len <= 4 && c < 0xF5 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len == 3) {
      unsigned cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (ok && len == 4) {
      unsigned cp = ((c & 0x07) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 12);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

struct Case {
  std::string skipped;  // why it was not evaluated, "" when it was
  std::string classname;
  std::string name;
  std::string failure_type;     // "" when it passed
  std::string failure_message;
  std::string failure_text;
  std::string system_out;
};

std::string finding_text(const DocFinding& f) {
  std::string fixed;
  for (const auto& v : f.fixed_versions) fixed += (fixed.empty() ? "" : ", ") + v;
  std::string t = fmt::format("{} {} in {} {} ({})\n", f.severity, f.id, f.pkg_name, f.pkg_version, f.pkg_type);
  t += fmt::format("fixed in: {}\n", fixed.empty() ? fix_state(f) : fixed);
  if (!f.title.empty()) t += fmt::format("title: {}\n", f.title);
  if (f.cvss_score) t += fmt::format("CVSS: {:.1f} {}\n", *f.cvss_score, f.cvss_vector);
  if (f.kev) t += "listed in CISA KEV\n";
  if (f.epss) t += fmt::format("EPSS: {:.4f}\n", *f.epss);
  if (!f.path.empty()) t += fmt::format("found in: {}\n", f.path);
  if (!f.primary_url.empty()) t += fmt::format("advisory: {}\n", f.primary_url);
  return t;
}

std::vector<Case> check_cases(const Document& doc) {
  std::vector<Case> cases;
  for (const auto& r : doc.verdict->rules) {
    Case c;
    c.classname = "imagegate.check." + r.kind;
    c.name = r.rule;
    std::string detail = r.saw;
    for (const auto& item : r.items) detail += "\n  " + item;
    if (!r.fix.empty()) detail += "\nfix: " + r.fix;
    if (!r.evaluated) {
      c.skipped = "not evaluated: the signature rules denied first";
    } else if (r.fired && r.mode == "enforce") {
      c.failure_type = "deny";
      c.failure_message = r.saw;
      c.failure_text = detail;
    } else if (r.fired) {
      // notify rules warn and never fail the gate, so the case passes with the warning as output.
      c.system_out = "warn: " + detail;
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<Case> scan_cases(const Document& doc) {
  std::vector<Case> cases;
  for (const auto& f : doc.findings) {
    Case c;
    c.classname = fmt::format("imagegate.scan.{}.{}", f.pkg_type, f.pkg_name);
    c.name = fmt::format("{} in {} {}", f.id, f.pkg_name, f.pkg_version);
    c.failure_type = f.severity;
    c.failure_message = f.title.empty() ? fmt::format("{} {}", f.severity, f.id) : f.title;
    c.failure_text = finding_text(f);
    cases.push_back(std::move(c));
  }
  if (cases.empty()) cases.push_back({"", "imagegate.scan", "no vulnerabilities found", "", "", "", ""});
  return cases;
}

std::vector<Case> sbom_cases(const Document& doc) {
  std::map<std::string, size_t> types;
  for (const auto& p : doc.packages) ++types[p.type];
  std::vector<Case> cases;
  for (const auto& [t, n] : types) {
    cases.push_back({"", "imagegate.sbom", fmt::format("{} packages", t), "", "", "", fmt::format("{} {} packages", n, t)});
  }
  if (cases.empty()) cases.push_back({"", "imagegate.sbom", "inventory", "", "", "", "no packages found"});
  return cases;
}

}  // namespace

std::string write_junit(const Document& doc) {
  std::vector<Case> cases = doc.verdict ? check_cases(doc) : doc.scanned ? scan_cases(doc) : sbom_cases(doc);
  size_t failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.failure_type.empty() ? 0 : 1;
    skipped += c.skipped.empty() ? 0 : 1;
  }
  std::string suite = fmt::format("imagegate {} {}", doc.command, doc.image.name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"imagegate\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"0\">\n",
                     cases.size(), failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"0\">\n",
                     xml(suite), cases.size(), failures, skipped);
  out += "    <properties>\n";
  auto prop = [&](std::string_view n, std::string_view v) {
    if (!v.empty()) out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", n, xml(v));
  };
  prop("image", doc.image.name);
  prop("digest", doc.image.digest);
  prop("platform", doc.image.platform);
  if (doc.verdict) {
    prop("decision", doc.verdict->decision);
    prop("exit_code", std::to_string(doc.verdict->exit_code));
    prop("policy", doc.verdict->policy_source);
  }
  prop("imagegate", doc.tool_version);
  out += "    </properties>\n";
  for (const auto& c : cases) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"", xml(c.classname), xml(c.name));
    if (c.failure_type.empty() && c.system_out.empty() && c.skipped.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (!c.skipped.empty()) out += fmt::format("      <skipped message=\"{}\"/>\n", xml(c.skipped));
    if (!c.failure_type.empty()) {
      out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", xml(c.failure_type),
                         xml(c.failure_message), xml(c.failure_text));
    }
    if (!c.system_out.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml(c.system_out));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace ig::report
