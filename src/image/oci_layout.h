// The OCI image layout source (`oci:DIR[:tag|@digest]`), and the small
// file-access interface it reads through, so that the same code serves a
// layout directory and a layout packed in a tar (oci-archive:FILE).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "image/source.h"

namespace ig::image {

// Read access to the files of a layout, by path relative to its root. Paths
// passed in are built by the caller from validated digests or fixed names.
class LayoutFiles {
 public:
  virtual ~LayoutFiles() = default;
  // Reads a whole file; not_found when absent; invalid_image when larger than
  // `max_size`.
  virtual Result<std::string> read(const std::string& rel, uint64_t max_size) = 0;
  // Opens a file as a raw (unverified) stream and returns its size with it.
  virtual Result<std::pair<std::unique_ptr<ByteStream>, uint64_t>> open(const std::string& rel) = 0;
  virtual bool exists(const std::string& rel) = 0;
  // "oci layout /dir", for messages.
  virtual std::string describe() const = 0;
};

// Files of a layout directory. Refuses symbolic links for the files it opens,
// so a layout cannot point reads outside itself.
std::shared_ptr<LayoutFiles> directory_files(std::filesystem::path dir);

// What the user typed after "oci:": the layout path and an optional tag or
// digest. The path may itself contain ':' ("oci:/mnt/c:/img:v1"): the text after
// the last ':' is a tag only when it is a valid tag and the whole text is not an
// existing directory.
struct LayoutRef {
  std::string path;
  std::string tag;
  std::string digest;
};
Result<LayoutRef> split_layout_ref(std::string_view spec);

// A Source over an OCI layout's index.json and blobs/<alg>/<hex>.
//
// fetch_root picks the index.json entry whose org.opencontainers.image.ref.name
// annotation equals the tag; with no tag, the only entry, else the one tagged
// "latest"; otherwise it lists the tags that exist. Entries sharing a tag that
// each carry a platform (a multi-platform image written straight into
// index.json) are returned together as an index.
class OciLayoutSource : public Source {
 public:
  OciLayoutSource(std::shared_ptr<LayoutFiles> files, std::string tag, std::string digest);

  Result<RawManifest> fetch_root() override;
  Result<RawManifest> fetch_manifest(const Descriptor& d) override;
  Result<std::unique_ptr<ByteStream>> open_blob(const Descriptor& d) override;
  std::string describe() const override;

 private:
  std::shared_ptr<LayoutFiles> files_;
  std::string tag_;
  std::string digest_;
};

// "blobs/sha256/<hex>" for a descriptor digest; invalid_image when the digest
// is not valid (so it can never name a path outside blobs/).
Result<std::string> blob_path(std::string_view digest);

// The largest manifest or index accepted, as registries do.
inline constexpr uint64_t k_max_layout_manifest_size = 4ull << 20;

// Reads a manifest blob through `files`, verified against `d` (size and digest).
Result<RawManifest> read_manifest_blob(LayoutFiles& files, const Descriptor& d);

// Opens `d`'s blob through `files` as a verifying stream.
Result<std::unique_ptr<ByteStream>> open_layout_blob(LayoutFiles& files, const Descriptor& d);

}  // namespace ig::image
