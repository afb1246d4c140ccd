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

// The listing is tab-separated text, not JSON: a layer of 300,000 files is a
// 300,000-entry listing, and building or parsing a JSON DOM of that size took
// most of a warm run's time and over 100 MB. One record per line:
//   TYPE MODE SIZE PATH LINK   an entry (TYPE: f d l h o, as type_code)
//   W PATH                     a whiteout
//   O DIR                      an opaque directory
// with \\, \t and \n escaped in paths.
constexpr const char* k_listing_file = "layer.v2.tsv";
constexpr std::string_view k_listing_header = "imagegate layer listing v2\n";
// Cached listings of huge layers are large but bounded by the entry limit.
constexpr uint64_t k_max_cache_file = 1ull << 30;

const char* type_code(FileType t) {
  switch (t) {
    case FileType::regular: return "f";
    case FileType::directory: return "d";
    case FileType::symlink: return "l";
    case FileType::hardlink: return "h";
    case FileType::other: return "o";
  }
  return "o";
}

FileType type_from_code(std::string_view c) {
  if (c == "f") return FileType::regular;
  if (c == "d") return FileType::directory;
  if (c == "l") return FileType::symlink;
  if (c == "h") return FileType::hardlink;
  return FileType::other;
}

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

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// Undoes append_escaped; false on a malformed escape.
bool unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == in.size()) return false;
    switch (in[i]) {
      case '\\': out.push_back('\\'); break;
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      default: return false;
    }
  }
  return true;
}

template <typename T>
bool parse_number(std::string_view s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Splits `line` on tabs into exactly `n` fields; false when the count differs.
bool split_fields(std::string_view line, std::string_view* fields, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    size_t tab = line.find('\t');
    if ((tab == std::string_view::npos) != (i + 1 == n)) return false;
    fields[i] = line.substr(0, tab);
    if (tab != std::string_view::npos) line.remove_prefix(tab + 1);
  }
  return true;
}

// Parses a listing file's text into `o`; false when malformed.
bool parse_listing(std::string_view text, size_t layer_index, LayerOutput& o) {
  if (!text.starts_with(k_listing_header)) return false;
  text.remove_prefix(k_listing_header.size());
  o.entries.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  std::string_view f[5];
  while (!text.empty()) {
    size_t eol = text.find('\n');
    if (eol == std::string_view::npos) return false;  // a truncated file
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    if (line.starts_with("W\t") || line.starts_with("O\t")) {
      auto& list = line[0] == 'W' ? o.whiteouts : o.opaque_dirs;
      if (!unescape(line.substr(2), list.emplace_back())) return false;
      continue;
    }
    FileMeta m;
    if (!split_fields(line, f, 5) || f[0].size() != 1 || !parse_number(f[1], m.mode) || !parse_number(f[2], m.size) ||
        !unescape(f[3], m.path) || !unescape(f[4], m.link_target)) {
      return false;
    }
    m.type = type_from_code(f[0]);
    m.layer = layer_index;
    o.entries.push_back(std::move(m));
  }
  return true;
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

bool LayerCache::load_listing(const std::string& diff_id, size_t layer_index, LayerOutput& out) const {
  auto dir = layer_dir(diff_id);
  if (!dir) return false;
  fs::path path = *dir / k_listing_file;
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  auto text = read_file(path, k_max_cache_file);
  if (!text) {
    log::debug("analysis cache: cannot read {}: {}", path.string(), text.error().message);
    return false;
  }
  LayerOutput o;
  if (!parse_listing(*text, layer_index, o)) {
    log::debug("analysis cache: ignoring malformed listing {}", path.string());
    return false;
  }
  out.entries = std::move(o.entries);
  out.whiteouts = std::move(o.whiteouts);
  out.opaque_dirs = std::move(o.opaque_dirs);
  return true;
}

Result<void> LayerCache::store_listing(const std::string& diff_id, const LayerOutput& out) const {
  auto dir = layer_dir(diff_id);
  if (!dir) return {};
  std::string text(k_listing_header);
  text.reserve(out.entries.size() * 64 + 64);
  for (const auto& m : out.entries) {
    text += type_code(m.type);
    text += fmt::format("\t{}\t{}\t", m.mode, m.size);
    append_escaped(text, m.path);
    text.push_back('\t');
    append_escaped(text, m.link_target);
    text.push_back('\n');
  }
  for (const auto& w : out.whiteouts) {
    text += "W\t";
    append_escaped(text, w);
    text.push_back('\n');
  }
  for (const auto& d : out.opaque_dirs) {
    text += "O\t";
    append_escaped(text, d);
    text.push_back('\n');
  }
  return atomic_write_file(*dir / k_listing_file, text);
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
                           j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
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
