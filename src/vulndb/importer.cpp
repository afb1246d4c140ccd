#include "vulndb/importer.h"

#include <archive.h>
#include <archive_entry.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "util/fs.h"
#include "util/log.h"
#include "vulndb/enrich.h"
#include "vulndb/import_debian.h"
#include "vulndb/import_nvd.h"
#include "vulndb/import_secdb.h"
#include "vulndb/import_updateinfo.h"

namespace ig::vulndb {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_sniff_size = 64 << 10;

std::string read_head(const fs::path& path, size_t n) {
  std::string buf(n, '\0');
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return {};
  size_t got = std::fread(buf.data(), 1, n, f);
  std::fclose(f);
  buf.resize(got);
  return buf;
}

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

}  // namespace

const char* source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::osv: return "osv";
    case SourceKind::secdb: return "secdb";
    case SourceKind::debian: return "debian";
    case SourceKind::kev: return "kev";
    case SourceKind::epss: return "epss";
    case SourceKind::updateinfo: return "updateinfo";
    case SourceKind::nvd: return "nvd";
  }
  return "osv";
}

Result<SourceKind> parse_source_kind(std::string_view s) {
  for (auto k : {SourceKind::osv, SourceKind::secdb, SourceKind::debian, SourceKind::kev, SourceKind::epss,
                 SourceKind::updateinfo, SourceKind::nvd}) {
    if (s == source_kind_name(k)) return k;
  }
  return fail(ErrorCode::usage, "unknown source kind '{}': use osv, secdb, debian, kev, epss, updateinfo or nvd", s);
}

Result<std::string> read_source_text(const fs::path& path, uint64_t max_size) {
  std::string head = read_head(path, 2);
  if (head.size() < 2 || static_cast<unsigned char>(head[0]) != 0x1f || static_cast<unsigned char>(head[1]) != 0x8b) {
    return read_file(path, max_size);
  }
  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(ar.get());
  archive_read_support_format_raw(ar.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_filename(ar.get(), path.c_str(), 1 << 16) != ARCHIVE_OK ||
      archive_read_next_header(ar.get(), &entry) != ARCHIVE_OK) {
    return fail(ErrorCode::invalid_image, "{}: not a readable gzip file: {}", path.string(),
                archive_error_string(ar.get()));
  }
  std::string out;
  char chunk[1 << 16];
  while (true) {
    la_ssize_t n = archive_read_data(ar.get(), chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      return fail(ErrorCode::invalid_image, "{}: corrupt gzip data: {}", path.string(), archive_error_string(ar.get()));
    }
    if (out.size() + static_cast<uint64_t>(n) > max_size) {
      return fail(ErrorCode::invalid_image, "{}: decompresses to more than {} bytes", path.string(), max_size);
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

namespace {

// A line of a YAML document that starts with `key:` (OSV YAML records have
// top-level id/modified/affected keys).
bool has_yaml_key(std::string_view t, std::string_view key) {
  for (size_t pos = 0; (pos = t.find(key, pos)) != std::string_view::npos; pos += key.size()) {
    bool line_start = pos == 0 || t[pos - 1] == '\n';
    if (line_start && pos + key.size() < t.size() && t[pos + key.size()] == ':') return true;
  }
  return false;
}

std::optional<SourceKind> kind_of_text(std::string_view t) {
  if (t.starts_with("<?xml") || t.starts_with("<updates")) {
    return has(t, "<updates") ? std::optional(SourceKind::updateinfo) : std::nullopt;
  }
  if (t.starts_with("#model_version") || t.starts_with("cve,epss")) return SourceKind::epss;
  if (looks_like_nvd(t)) return SourceKind::nvd;
  if (has(t, "\"catalogVersion\"") || has(t, "\"cveID\"")) return SourceKind::kev;
  if (has(t, "\"distroversion\"") || has_yaml_key(t, "distroversion")) return SourceKind::secdb;
  if (has(t, "\"affected\"") || has(t, "\"modified\"") || has_yaml_key(t, "modified") ||
      has_yaml_key(t, "affected") || has(t, "\"vulns\"")) {
    return SourceKind::osv;
  }
  if (has(t, "\"releases\"") && (has(t, "\"CVE-") || has(t, "\"TEMP-"))) return SourceKind::debian;
  return std::nullopt;
}

bool is_gzip_head(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
}

}  // namespace

Result<std::optional<SourceKind>> detect_file_kind(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
  std::string head = read_head(path, 4);
  if (head.size() == 4 && head.starts_with("PK\x03\x04")) return SourceKind::osv;
  std::string text;
  if (is_gzip_head(head)) {
    // Only the first bytes matter; a bounded read of the decompressed start.
    auto full = read_source_text(path, 256ull << 20);
    if (!full) return fail(full.error());
    text = full->substr(0, k_sniff_size);
  } else {
    text = read_head(path, k_sniff_size);
  }
  return kind_of_text(text);
}

Result<SourceKind> detect_source_kind(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
  if (fs::is_directory(path, ec)) return SourceKind::osv;
  IG_ASSIGN(auto kind, detect_file_kind(path));
  if (kind) return *kind;
  return fail(ErrorCode::usage,
              "cannot tell what kind of feed {} is: pass --kind osv|secdb|debian|kev|epss|updateinfo|nvd", path.string());
}

namespace {

// The files of one path to import as one source.
struct Group {
  SourceKind kind;
  std::vector<fs::path> files;
};

bool is_feed_file_name(std::string name) {
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  for (std::string_view ext : {".json", ".yaml", ".yml", ".csv", ".xml", ".zip"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

// The feed files under `dir`, sorted, hidden files and folders (.git) left out.
Result<std::vector<fs::path>> list_feed_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && is_feed_file_name(name)) files.push_back(it->path());
  }
  if (ec) return fail(ErrorCode::io, "cannot list {}: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// Sorts the files of `path` into one group per kind. Files of no known kind
// in a folder are warned about and counted in *unknown.
Result<std::vector<Group>> plan(const fs::path& path, std::optional<SourceKind> forced, int64_t* unknown) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
  if (!fs::is_directory(path, ec)) {
    SourceKind k;
    if (forced) {
      k = *forced;
    } else {
      IG_ASSIGN(k, detect_source_kind(path));
    }
    return std::vector<Group>{{k, {path}}};
  }
  IG_ASSIGN(auto files, list_feed_files(path));
  std::map<SourceKind, std::vector<fs::path>> by_kind;
  for (auto& f : files) {
    std::optional<SourceKind> k = forced;
    if (!k) {
      auto detected = detect_file_kind(f);
      if (!detected) return fail(detected.error());
      k = *detected;
    }
    if (!k) {
      log::warn("skipping {}: not a feed imagegate knows (OSV, Alpine secdb, Debian tracker, KEV, EPSS, updateinfo, NVD)",
                f.string());
      ++*unknown;
      continue;
    }
    by_kind[*k].push_back(std::move(f));
  }
  std::vector<Group> out;
  for (auto& [k, fs_] : by_kind) out.push_back({k, std::move(fs_)});
  return out;
}


std::string default_name(SourceKind kind, const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec).lexically_normal();
  return std::string(source_kind_name(kind)) + ":" + (ec ? path.string() : abs.string());
}

// One group as one source; the caller owns the transaction.
Result<ImportResult> import_group(Database& db, const fs::path& path, const Group& g, std::string name,
                                  const std::string& distro) {
  ImportResult result;
  result.kind = g.kind;
  result.path = path;
  result.source = name.empty() ? default_name(g.kind, path) : std::move(name);
  IG_ASSIGN(auto session, db.begin_import(result.source, source_kind_name(g.kind), path.string()));
  for (const auto& f : g.files) {
    auto stats = import_file(session, g.kind, f, distro);
    if (!stats) {
      // Errors from a file inside a folder name the file; a named file's
      // errors already do.
      return fail(f == path ? stats.error() : stats.error().with_context(fmt::format("in {}", f.string())));
    }
    result.stats.records += stats->records;
    result.stats.skipped += stats->skipped;
    result.stats.files += 1;
  }
  IG_TRY(session.commit());
  return result;
}

// import_paths' work for one path, inside the caller's batch.
Result<std::vector<ImportResult>> import_path(Database& db, const fs::path& path, const ImportOptions& opts) {
  int64_t unknown = 0;
  IG_ASSIGN(auto groups, plan(path, opts.kind, &unknown));
  std::vector<ImportResult> out;
  int64_t records = 0, skipped = unknown;
  for (const auto& g : groups) {
    std::string name = opts.name;
    if (!name.empty() && groups.size() > 1) name += std::string(":") + source_kind_name(g.kind);
    IG_ASSIGN(auto r, import_group(db, path, g, std::move(name), opts.distro));
    records += r.stats.records;
    skipped += r.stats.skipped;
    out.push_back(std::move(r));
  }
  if (!out.empty()) out.front().stats.skipped += unknown;
  if (groups.empty()) {
    return fail(ErrorCode::invalid_image,
                "{}: no feed files in it{}: nothing was imported (point db import at OSV, Alpine secdb, Debian "
                "tracker, KEV, EPSS, updateinfo or NVD files, or a folder of them)",
                path.string(), unknown ? fmt::format(" ({} files of no known kind, see warnings)", unknown) : "");
  }
  if (records == 0 && skipped > 0) {
    return fail(ErrorCode::invalid_image,
                "{}: no usable records ({} skipped, see warnings): nothing was imported (is it the feed you meant, "
                "and is --kind right?)",
                path.string(), skipped);
  }
  return out;
}

}  // namespace

Result<ImportStats> import_file(ImportSession& session, SourceKind kind, const fs::path& file,
                                const std::string& distro) {
  switch (kind) {
    case SourceKind::osv: return import_osv(session, file);
    case SourceKind::secdb: return import_secdb(session, file);
    case SourceKind::debian: return import_debian(session, file);
    case SourceKind::kev: return import_kev(session, file);
    case SourceKind::epss: return import_epss(session, file);
    case SourceKind::updateinfo: return import_updateinfo(session, file, distro);
    case SourceKind::nvd: return import_nvd(session, file);
  }
  return fail(ErrorCode::internal, "unhandled source kind");
}

Result<std::vector<ImportResult>> import_paths(Database& db, std::span<const fs::path> paths,
                                               const ImportOptions& opts) {
  IG_ASSIGN(auto batch, db.begin_batch());
  std::vector<ImportResult> out;
  int64_t records = 0;
  for (const auto& p : paths) {
    IG_ASSIGN(auto rs, import_path(db, p, opts));
    for (auto& r : rs) {
      records += r.stats.records;
      out.push_back(std::move(r));
    }
  }
  if (records == 0) {
    return fail(ErrorCode::invalid_image,
                "no advisories in {}: the feed{} held no records, so nothing was imported",
                paths.size() == 1 ? paths[0].string() : fmt::format("the {} paths given", paths.size()),
                paths.size() == 1 ? "" : "s");
  }
  IG_TRY(batch.commit());
  return out;
}

Result<ImportResult> import_source(Database& db, const fs::path& path, std::optional<SourceKind> kind,
                                   std::string name, std::string distro) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
  Group g;
  if (kind) {
    g.kind = *kind;
  } else {
    IG_ASSIGN(g.kind, detect_source_kind(path));
  }
  if (fs::is_directory(path, ec)) {
    IG_ASSIGN(g.files, list_feed_files(path));
  } else {
    g.files.push_back(path);
  }
  IG_ASSIGN(auto batch, db.begin_batch());
  IG_ASSIGN(auto r, import_group(db, path, g, std::move(name), distro));
  IG_TRY(batch.commit());
  return r;
}

}  // namespace ig::vulndb
