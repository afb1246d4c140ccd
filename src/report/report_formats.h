// The people- and pipeline-facing report formats of scan, sbom and check:
// HTML (one self-contained page), Markdown (pull-request comments and
// $GITHUB_STEP_SUMMARY), JUnit XML, the user's own template (template.h)
// and GitLab's container-scanning report. Each is a pure function of a
// Document (document.h) and the options below: same input, same bytes.
// docs/report-formats.md describes what each shows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "report/document.h"
#include "report/template.h"
#include "util/error.h"

namespace ig::report {

enum class ReportFormat { html, markdown, junit, template_file, gitlab };

// The --format names of the formats above, in that order.
inline constexpr std::string_view k_report_format_names[] = {"html", "markdown", "junit", "template", "gitlab"};

// The format named `name`, or nullopt when it is not one of these.
std::optional<ReportFormat> parse_report_format(std::string_view name);

// GitHub's limit on a comment body (and on a step summary's useful size).
inline constexpr size_t k_markdown_limit = 65536;

struct ReportOptions {
  const Template* tmpl = nullptr;  // for template_file; REQUIRES non-null then
  // For GitLab's scan.start_time / end_time, "YYYY-MM-DDThh:mm:ss" (UTC).
  std::string start_time;
  std::string end_time;
  size_t markdown_limit = k_markdown_limit;
};

// The document in `format`. Only a template can fail (usage error naming
// the template's line and column).
Result<std::string> write_report(const Document& doc, ReportFormat format, const ReportOptions& opts);

std::string write_html(const Document& doc);
// At most `limit` bytes (so at most `limit` characters); what does not fit
// is left out and counted in a closing line.
std::string write_markdown(const Document& doc, size_t limit = k_markdown_limit);
std::string write_junit(const Document& doc);
std::string write_gitlab(const Document& doc, std::string_view start_time, std::string_view end_time);

// The document's JSON as it is embedded in the HTML page's
// <script type="application/json">: '<', '>', '&', U+2028 and U+2029
// written as \u escapes, so no text in the data can end the script element or
// break a JavaScript parser; invalid UTF-8 replaced.
std::string json_for_script(const nlohmann::ordered_json& j);

}  // namespace ig::report
