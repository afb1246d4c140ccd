#include "cli/image_identity.h"

namespace ig::cli {

namespace {

// The tag of an OCI layout reference "oci:DIR:tag" (registry images carry
// theirs in the parsed Reference).
std::string layout_tag(const image::ResolvedImage& img) {
  if (img.kind != image::SourceKind::oci_layout && img.kind != image::SourceKind::oci_archive) return {};
  auto colon = img.name.rfind(':');
  if (colon == std::string::npos || colon < img.name.find(':') + 1) return {};
  std::string tag = img.name.substr(colon + 1);
  if (tag.empty() || tag.find('/') != std::string::npos || tag.find('@') != std::string::npos) return {};
  return tag;
}

}  // namespace

report::ImageIdentity identity_of(const image::ResolvedImage& img) {
  report::ImageIdentity id;
  id.name = img.name;
  id.source = image::source_kind_name(img.kind);
  if (img.reference) {
    id.repository = img.reference->name();
    id.tag = img.reference->tag;
  } else {
    id.tag = layout_tag(img);
  }
  id.digest = img.digest;
  if (img.kind != image::SourceKind::rootfs || !img.platform.os.empty()) id.platform = img.platform.str();
  id.created = img.config.created;
  return id;
}

}  // namespace ig::cli
