// From what the user typed to the one digest that is signed or verified.
#include "image/resolve.h"
#include "sign/cosign.h"

namespace ig::sign {

Result<SignedImage> open_signed_image(std::string_view input, const image::ResolveOptions& options) {
  // A signature covers the manifest (or index) digest and nothing else, so
  // nothing else is read: cosign verifies an image whose config blob is gone,
  // and Helm charts or WASM modules have no container config at all.
  image::ResolveOptions manifest_only = options;
  manifest_only.manifest_only = true;
  IG_ASSIGN(image::ResolvedImage img, image::resolve(input, manifest_only));
  return signed_image_of(img, input);
}

Result<SignedImage> signed_image_of(const image::ResolvedImage& img, std::string_view input) {
  auto* source = dynamic_cast<image::RegistrySource*>(img.source.get());
  if (img.kind != image::SourceKind::registry || source == nullptr || !img.reference) {
    return fail(ErrorCode::usage,
                "'{}' is not a registry image: signatures live in a registry next to the image; push it first and "
                "name it as REGISTRY/REPOSITORY[:TAG|@DIGEST]",
                input);
  }
  SignedImage t;
  t.client = &source->client();
  t.keep_alive = img.source;
  t.repo = img.reference->repository;
  t.name = img.reference->name();
  if (!img.index_digest.empty()) {
    // By digest: the index we resolved through, never the tag again.
    IG_ASSIGN(t.image, t.client->head_manifest(t.repo, img.index_digest));
    t.image.digest = img.index_digest;
  } else {
    t.image.media_type = img.media_type.empty() ? std::string(image::media_type::oci_manifest) : img.media_type;
    t.image.digest = img.digest;
    t.image.size = static_cast<int64_t>(img.manifest_raw.bytes.size());
  }
  return t;
}

Result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            std::string_view flag) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::usage, "{} '{}': expected KEY=VALUE with a non-empty KEY", flag, item);
    }
    if (!out.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
      return fail(ErrorCode::usage, "{}: key '{}' is given twice; give each key once", flag, item.substr(0, eq));
    }
  }
  return out;
}

}  // namespace ig::sign
