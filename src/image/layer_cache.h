// What one layer contributes to an image analysis, and its on-disk cache.
//
// A layer is identified by its diff_id (the digest of its tar stream), so its
// listing and each analyzer's results can be reused by every image that shares
// it. Layout under the cache root:
//   analysis/<diff_id hex>/layer.v3.tsv               listing, whiteouts, opaque dirs
//   analysis/<diff_id hex>/<analyzer>-<version>.json  {path: result}
// Entries are written atomically (write + rename), so concurrent processes can
// share the cache: both compute the same content and the last rename wins.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/analyzer.h"
#include "image/listing.h"
#include "util/error.h"

namespace ig::image {

// The per-layer output of the walk, before merging.
struct LayerOutput {
  Listing listing;  // every entry, whiteout and opaque dir, in tar order
  // analyzer name -> path -> result (only non-null results)
  std::map<std::string, std::map<std::string, nlohmann::json>> results;
};

class LayerCache {
 public:
  // `root` is the cache root (e.g. default_cache_dir()).
  explicit LayerCache(std::filesystem::path root) : root_(std::move(root)) {}

  // Loads a layer's listing; nullopt when absent, unreadable or malformed.
  std::optional<Listing> load_listing(const std::string& diff_id) const;
  Result<void> store_listing(const std::string& diff_id, const Listing& listing) const;

  // Loads one analyzer's results for a layer; nullopt when absent or unreadable.
  std::optional<std::map<std::string, nlohmann::json>> load_results(const std::string& diff_id,
                                                                    const Analyzer& analyzer) const;
  Result<void> store_results(const std::string& diff_id, const Analyzer& analyzer,
                             const std::map<std::string, nlohmann::json>& results) const;

  // True when results of `analyzer` can be cached at all (its name is a safe file name).
  static bool cacheable(const Analyzer& analyzer);

 private:
  std::optional<std::filesystem::path> layer_dir(const std::string& diff_id) const;
  std::filesystem::path root_;
};

// What `imagegate cache info` shows.
struct CacheUsage {
  std::filesystem::path root;
  uint64_t blob_files = 0;
  uint64_t blob_bytes = 0;
  uint64_t analysis_files = 0;
  uint64_t analysis_bytes = 0;
};

// The subdirectories of the cache root that imagegate owns and may delete.
inline constexpr const char* k_cache_subdirs[] = {"blobs", "analysis", "tmp"};

CacheUsage cache_usage(const std::filesystem::path& root);
// Removes imagegate's own subdirectories of `root` (nothing else). io error
// naming the path on failure.
Result<CacheUsage> clean_cache(const std::filesystem::path& root);

}  // namespace ig::image
