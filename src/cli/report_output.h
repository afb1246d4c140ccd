// The report formats scan, sbom and check share (html, markdown, junit,
// template, gitlab): the --template option, the checks made before any work,
// and the document every one of them is written from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "image/resolve.h"
#include "report/document.h"
#include "report/report_formats.h"
#include "report/template.h"

namespace ig::cli {

struct ReportRequest {
  std::optional<report::ReportFormat> format;  // nullopt: one of the command's own formats
  std::optional<report::Template> tmpl;
  std::string started_at;  // UTC, for GitLab's scan.start_time
};

// Adds --template FILE to `cmd`.
void add_template_option(CLI::App& cmd, std::string& template_file);

// Reads what `format` and `template_file` ask for before any work: the
// format (when it is a report format) and the parsed template. Usage error
// for --format template without --template, --template with another format,
// or a template that does not parse (its line and column named);
// not_found/io for an unreadable file.
Result<ReportRequest> prepare_report(std::string_view format, const std::string& template_file);

// The document's image part: identity, size, layers with what made them.
report::Document document_of(const image::ResolvedImage& img, std::string command, std::string tool_version);

// The report in the requested format.
Result<std::string> render_report(const report::Document& doc, const ReportRequest& req);

}  // namespace ig::cli
