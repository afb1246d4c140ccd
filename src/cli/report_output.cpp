#include "cli/report_output.h"

#include <ctime>

#include <fmt/format.h>

#include "cli/image_identity.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

// A template is a page of text; anything larger is a mistake.
constexpr uint64_t k_max_template_bytes = 1 << 20;

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

void add_template_option(CLI::App& cmd, std::string& template_file) {
  cmd.add_option("--template", template_file,
                 "Template file for --format template (Go-template-like; data model in docs/templates.md)");
}

Result<ReportRequest> prepare_report(std::string_view format, const std::string& template_file) {
  ReportRequest req;
  req.started_at = utc_now();
  req.format = report::parse_report_format(format);
  bool wants_template = req.format == report::ReportFormat::template_file;
  if (wants_template && template_file.empty()) {
    return fail(ErrorCode::usage, "--format template needs --template FILE (see docs/templates.md)");
  }
  if (!wants_template && !template_file.empty()) {
    return fail(ErrorCode::usage, "--template {} is only read with --format template: add --format template or drop --template",
                template_file);
  }
  if (wants_template) {
    auto text = read_file(template_file, k_max_template_bytes);
    if (!text) return fail(text.error().with_context(fmt::format("reading --template {}", template_file)));
    IG_ASSIGN(req.tmpl, report::Template::parse(*text, template_file));
  }
  return req;
}

report::Document document_of(const image::ResolvedImage& img, std::string command, std::string tool_version) {
  report::Document doc;
  doc.command = std::move(command);
  doc.tool_version = std::move(tool_version);
  doc.image = identity_of(img);
  // History entries that made a layer pair with the layers in order.
  std::vector<const image::HistoryEntry*> made;
  for (const auto& h : img.config.history) {
    if (!h.empty_layer) made.push_back(&h);
  }
  for (const auto& l : img.layers) {
    report::DocLayer d;
    d.index = l.index;
    d.digest = l.blob.digest;
    d.diff_id = l.diff_id;
    d.size = l.blob.size;
    if (made.size() == img.layers.size() && l.index < made.size()) d.created_by = made[l.index]->created_by;
    doc.image_size += l.blob.size;
    doc.layers.push_back(std::move(d));
  }
  return doc;
}

Result<std::string> render_report(const report::Document& doc, const ReportRequest& req) {
  report::ReportOptions opts;
  opts.tmpl = req.tmpl ? &*req.tmpl : nullptr;
  opts.start_time = req.started_at;
  opts.end_time = utc_now();
  return report::write_report(doc, *req.format, opts);
}

}  // namespace ig::cli
