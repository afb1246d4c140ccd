#include "vulndb/import_secdb.h"

#include <cctype>
#include <sstream>

#include "util/fs.h"
#include "util/log.h"
#include "vulndb/document.h"

namespace ig::vulndb {

namespace {

constexpr uint64_t k_max_secdb_file = 256ull << 20;

// "CVE-2021-3449", "GHSA-xxxx-xxxx-xxxx", "XSA-123": an upper-case prefix, a
// dash, and at least one digit somewhere after it.
bool looks_like_id(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= s.size()) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (!std::isupper(static_cast<unsigned char>(s[i])) && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  bool digit = false;
  for (size_t i = dash + 1; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
    digit = digit || std::isdigit(c);
  }
  return digit;
}

}  // namespace

Result<std::vector<Advisory>> parse_secdb(const nlohmann::json& doc, std::string_view name, int64_t* skipped) {
  std::string release = json_string(doc, "distroversion");
  const auto& packages = json_child(doc, "packages");
  // The real feed ships releases with nothing to fix in a repository as
  // `packages:` with no value (v3.3/community.yaml): that is an empty list.
  if (release.empty() || !(packages.is_array() || packages.is_null())) {
    return fail(ErrorCode::invalid_image,
                "{}: not an Alpine secdb document (needs 'distroversion' and a 'packages' list)", name);
  }
  if (release.starts_with("v")) release.erase(0, 1);
  std::vector<Advisory> out;
  if (packages.is_null()) return out;
  for (const auto& entry : packages) {
    if (entry.is_null()) continue;  // a bare "-" list item
    const auto& pkg = json_child(entry, "pkg");
    std::string pkg_name = json_string(pkg, "name");
    const auto& secfixes = json_child(pkg, "secfixes");
    if (pkg_name.empty() || !(secfixes.is_object() || secfixes.is_null())) {
      log::warn("{}: skipping a package entry without a name or with malformed secfixes", name);
      ++*skipped;
      continue;
    }
    if (secfixes.is_null()) continue;
    for (const auto& [version, ids] : secfixes.items()) {
      // The real feed has versions with no ids under them (v3.6 heimdal
      // 7.4.0-r0): an empty section, not a malformed one.
      if (ids.is_null()) continue;
      if (!ids.is_array()) {
        log::warn("{}: skipping {} {}: its secfixes entry is not a list", name, pkg_name, version);
        ++*skipped;
        continue;
      }
      for (const auto& item : ids) {
        if (!item.is_string()) continue;
        std::istringstream words(item.get<std::string>());
        for (std::string word; words >> word;) {
          if (!looks_like_id(word)) continue;
          Advisory a;
          a.vuln.id = word;
          AffectedRecord r;
          r.vuln_id = word;
          r.ecosystem = "apk";
          r.distro_release = "alpine:" + release;
          r.package = pkg_name;
          r.version_type = "apk";
          r.source_ecosystem = "Alpine:v" + release;
          if (version == "0") {
            r.status = FixStatus::not_affected;
          } else {
            r.status = FixStatus::fixed;
            r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}, {RangeEvent::Kind::fixed, version}}});
            r.fixed_versions.push_back(version);
          }
          a.affected.push_back(std::move(r));
          out.push_back(std::move(a));
        }
      }
    }
  }
  return out;
}

Result<ImportStats> import_secdb(ImportSession& session, const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_file(path, k_max_secdb_file));
  IG_ASSIGN(auto doc, parse_document(text, path.string()));
  ImportStats stats;
  IG_ASSIGN(auto advisories, parse_secdb(doc, path.string(), &stats.skipped));
  for (const auto& a : advisories) {
    IG_TRY(session.add(a));
    ++stats.records;
  }
  return stats;
}

}  // namespace ig::vulndb
