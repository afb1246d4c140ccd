#include "vulndb/import_osv.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "util/fs.h"
#include "util/log.h"
#include "vulndb/cvss.h"
#include "vulndb/document.h"

namespace ig::vulndb {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_osv_file = 16ull << 20;  // the largest osv.dev records are well under 1 MiB

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    out.emplace_back(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

bool looks_like_version(std::string_view s) { return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0])); }

std::string major_of(std::string_view v) { return std::string(v.substr(0, v.find('.'))); }

Error bad_record(std::string_view id, std::string_view why) {
  return Error{ErrorCode::invalid_image, fmt::format("record {}: {}", id.empty() ? "(no id)" : id, why)};
}

// Adds a severity entry, computing score and rating for CVSS vectors.
void add_severity(Vulnerability& v, std::string_view source, std::string_view type, std::string_view value) {
  if (value.empty()) return;
  Severity s;
  s.source = source;
  if (type.starts_with("CVSS_V")) {
    auto score = score_cvss(value);
    if (!score) {
      log::debug("{}: ignoring {} severity: {}", v.id, type, score.error().message);
      return;
    }
    s.type = cvss_type_name(score->version);
    s.vector = value;
    s.score = score->base_score;
    s.rating = rating_for(score->version, score->base_score);
  } else {
    s.type = "label";
    s.vector = value;
    s.rating = rating_from_label(value);
  }
  v.severities.push_back(std::move(s));
}

void read_severity_array(Vulnerability& v, const nlohmann::json& arr, std::string_view source) {
  if (!arr.is_array()) return;
  for (const auto& s : arr) add_severity(v, source, json_string(s, "type"), json_string(s, "score"));
}

Result<VersionRange> parse_range(const nlohmann::json& r, std::string_view id) {
  VersionRange vr;
  vr.type = json_string(r, "type");
  const auto& events = json_child(r, "events");
  if (!events.is_array()) return fail(bad_record(id, "a range has no events array"));
  for (const auto& e : events) {
    if (!e.is_object() || e.size() != 1 || !e.begin().value().is_string()) {
      return fail(bad_record(id, "a range event is not an object with one string field"));
    }
    RangeEvent re;
    const std::string& k = e.begin().key();
    if (k == "introduced") re.kind = RangeEvent::Kind::introduced;
    else if (k == "fixed") re.kind = RangeEvent::Kind::fixed;
    else if (k == "last_affected") re.kind = RangeEvent::Kind::last_affected;
    else if (k == "limit") re.kind = RangeEvent::Kind::limit;
    else return fail(bad_record(id, fmt::format("unknown range event '{}'", k)));
    re.version = e.begin().value().get<std::string>();
    vr.events.push_back(std::move(re));
  }
  return vr;
}

// The distro's own severity for one affected entry, if the record gives one.
std::string affected_severity(const nlohmann::json& a) {
  for (const char* where : {"ecosystem_specific", "database_specific"}) {
    const auto& o = json_child(a, where);
    for (const char* key : {"severity", "urgency"}) {
      std::string s = json_string(o, key);
      if (!s.empty()) return s;
    }
  }
  return {};
}

Result<std::optional<AffectedRecord>> parse_affected(const nlohmann::json& a, const Vulnerability& v) {
  if (!a.is_object()) return fail(bad_record(v.id, "an affected entry is not an object"));
  const auto& pkg = json_child(a, "package");
  std::string eco = json_string(pkg, "ecosystem"), name = json_string(pkg, "name");
  if (eco.empty() || name.empty()) return std::optional<AffectedRecord>();  // e.g. GIT-only entries
  auto mapping = map_osv_ecosystem(eco);
  if (!mapping) return std::optional<AffectedRecord>();
  AffectedRecord r;
  r.vuln_id = v.id;
  r.ecosystem = mapping->ecosystem;
  r.distro_release = mapping->distro_release;
  r.version_type = mapping->version_type;
  r.package = normalize_package_name(r.ecosystem, name);
  r.source_ecosystem = eco;
  if (const auto& ranges = json_child(a, "ranges"); ranges.is_array()) {
    for (const auto& range : ranges) {
      IG_ASSIGN(auto vr, parse_range(range, v.id));
      if (vr.type != "ECOSYSTEM" && vr.type != "SEMVER") continue;  // GIT ranges name commits, not versions
      for (const auto& e : vr.events) {
        if (e.kind == RangeEvent::Kind::fixed) r.fixed_versions.push_back(e.version);
      }
      r.ranges.push_back(std::move(vr));
    }
  } else if (!ranges.is_null()) {
    return fail(bad_record(v.id, "ranges is not an array"));
  }
  if (const auto& versions = json_child(a, "versions"); versions.is_array()) {
    for (const auto& ver : versions) {
      if (ver.is_string()) r.versions.push_back(ver.get<std::string>());
    }
  }
  if (r.ranges.empty() && r.versions.empty()) {
    if (!json_child(a, "ranges").is_null()) return std::optional<AffectedRecord>();  // only GIT ranges
    r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}}});  // no bounds: all versions
  }
  r.status = r.fixed_versions.empty() ? FixStatus::affected : FixStatus::fixed;
  r.severity = affected_severity(a);
  return std::optional<AffectedRecord>(std::move(r));
}

}  // namespace

std::optional<EcosystemMapping> map_osv_ecosystem(std::string_view osv_ecosystem) {
  auto parts = split(osv_ecosystem, ':');
  const std::string& base = parts[0];
  auto first_version = [&]() -> std::string {
    for (size_t i = 1; i < parts.size(); ++i) {
      if (looks_like_version(parts[i])) return parts[i];
    }
    return {};
  };
  auto distro = [&](const char* eco, const char* distro_name, std::string release) -> EcosystemMapping {
    return {eco, release.empty() ? std::string(distro_name) : std::string(distro_name) + ":" + release, eco};
  };
  if (base == "Debian") return distro("deb", "debian", parts.size() > 1 ? parts[1] : "");
  if (base == "Ubuntu") return distro("deb", "ubuntu", first_version());
  if (base == "Alpine") {
    std::string rel = parts.size() > 1 ? parts[1] : "";
    if (rel.starts_with("v")) rel.erase(0, 1);
    return distro("apk", "alpine", rel);
  }
  if (base == "Rocky Linux") return distro("rpm", "rocky", major_of(first_version()));
  if (base == "AlmaLinux") return distro("rpm", "almalinux", major_of(first_version()));
  if (base == "Red Hat") return distro("rpm", "rhel", major_of(first_version()));
  static const std::pair<std::string_view, std::string_view> languages[] = {
      {"Go", "golang"},      {"PyPI", "pypi"}, {"npm", "npm"},           {"Maven", "maven"},
      {"crates.io", "cargo"}, {"RubyGems", "gem"}, {"Packagist", "composer"}, {"NuGet", "nuget"}};
  for (const auto& [osv, ours] : languages) {
    if (base == osv) return EcosystemMapping{std::string(ours), "", std::string(ours)};
  }
  return std::nullopt;
}

Result<Advisory> parse_osv_record(const nlohmann::json& j) {
  if (!j.is_object()) return fail(bad_record("", "not a JSON object"));
  Advisory a;
  Vulnerability& v = a.vuln;
  v.id = json_string(j, "id");
  if (v.id.empty()) return fail(bad_record("", "no string 'id'"));
  v.summary = json_string(j, "summary");
  v.details = json_string(j, "details");
  v.published = json_string(j, "published");
  v.modified = json_string(j, "modified");
  v.withdrawn = json_string(j, "withdrawn");
  if (const auto& aliases = json_child(j, "aliases"); aliases.is_array()) {
    for (const auto& al : aliases) {
      if (al.is_string()) v.aliases.push_back(al.get<std::string>());
    }
  }
  if (const auto& refs = json_child(j, "references"); refs.is_array()) {
    for (const auto& r : refs) {
      std::string url = json_string(r, "url");
      if (url.empty()) continue;
      std::string type = json_string(r, "type");
      if (v.primary_url.empty() && (type == "ADVISORY" || type == "WEB")) v.primary_url = url;
      v.references.push_back({std::move(url), std::move(type)});
    }
  }
  if (v.primary_url.empty() && !v.references.empty()) v.primary_url = v.references.front().url;
  read_severity_array(v, json_child(j, "severity"), "osv");
  add_severity(v, "database_specific", "label", json_string(json_child(j, "database_specific"), "severity"));
  const auto& affected = json_child(j, "affected");
  if (!affected.is_null() && !affected.is_array()) return fail(bad_record(v.id, "affected is not an array"));
  if (affected.is_array()) {
    for (const auto& entry : affected) {
      IG_ASSIGN(auto rec, parse_affected(entry, v));
      read_severity_array(v, json_child(entry, "severity"), "osv");
      if (rec) a.affected.push_back(std::move(*rec));
    }
  }
  return a;
}

Result<void> import_osv_document(ImportSession& session, std::string_view text, std::string_view name,
                                 ImportStats& stats) {
  auto doc = parse_document(text, name);
  if (!doc) {
    log::warn("skipping {}", doc.error().message);
    ++stats.skipped;
    return {};
  }
  const nlohmann::json* records = &*doc;
  if (doc->is_object() && doc->contains("vulns")) records = &(*doc)["vulns"];
  auto one = [&](const nlohmann::json& rec) -> Result<void> {
    auto adv = parse_osv_record(rec);
    if (!adv) {
      log::warn("{}: skipping {}", name, adv.error().message);
      ++stats.skipped;
      return {};
    }
    IG_TRY(session.add(*adv));
    ++stats.records;
    return {};
  };
  if (records->is_array()) {
    for (const auto& rec : *records) IG_TRY(one(rec));
    return {};
  }
  return one(*records);
}

namespace {

bool is_osv_file_name(const std::string& n) {
  return n.ends_with(".json") || n.ends_with(".yaml") || n.ends_with(".yml");
}

Result<void> import_zip(ImportSession& session, const fs::path& path, ImportStats& stats) {
  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(ar.get());
  if (archive_read_open_filename(ar.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail(ErrorCode::invalid_image, "{}: not a readable zip archive: {}", path.string(),
                archive_error_string(ar.get()));
  }
  archive_entry* entry = nullptr;
  std::string buf;
  while (true) {
    int rc = archive_read_next_header(ar.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return fail(ErrorCode::invalid_image, "{}: corrupt zip archive: {}", path.string(),
                  archive_error_string(ar.get()));
    }
    std::string name = path.filename().string() + ":" + archive_entry_pathname(entry);
    if (archive_entry_filetype(entry) != AE_IFREG || !is_osv_file_name(name)) continue;
    if (archive_entry_size_is_set(entry) && static_cast<uint64_t>(archive_entry_size(entry)) > k_max_osv_file) {
      log::warn("skipping {}: larger than {} bytes", name, k_max_osv_file);
      ++stats.skipped;
      continue;
    }
    buf.clear();
    char chunk[1 << 16];
    bool too_big = false, broken = false;
    while (true) {
      la_ssize_t n = archive_read_data(ar.get(), chunk, sizeof chunk);
      if (n == 0) break;
      if (n < 0) {
        broken = true;
        break;
      }
      if (buf.size() + static_cast<size_t>(n) > k_max_osv_file) {
        too_big = true;
        break;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    if (broken || too_big) {
      log::warn("skipping {}: {}", name, broken ? archive_error_string(ar.get()) : "entry too large");
      ++stats.skipped;
      if (broken) break;  // the stream position is unknown after a data error
      continue;
    }
    IG_TRY(import_osv_document(session, buf, name, stats));
  }
  return {};
}

bool is_zip(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char magic[4] = {};
  size_t n = std::fread(magic, 1, 4, f);
  std::fclose(f);
  return n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

}  // namespace

Result<ImportStats> import_osv(ImportSession& session, const fs::path& path) {
  ImportStats stats;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec) && is_osv_file_name(it->path().filename().string())) files.push_back(it->path());
    }
    if (ec) return fail(ErrorCode::io, "cannot list {}: {}", path.string(), ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = read_file(f, k_max_osv_file);
      if (!text) {
        log::warn("skipping {}: {}", f.string(), text.error().message);
        ++stats.skipped;
        continue;
      }
      IG_TRY(import_osv_document(session, *text, f.string(), stats));
    }
    return stats;
  }
  if (is_zip(path)) {
    IG_TRY(import_zip(session, path, stats));
    return stats;
  }
  IG_ASSIGN(auto text, read_file(path, k_max_osv_file));
  IG_TRY(import_osv_document(session, text, path.string(), stats));
  return stats;
}

}  // namespace ig::vulndb
