// Image sources read from a single tar file, never extracted:
//   oci-archive:FILE[:tag]         a tar of an OCI image layout
//   docker-archive:FILE[:ref|@N]   what `docker save` (or skopeo) writes
// Blobs are streamed out of the archive with pread through a TarIndex.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "image/source.h"
#include "image/tar_index.h"

namespace ig::image {

// `spec` is what follows "oci-archive:". not_found when the file is absent;
// invalid_image when it is not a plain tar holding an OCI layout.
Result<std::shared_ptr<Source>> open_oci_archive(std::string_view spec);

// `spec` is what follows "docker-archive:". The optional reference after the
// file picks one image by its RepoTags ("nginx:1.27", compared in normalised
// form) or by position ("@0"); it may be left out when the archive holds one
// image.
Result<std::shared_ptr<Source>> open_docker_archive(std::string_view spec);

// The source spec for an archive named without its kind (Trivy's --input
// FILE): "docker-archive:FILE" when it holds a manifest.json (docker save,
// including Docker 25+ archives that also carry an OCI layout), else
// "oci-archive:FILE" when it holds an index.json. not_found when the file is
// absent; invalid_image when it is neither.
Result<std::string> archive_input(const std::string& path);

// Splits "FILE[:suffix]" where FILE may itself contain ':': the longest prefix
// that names an existing file wins, else the whole text is the file.
struct ArchiveRef {
  std::string path;
  std::string suffix;  // empty when none
};
ArchiveRef split_archive_ref(std::string_view spec);

// Docker's manifest.json of `docker save`, one entry per image.
struct DockerArchiveEntry {
  std::string config;                  // path in the archive
  std::vector<std::string> repo_tags;  // may be empty
  std::vector<std::string> layers;     // paths in the archive, bottom first
};
// Validates untrusted manifest.json text; invalid_image naming the field.
Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view json);

}  // namespace ig::image
