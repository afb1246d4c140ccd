#include "image/layer_cache.h"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::image {

namespace fs = std::filesystem;

namespace {

// The listing's records are described in listing.h. Cache files are written
// without fsync (Durability::cache), so after a crash one may be cut short at
// a line boundary and still parse; the trailer "E\t<records>" tells a whole
// listing from a truncated one.
constexpr const char* k_listing_file = "layer.v3.tsv";
constexpr std::string_view k_listing_header = "imagegate layer listing v3\n";
constexpr std::string_view k_listing_trailer = "E\t";
// Cached listings of huge layers are large but bounded by the entry limit.
constexpr uint64_t k_max_cache_file = 1ull << 30;

std::optional<nlohmann::json> load_json(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  auto text = read_file(path, k_max_cache_file);
  if (!text) {
    log::debug("analysis cache: cannot read {}: {}", path.string(), text.error().message);
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    log::debug("analysis cache: ignoring corrupt entry {}", path.string());
    return std::nullopt;
  }
  return j;
}

void count_tree(const fs::path& dir, uint64_t& files, uint64_t& bytes) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      ++files;
      bytes += it->file_size(ec);
    }
  }
}

}  // namespace

bool LayerCache::cacheable(const Analyzer& analyzer) {
  std::string_view n = analyzer.name();
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<fs::path> LayerCache::layer_dir(const std::string& diff_id) const {
  // The digest is validated so that it can never name a path outside the cache.
  auto d = Digest::parse(diff_id);
  if (!d || root_.empty()) return std::nullopt;
  return root_ / "analysis" / d->hex;
}

std::optional<Listing> LayerCache::load_listing(const std::string& diff_id) const {
  auto dir = layer_dir(diff_id);
  if (!dir) return std::nullopt;
  fs::path path = *dir / k_listing_file;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  auto file = MappedFile::open(path, k_max_cache_file);
  if (!file) {
    log::debug("analysis cache: cannot read {}: {}", path.string(), file.error().message);
    return std::nullopt;
  }
  std::optional<Listing> listing;
  std::string_view text = file->view();
  size_t trailer = text.size() < 2 ? std::string_view::npos : text.rfind('\n', text.size() - 2);
  if (text.starts_with(k_listing_header) && text.ends_with('\n') && trailer != std::string_view::npos &&
      trailer + 1 >= k_listing_header.size() && text.substr(trailer + 1).starts_with(k_listing_trailer)) {
    std::string_view count = text.substr(trailer + 1 + k_listing_trailer.size());
    count.remove_suffix(1);
    size_t records = 0;
    auto [end, err] = std::from_chars(count.data(), count.data() + count.size(), records);
    size_t offset = k_listing_header.size();
    if (err == std::errc() && end == count.data() + count.size()) {
      listing = Listing::from_mapped(std::make_shared<const MappedFile>(std::move(*file)), offset,
                                     trailer + 1 - offset);
      if (listing && listing->records() != records) listing.reset();
    }
  }
  if (!listing) log::debug("analysis cache: ignoring malformed listing {}", path.string());
  return listing;
}

Result<void> LayerCache::store_listing(const std::string& diff_id, const Listing& listing) const {
  auto dir = layer_dir(diff_id);
  if (!dir) return {};
  std::string text;
  text.reserve(k_listing_header.size() + listing.text().size() + 32);
  text.append(k_listing_header);
  text.append(listing.text());
  text.append(k_listing_trailer);
  text.append(std::to_string(listing.records()));
  text.push_back('\n');
  return atomic_write_file(*dir / k_listing_file, text, 0644, Durability::cache);
}

std::optional<std::map<std::string, nlohmann::json>> LayerCache::load_results(const std::string& diff_id,
                                                                              const Analyzer& analyzer) const {
  auto dir = layer_dir(diff_id);
  if (!dir || !cacheable(analyzer)) return std::nullopt;
  auto j = load_json(*dir / fmt::format("{}-{}.json", analyzer.name(), analyzer.version()));
  if (!j || !j->is_object()) return std::nullopt;
  std::map<std::string, nlohmann::json> out;
  for (auto& [k, v] : j->items()) out.emplace(k, std::move(v));
  return out;
}

Result<void> LayerCache::store_results(const std::string& diff_id, const Analyzer& analyzer,
                                       const std::map<std::string, nlohmann::json>& results) const {
  auto dir = layer_dir(diff_id);
  if (!dir || !cacheable(analyzer)) return {};
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : results) j[k] = v;
  return atomic_write_file(*dir / fmt::format("{}-{}.json", analyzer.name(), analyzer.version()),
                           j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 0644,
                           Durability::cache);
}

CacheUsage cache_usage(const fs::path& root) {
  CacheUsage u;
  u.root = root;
  count_tree(root / "blobs", u.blob_files, u.blob_bytes);
  count_tree(root / "analysis", u.analysis_files, u.analysis_bytes);
  return u;
}

namespace {

bool is_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Whether `name` at `depth` (1 = direct child) of cache subdirectory `sub` is
// something imagegate writes there.
bool ours(std::string_view sub, int depth, const fs::directory_entry& e) {
  std::string name = e.path().filename().string();
  std::error_code ec;
  bool dir = e.is_directory(ec) && !e.is_symlink(ec);
  bool file = e.is_regular_file(ec) && !e.is_symlink(ec);
  bool temp = name.find(".tmp.") != std::string::npos || name.ends_with(".partial");
  if (sub == "blobs") return depth == 1 ? dir && (name == "sha256" || name == "sha512") : file;
  if (sub == "analysis") {
    return depth == 1 ? dir && is_hex(name) : file && (name.ends_with(".json") || name.ends_with(".tsv") || temp);
  }
  return depth == 1 && file && temp;  // tmp/
}

// Finds an entry under `dir` that imagegate did not create, so that a
// --cache-dir pointed at the wrong directory never deletes a person's files.
std::optional<fs::path> foreign_entry(const fs::path& dir, std::string_view sub) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 1 || !ours(sub, it.depth() + 1, *it)) return it->path();
  }
  if (ec) return dir;
  return std::nullopt;
}

}  // namespace

Result<CacheUsage> clean_cache(const fs::path& root) {
  CacheUsage before = cache_usage(root);
  for (const char* sub : k_cache_subdirs) {
    fs::path p = root / sub;
    std::error_code ec;
    auto st = fs::symlink_status(p, ec);
    if (ec || !fs::exists(st)) continue;
    if (!fs::is_directory(st)) {
      return fail(ErrorCode::io, "'{}' is not a directory imagegate created: not cleaning it; remove it by hand",
                  p.string());
    }
    if (auto other = foreign_entry(p, sub)) {
      return fail(ErrorCode::io,
                  "'{}' holds '{}', which imagegate did not create: not cleaning {}; check --cache-dir or "
                  "remove it by hand",
                  p.string(), other->string(), root.string());
    }
  }
  for (const char* sub : k_cache_subdirs) {
    fs::path p = root / sub;
    std::error_code ec;
    fs::remove_all(p, ec);
    if (ec) {
      return fail(ErrorCode::io, "cannot remove '{}': {}; check its permissions and remove it by hand", p.string(),
                  ec.message());
    }
  }
  return before;
}

}  // namespace ig::image
