#include "vulndb/importer.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <memory>

#include "util/fs.h"
#include "vulndb/enrich.h"
#include "vulndb/import_debian.h"
#include "vulndb/import_nvd.h"
#include "vulndb/import_secdb.h"

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
    case SourceKind::nvd: return "nvd";
  }
  return "osv";
}

Result<SourceKind> parse_source_kind(std::string_view s) {
  for (auto k : {SourceKind::osv, SourceKind::secdb, SourceKind::debian, SourceKind::kev, SourceKind::epss,
                 SourceKind::nvd}) {
    if (s == source_kind_name(k)) return k;
  }
  return fail(ErrorCode::usage, "unknown source kind '{}': use osv, secdb, debian, kev, epss or nvd", s);
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

Result<SourceKind> detect_source_kind(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
  if (fs::is_directory(path, ec)) return SourceKind::osv;
  std::string head = read_head(path, 4);
  if (head.size() == 4 && head.starts_with("PK\x03\x04")) return SourceKind::osv;
  std::string text;
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    // Only the first bytes matter; a bounded read of the decompressed start.
    auto full = read_source_text(path, 256ull << 20);
    if (!full) return fail(full.error());
    text = full->substr(0, k_sniff_size);
  } else {
    text = read_head(path, k_sniff_size);
  }
  std::string_view t = text;
  if (t.starts_with("#model_version") || t.starts_with("cve,epss")) return SourceKind::epss;
  if (looks_like_nvd(t)) return SourceKind::nvd;
  if (has(t, "\"catalogVersion\"") || has(t, "\"cveID\"")) return SourceKind::kev;
  if (has(t, "distroversion")) return SourceKind::secdb;
  if (has(t, "\"affected\"") || has(t, "\"modified\"") || has(t, "\nmodified:") || has(t, "\naffected:") ||
      has(t, "\"vulns\"")) {
    return SourceKind::osv;
  }
  if (has(t, "\"releases\"") && (has(t, "\"CVE-") || has(t, "\"TEMP-"))) return SourceKind::debian;
  return fail(ErrorCode::usage, "cannot tell what kind of feed {} is: pass --kind osv|secdb|debian|kev|epss|nvd",
              path.string());
}

Result<ImportResult> import_source(Database& db, const fs::path& path, std::optional<SourceKind> kind,
                                   std::string name) {
  ImportResult result;
  if (kind) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return fail(ErrorCode::not_found, "{} does not exist", path.string());
    result.kind = *kind;
  } else {
    IG_ASSIGN(result.kind, detect_source_kind(path));
  }
  if (name.empty()) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec).lexically_normal();
    name = std::string(source_kind_name(result.kind)) + ":" + (ec ? path.string() : abs.string());
  }
  result.source = name;
  IG_ASSIGN(auto session, db.begin_import(name, source_kind_name(result.kind), path.string()));
  Result<ImportStats> stats = [&]() -> Result<ImportStats> {
    switch (result.kind) {
      case SourceKind::osv: return import_osv(session, path);
      case SourceKind::secdb: return import_secdb(session, path);
      case SourceKind::debian: return import_debian(session, path);
      case SourceKind::kev: return import_kev(session, path);
      case SourceKind::epss: return import_epss(session, path);
      case SourceKind::nvd: return import_nvd(session, path);
    }
    return fail(ErrorCode::internal, "unhandled source kind");
  }();
  if (!stats) return fail(stats.error());
  result.stats = *stats;
  IG_TRY(session.commit());
  return result;
}

}  // namespace ig::vulndb
