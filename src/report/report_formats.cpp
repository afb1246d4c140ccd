#include "report/report_formats.h"

namespace ig::report {

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  for (size_t i = 0; i < std::size(k_report_format_names); ++i) {
    if (name == k_report_format_names[i]) return static_cast<ReportFormat>(i);
  }
  return std::nullopt;
}

Result<std::string> write_report(const Document& doc, ReportFormat format, const ReportOptions& opts) {
  switch (format) {
    case ReportFormat::html: return write_html(doc);
    case ReportFormat::markdown: return write_markdown(doc, opts.markdown_limit);
    case ReportFormat::junit: return write_junit(doc);
    case ReportFormat::gitlab: return write_gitlab(doc, opts.start_time, opts.end_time);
    case ReportFormat::template_file: {
      if (!opts.tmpl) return fail(ErrorCode::usage, "--format template needs --template FILE");
      IG_ASSIGN(auto out, opts.tmpl->execute(document_to_json(doc)));
      return out;
    }
  }
  return fail(ErrorCode::internal, "unknown report format");
}

}  // namespace ig::report
