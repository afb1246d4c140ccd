// imagegate sbom IMAGE: the image's packages as CycloneDX, SPDX, our own JSON
// or a table.
#include <cstdio>
#include <string>

#include "cli/aws_findings.h"
#include "cli/command.h"
#include "cli/image_identity.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/report_output.h"
#include "image/resolve.h"
#include "inventory/catalog.h"
#include "report/sbom.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

void register_sbom(CLI::App& app, GlobalOptions& global, Runner& run) {
  struct Opts {
    std::string image;
    std::string format = "table";
    std::string output;
    std::string template_file;
    bool timestamp = false;
    unsigned threads = 0;
    uint64_t max_layer_bytes = image::WalkLimits{}.max_layer_bytes;
    uint64_t max_entries = image::WalkLimits{}.max_entries;
    std::string export_inspector;  // s3://bucket/prefix
    std::string kms_key;
    std::string export_timeout = "10m";
    ImageOptions image_opts;
  };
  auto opts = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("sbom", "List an image's packages as an SBOM (CycloneDX, SPDX, JSON or a table)");
  cmd->add_option("IMAGE", opts->image,
                  "Image: REF | oci:DIR[:tag|@digest] | oci-archive:FILE | docker-archive:FILE | dir:PATH (or use "
                  "--input FILE)");
  cmd->add_option("-f,--format", opts->format,
                  "Output format: table (default), json (imagegate's own, lossless), cyclonedx (= cyclonedx@1.6), "
                  "cyclonedx@1.5, cyclonedx@1.4, spdx-json (SPDX 2.3), html, markdown, junit or template "
                  "(--template FILE); docs/report-formats.md")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names(std::begin(report::k_sbom_format_names), std::end(report::k_sbom_format_names));
        for (auto n : {"html", "markdown", "junit", "template"}) names.emplace_back(n);
        return names;
      }()));
  add_template_option(*cmd, opts->template_file);
  cmd->add_option("-o,--output", opts->output, "Write the SBOM to FILE (atomically) instead of standard output");
  cmd->add_flag("--timestamp", opts->timestamp,
                "Record the current time in the SBOM (default: none, so that two runs give identical output)");
  cmd->add_option("--threads", opts->threads, "Layers analysed in parallel (default: number of CPUs)");
  cmd->add_option("--max-layer-size", opts->max_layer_bytes, "Refuse layers larger than this many uncompressed bytes")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-layer-entries", opts->max_entries, "Refuse layers with more tar entries than this")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--export-inspector", opts->export_inspector,
                  "Have Amazon Inspector export the ECR image's SBOM to s3://BUCKET[/PREFIX] (under a fresh prefix) "
                  "and print the object's s3:// URL; --format cyclonedx or spdx-json; docs/aws.md");
  cmd->add_option("--kms-key", opts->kms_key, "KMS key ARN Inspector encrypts the export with (--export-inspector)");
  cmd->add_option("--export-timeout", opts->export_timeout, "How long to wait for the export (default 10m)");
  opts->image_opts.add_to(*cmd);
  opts->image_opts.add_input_to(*cmd);
  cmd->callback([&global, &run, opts] {
    run = [&global, opts]() -> int {
      if (!opts->export_inspector.empty()) {
        auto urls = export_inspector_sbom(opts->image, opts->export_inspector,
                                          opts->format == "table" ? "cyclonedx" : opts->format, opts->kms_key,
                                          opts->export_timeout);
        if (!urls) return report_error(urls.error());
        std::string text;
        for (const auto& u : *urls) text += u + "\n";
        if (auto r = write_output(text, opts->output); !r) return report_error(r.error());
        return 0;
      }
      if (!opts->kms_key.empty()) return report_error(Error{ErrorCode::usage, "--kms-key goes with --export-inspector"});
      auto req = prepare_report(opts->format, opts->template_file);
      if (!req) return report_error(req.error());
      auto format = req->format ? Result<report::SbomFormat>(report::SbomFormat{}) : report::parse_sbom_format(opts->format);
      if (!format) return report_error(format.error());
      auto input = opts->image_opts.image_input(opts->image);
      if (!input) return report_error(input.error());
      auto ro = opts->image_opts.to_resolve_options(global);
      if (!ro) return report_error(ro.error());
      auto img = image::resolve(*input, *ro);
      if (!img) return report_error(img.error());
      attach_progress(*img, global);
      image::WalkOptions walk;
      walk.threads = opts->threads;
      walk.limits.max_layer_bytes = opts->max_layer_bytes;
      // The bomb message tells people to raise --max-layer-size; doing so must
      // also lift the ratio check, or the advice would not work.
      if (opts->max_layer_bytes != image::WalkLimits{}.max_layer_bytes) walk.limits.max_ratio = 0;
      walk.limits.max_entries = opts->max_entries;
      walk.cache_dir = ro->cache_dir;
      walk.use_cache = ro->use_cache;
      auto inv = inventory::catalog(*img, walk);
      if (!inv) return report_error(inv.error());
      if (req->format) {
        auto doc = document_of(*img, "sbom", IG_VERSION);
        report::add_inventory(doc, *inv, true);
        auto text = render_report(doc, *req);
        if (!text) return report_error(text.error());
        if (auto r = write_output(*text, opts->output); !r) return report_error(r.error());
        return 0;
      }
      report::SbomInput in{identity_of(*img), std::move(*inv), IG_VERSION, std::nullopt};
      if (opts->timestamp) in.timestamp = report::rfc3339_utc_now();
      if (auto r = write_output(report::write_sbom(in, *format), opts->output); !r) return report_error(r.error());
      return 0;
    };
  });
}

}  // namespace ig::cli
