// The analyzer interface: how inventory code sees an image's files.
//
// An analyzer declares which files it wants. One streaming pass over each layer
// (layers in parallel) hands it those files; it turns each into a JSON result.
// Results are cached per (layer diff_id, analyzer name, analyzer version) and
// merged in layer order, so that a file deleted or replaced by a later layer
// contributes nothing. Analyzers are stateless and must be safe to call from
// several threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/resolve.h"
#include "util/error.h"

namespace ig::image {

enum class FileType { regular, directory, symlink, hardlink, other };

// Metadata of one entry in a layer or root filesystem. Paths are relative to the
// image root, normalised, without a leading "/" or "./" (e.g. "etc/os-release").
struct FileMeta {
  std::string path;
  FileType type = FileType::regular;
  uint32_t mode = 0;
  uint64_t size = 0;
  std::string link_target;  // symlink target as stored, or hard-link target path
  size_t layer = 0;         // index into ResolvedImage::layers (0 for rootfs)
};

// What an analyzer asks for. A file is offered when its path matches any of
// exact/globs/suffixes/dir_names, or when its first bytes start with one of
// magic (sniffed only for regular files of at least min_sniff_size bytes).
struct FileSelector {
  std::vector<std::string> exact;      // "var/lib/dpkg/status"
  std::vector<std::string> globs;      // fnmatch(3) patterns without FNM_PATHNAME: "*/node_modules/*/package.json"
  std::vector<std::string> suffixes;   // ".jar", ".gemspec"
  std::vector<std::string> magic;      // "\x7f" "ELF"
  uint64_t max_size = 64ull << 20;     // larger files are skipped, with a debug log
  bool executable_only_for_magic = false;  // sniff only files with an x bit
};

// Reads one file's content during the walk. Valid only inside analyze().
class FileReader {
 public:
  virtual ~FileReader() = default;
  // Reads up to buf.size() bytes; 0 at end of file.
  virtual Result<size_t> read(std::span<std::byte> buf) = 0;
  // Reads the rest of the file, refusing more than `max` bytes.
  Result<std::string> read_all(uint64_t max = 64ull << 20);
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  // A stable name ("dpkg", "npm"); part of the cache key.
  virtual std::string_view name() const = 0;
  // Bump when the result format or logic changes, so old cache entries are ignored.
  virtual int version() const = 0;
  virtual const FileSelector& selector() const = 0;
  // Analyses one file. Returns a JSON value to keep for this path, or null to
  // keep nothing. An error is logged as a warning naming the file and does not
  // stop the walk: untrusted content must never abort the whole image.
  virtual Result<nlohmann::json> analyze(const FileMeta& meta, FileReader& content) const = 0;
};

// One analyzer result for a file that is present in the final filesystem.
struct FileResult {
  std::string path;
  size_t layer = 0;        // the layer that last wrote the file
  std::string diff_id;     // of that layer ("" for rootfs)
  nlohmann::json result;
};

struct WalkLimits {
  uint64_t max_layer_bytes = 64ull << 30;   // uncompressed bytes per layer
  double max_ratio = 200.0;                 // uncompressed/compressed bytes, checked past ratio_grace; 0: off
  uint64_t ratio_grace = 256ull << 20;
  uint64_t max_entries = 5'000'000;         // tar entries per layer
};

struct WalkOptions {
  WalkLimits limits;
  unsigned threads = 0;                     // 0: hardware concurrency
  std::filesystem::path cache_dir;          // empty: no analysis cache
  bool use_cache = true;
  bool skip_other_mounts = true;            // rootfs: do not cross into other file systems (/proc, /sys, ...)
  bool list_files = false;                  // fill ImageAnalysis::files (the `files` command)
};

struct ImageAnalysis {
  // Per analyzer name, the results of files present in the final filesystem,
  // sorted by path.
  std::map<std::string, std::vector<FileResult>> results;
  // Symlinks in the final filesystem (path -> target as stored), for resolving
  // paths such as etc/os-release -> ../usr/lib/os-release within the image.
  std::map<std::string, std::string> symlinks;
  // Every entry of the final filesystem, sorted by path, with meta.layer the
  // layer that last wrote it; only when WalkOptions::list_files is set.
  std::vector<FileMeta> files;
  size_t layers_from_cache = 0;
  size_t layers_walked = 0;
};

// Walks every layer of `image` (in parallel), applies whiteouts, and runs the
// analyzers. Errors: invalid_image (unknown layer compression, corrupt tar,
// limits exceeded), integrity (blob digest or diff_id mismatch), io, network.
Result<ImageAnalysis> analyze_image(const ResolvedImage& image, const std::vector<const Analyzer*>& analyzers,
                                    const WalkOptions& options);

// Resolves `path` inside the image the way the kernel would inside a chroot:
// symlinks are followed (at most 40 hops) and ".." never climbs above the root.
std::string resolve_in_image(const ImageAnalysis& analysis, std::string_view path);

}  // namespace ig::image
