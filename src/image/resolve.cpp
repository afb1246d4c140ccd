#include "image/resolve.h"

#include <algorithm>

#include "image/archive_source.h"
#include "image/oci_layout.h"
#include "image/registry.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::image {

namespace fs = std::filesystem;

namespace {

constexpr int k_max_index_depth = 4;  // nested indexes (layout → index → image)
constexpr uint64_t k_max_config_size = 16ull << 20;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Index entries that describe runnable images: attestation manifests (BuildKit
// marks them unknown/unknown) are not platforms a user can pick.
bool is_platform_entry(const Descriptor& d) {
  return d.platform && d.platform->os != "unknown" && d.platform->architecture != "unknown" &&
         !d.annotations.contains("vnd.docker.reference.type");
}

std::string platform_list(const std::vector<Platform>& ps) {
  std::string out;
  for (const auto& p : ps) out += (out.empty() ? "" : ", ") + p.str();
  return out.empty() ? "none" : out;
}

// Picks the entry for `wanted`: an exact variant match beats a looser one.
const Descriptor* pick_platform(const Index& idx, const Platform& wanted) {
  const Descriptor* loose = nullptr;
  for (const auto& d : idx.manifests) {
    if (!is_platform_entry(d) || !d.platform->matches(wanted)) continue;
    if (d.platform->variant == wanted.variant) return &d;
    if (loose == nullptr) loose = &d;
  }
  return loose;
}

Result<std::shared_ptr<Source>> open_source(std::string_view input, const ResolveOptions& options,
                                            ResolvedImage& img) {
  if (starts_with(input, "oci:")) {
    IG_ASSIGN(LayoutRef ref, split_layout_ref(input.substr(4)));
    std::error_code ec;
    if (!fs::is_directory(ref.path, ec)) {
      return fail(ErrorCode::not_found, "OCI layout directory '{}' does not exist", ref.path);
    }
    img.kind = SourceKind::oci_layout;
    img.name = "oci:" + fs::absolute(ref.path, ec).lexically_normal().string() +
               (ref.digest.empty() ? (ref.tag.empty() ? "" : ":" + ref.tag) : "@" + ref.digest);
    return std::shared_ptr<Source>(std::make_shared<OciLayoutSource>(directory_files(ref.path), ref.tag, ref.digest));
  }
  if (starts_with(input, "oci-archive:")) {
    img.kind = SourceKind::oci_archive;
    img.name = std::string(input);
    return open_oci_archive(input.substr(12));
  }
  if (starts_with(input, "docker-archive:")) {
    img.kind = SourceKind::docker_archive;
    img.name = std::string(input);
    return open_docker_archive(input.substr(15));
  }
  std::string_view text = input;
  if (starts_with(text, "docker://")) text.remove_prefix(9);
  IG_ASSIGN(Reference ref, Reference::parse(text));
  img.kind = SourceKind::registry;
  img.name = ref.str();
  img.reference = ref;
  fs::path cache = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  return make_registry_source(ref, options.registry, cache, options.use_cache);
}

// Walks from the root down through indexes to one image manifest.
Result<RawManifest> select_manifest(Source& source, RawManifest root, const ResolveOptions& options,
                                    ResolvedImage& img, bool& platform_from_index) {
  RawManifest current = std::move(root);
  for (int depth = 0;; ++depth) {
    auto kind_or = sniff_manifest_kind(current.bytes, current.media_type);
    if (!kind_or) {
      return fail(kind_or.error().with_context(fmt::format("manifest {} from {}", current.digest, source.describe())));
    }
    ManifestKind kind = *kind_or;
    if (kind == ManifestKind::image) return current;
    if (depth >= k_max_index_depth) {
      return fail(ErrorCode::invalid_image, "{}: indexes are nested more than {} deep", source.describe(),
                  k_max_index_depth);
    }
    auto idx = parse_index(current.bytes);
    if (!idx) return fail(idx.error().with_context(fmt::format("index {}", current.digest)));
    if (img.index_digest.empty()) img.index_digest = current.digest;
    img.available_platforms.clear();
    for (const auto& d : idx->manifests) {
      if (is_platform_entry(d)) img.available_platforms.push_back(*d.platform);
    }
    Platform wanted = options.platform.value_or(Platform::host());
    const Descriptor* pick = pick_platform(*idx, wanted);
    if (pick == nullptr) {
      // An index of one entry without a platform (a nested index) is followed as is.
      if (idx->manifests.size() == 1 && !idx->manifests[0].platform) {
        pick = &idx->manifests[0];
      } else {
        return fail(ErrorCode::not_found,
                    "{} has no image for platform {}; available platforms: {}; choose one with --platform", img.name,
                    wanted.str(), platform_list(img.available_platforms));
      }
    }
    if (pick->platform) {
      img.platform = *pick->platform;
      platform_from_index = true;
    }
    IG_ASSIGN(current, source.fetch_manifest(*pick));
    if (current.media_type.empty()) current.media_type = pick->media_type;
  }
}

bool is_config_type(std::string_view mt) {
  return mt == media_type::oci_config || mt == media_type::docker_config;
}

Result<void> load_config(Source& source, const ResolveOptions& options, bool platform_from_index,
                         ResolvedImage& img) {
  const Descriptor& cd = img.manifest.config;
  if (!is_config_type(cd.media_type)) {
    return fail(ErrorCode::invalid_image,
                "{} is not a container image: its config has media type '{}' (an artifact such as a signature or SBOM?)",
                img.name, cd.media_type);
  }
  auto raw = source.read_blob(cd, k_max_config_size);
  if (!raw) return fail(raw.error().with_context(fmt::format("reading config {} of {}", cd.digest, img.name)));
  img.config_raw = std::move(*raw);
  auto cfg = parse_config(img.config_raw);
  if (!cfg) return fail(cfg.error().with_context(fmt::format("config {} of {}", cd.digest, img.name)));
  img.config = std::move(*cfg);

  Platform from_config{img.config.os, img.config.architecture, img.config.variant, {}};
  if (!platform_from_index) {
    img.platform = from_config;
    if (options.platform && !from_config.os.empty() && !from_config.matches(*options.platform)) {
      log::warn("{} is a single-platform image for {}, not the requested {}; using it anyway", img.name,
                from_config.str(), options.platform->str());
    }
  }
  if (img.config.diff_ids.size() != img.manifest.layers.size()) {
    return fail(ErrorCode::invalid_image,
                "{} is inconsistent: its manifest lists {} layers but its config's rootfs.diff_ids lists {}", img.name,
                img.manifest.layers.size(), img.config.diff_ids.size());
  }
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    img.layers.push_back(Layer{i, img.manifest.layers[i], img.config.diff_ids[i]});
  }
  return {};
}

// ResolveOptions::manifest_only: the root as it is, read no further.
Result<void> describe_root(RawManifest root, ResolvedImage& img) {
  auto kind = sniff_manifest_kind(root.bytes, root.media_type);
  if (!kind) return fail(kind.error().with_context(fmt::format("manifest {} of {}", root.digest, img.name)));
  if (*kind == ManifestKind::index) {
    img.index_digest = root.digest;
    img.media_type = root.media_type;
    img.manifest_raw = std::move(root);
    return {};
  }
  auto m = parse_manifest(root.bytes);
  if (!m) return fail(m.error().with_context(fmt::format("manifest {} of {}", root.digest, img.name)));
  img.manifest = std::move(*m);
  img.digest = root.digest;
  img.media_type = !img.manifest.media_type.empty() ? img.manifest.media_type : root.media_type;
  img.manifest_raw = std::move(root);
  return {};
}

}  // namespace

const char* source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::registry: return "registry";
    case SourceKind::oci_layout: return "oci";
    case SourceKind::oci_archive: return "oci-archive";
    case SourceKind::docker_archive: return "docker-archive";
    case SourceKind::rootfs: return "dir";
  }
  return "unknown";
}

Result<ResolvedImage> resolve(std::string_view input, const ResolveOptions& options) {
  ResolvedImage img;
  img.input = std::string(input);
  if (starts_with(input, "dir:")) {
    fs::path p(input.substr(4));
    std::error_code ec;
    if (p.empty() || !fs::is_directory(p, ec)) {
      return fail(ErrorCode::not_found, "root filesystem directory '{}' does not exist (dir:PATH needs a directory)",
                  p.string());
    }
    img.kind = SourceKind::rootfs;
    img.rootfs = fs::absolute(p, ec).lexically_normal();
    img.name = "dir:" + img.rootfs.string();
    return img;
  }

  IG_ASSIGN(img.source, open_source(input, options, img));
  IG_ASSIGN(RawManifest root, img.source->fetch_root());
  if (options.manifest_only) {
    IG_TRY(describe_root(std::move(root), img));
    return img;
  }
  bool platform_from_index = false;
  IG_ASSIGN(img.manifest_raw, select_manifest(*img.source, std::move(root), options, img, platform_from_index));
  auto m = parse_manifest(img.manifest_raw.bytes);
  if (!m) return fail(m.error().with_context(fmt::format("manifest {} of {}", img.manifest_raw.digest, img.name)));
  img.manifest = std::move(*m);
  img.digest = img.manifest_raw.digest;
  img.media_type = !img.manifest.media_type.empty() ? img.manifest.media_type
                   : !img.manifest_raw.media_type.empty() ? img.manifest_raw.media_type
                                                          : std::string(media_type::oci_manifest);
  IG_TRY(load_config(*img.source, options, platform_from_index, img));
  return img;
}

}  // namespace ig::image
