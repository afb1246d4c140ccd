// imagegate attach: push a file (an SBOM, a scan report) as an OCI referrer
// of an image, with the tag-schema fallback on registries without the API.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sign/cosign.h"
#include "sign/referrers.h"
#include "util/digest.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

// Files are pushed from memory in one request; this keeps that bounded.
constexpr uint64_t k_max_attach_size = 64ull << 20;

struct AttachOpts {
  std::string image;
  std::string artifact_type;
  std::string media_type;
  std::string file;
  std::vector<std::string> annotations;
  std::string output = "text";
  ImageOptions image_opts;
};

Result<int> run_attach(const AttachOpts& o, const GlobalOptions& global) {
  IG_ASSIGN(auto annotations, sign::parse_key_values(o.annotations, "--annotation"));
  IG_ASSIGN(std::string data, read_file(o.file, k_max_attach_size));
  IG_ASSIGN(auto resolve_opts, o.image_opts.to_resolve_options(global));
  IG_ASSIGN(sign::SignedImage t, sign::open_signed_image(o.image, resolve_opts));

  image::Descriptor layer;
  layer.media_type = o.media_type.empty() ? o.artifact_type : o.media_type;
  layer.digest = sha256_digest(data);
  layer.size = static_cast<int64_t>(data.size());
  layer.annotations["org.opencontainers.image.title"] = std::filesystem::path(o.file).filename().string();
  std::string manifest = sign::make_artifact_manifest(o.artifact_type, {layer}, t.image, annotations);
  IG_TRY(t.client->upload_blob(t.repo, sign::empty_config_descriptor().digest, sign::k_empty_config_bytes));
  IG_TRY(t.client->upload_blob(t.repo, layer.digest, data));
  IG_ASSIGN(std::string digest, sign::push_referrer(*t.client, t.repo, t.image.digest, manifest,
                                                    image::media_type::oci_manifest, o.artifact_type));
  if (o.output == "json") {
    nlohmann::json j{{"image", t.name}, {"subject", t.image.digest}, {"referrer", digest},
                     {"artifact_type", o.artifact_type}, {"file_digest", layer.digest}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << t.name << "@" << digest << "\n";
  }
  return 0;
}

}  // namespace

void register_attach(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<AttachOpts>();
  auto* cmd = app.add_subcommand("attach", "Push a file as an OCI referrer (artifact) of an image");
  cmd->add_option("image", o->image, "Image reference (REGISTRY/REPOSITORY[:TAG|@DIGEST])")->required();
  cmd->add_option("file", o->file, "File to attach (at most 64 MiB)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--artifact-type", o->artifact_type, "Artifact type, e.g. application/spdx+json")->required();
  cmd->add_option("--media-type", o->media_type, "Media type of the file's blob (default: the artifact type)");
  cmd->add_option("--annotation", o->annotations, "KEY=VALUE annotation on the referrer manifest (repeatable)");
  cmd->add_option("--format", o->output, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  o->image_opts.add_to(*cmd);
  cmd->callback([&run, &global, o] {
    run = [&global, o]() -> int {
      auto r = run_attach(*o, global);
      return r ? *r : report_error(r.error());
    };
  });
}

}  // namespace ig::cli
