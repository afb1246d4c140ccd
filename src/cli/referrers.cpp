// imagegate referrers: list the artifacts that refer to an image (signatures,
// SBOMs, reports), via the referrers API or the tag-schema fallback.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sign/cosign.h"
#include "sign/referrers.h"

namespace ig::cli {

namespace {

struct ReferrersOpts {
  std::string image;
  std::string artifact_type;
  std::string output = "text";
  ImageOptions image_opts;
};

Result<int> run_referrers(const ReferrersOpts& o, const GlobalOptions& global) {
  IG_ASSIGN(auto resolve_opts, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(sign::SignedImage t, sign::open_signed_image(o.image, resolve_opts));
  IG_ASSIGN(auto refs, sign::list_referrers(*t.client, t.repo, t.image.digest, o.artifact_type));
  if (o.output == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : refs) list.push_back(image::to_json(d));
    nlohmann::json j{{"image", t.name}, {"subject", t.image.digest}, {"referrers", list}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (refs.empty()) {
    std::cout << "No referrers for " << t.name << "@" << t.image.digest << "\n";
    return 0;
  }
  std::cout << "DIGEST                                                                   SIZE  ARTIFACT TYPE\n";
  for (const auto& d : refs) {
    std::cout << fmt::format("{:<71} {:>7}  {}\n", d.digest, d.size, d.artifact_type.empty() ? "-" : d.artifact_type);
  }
  return 0;
}

}  // namespace

void register_referrers(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<ReferrersOpts>();
  auto* cmd = app.add_subcommand("referrers", "List the artifacts (signatures, SBOMs, reports) that refer to an image");
  cmd->add_option("image", o->image, "Image reference (REGISTRY/REPOSITORY[:TAG|@DIGEST])")->required();
  cmd->add_option("--artifact-type", o->artifact_type, "Only list referrers of this artifact type");
  cmd->add_option("--format", o->output, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  o->image_opts.add_to(*cmd);
  cmd->callback([&run, &global, o] {
    run = [&global, o]() -> int {
      auto r = run_referrers(*o, global);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
