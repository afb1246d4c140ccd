#include "vulndb/import_debian.h"

#include <set>

#include "util/fs.h"
#include "util/log.h"
#include "vulndb/document.h"

namespace ig::vulndb {

namespace {

// The full export is ~80 MB today; leave room for growth.
constexpr uint64_t k_max_tracker_file = 1ull << 30;

}  // namespace

std::optional<std::string> debian_release_for_codename(std::string_view codename) {
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"},
      {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"}, {"duke", "15"}, {"sid", "unstable"}};
  for (const auto& [name, version] : table) {
    if (name == codename) return std::string(version);
  }
  return std::nullopt;
}

// resolved + "0" → not_affected; resolved + version → fixed; an end-of-life
// urgency → end_of_life; open/undetermined → affected, unless the security team
// decided not to fix ("ignored") or to fix later ("postponed").
FixStatus debian_status(std::string_view status, std::string_view fixed_version, std::string_view urgency,
                        std::string_view nodsa_reason) {
  if (status == "resolved") return fixed_version == "0" ? FixStatus::not_affected : FixStatus::fixed;
  if (urgency == "end-of-life") return FixStatus::end_of_life;
  if (nodsa_reason == "ignored") return FixStatus::will_not_fix;
  if (nodsa_reason == "postponed") return FixStatus::fix_deferred;
  return FixStatus::affected;
}

Result<std::vector<Advisory>> parse_debian_tracker(const nlohmann::json& doc, std::string_view name,
                                                   int64_t* skipped) {
  if (!doc.is_object()) return fail(ErrorCode::invalid_image, "{}: not a Debian security tracker export", name);
  std::vector<Advisory> out;
  std::set<std::string, std::less<>> unknown_codenames;
  for (const auto& [package, cves] : doc.items()) {
    if (!cves.is_object()) {
      log::warn("{}: skipping package {}: not an object", name, package);
      ++*skipped;
      continue;
    }
    for (const auto& [cve, info] : cves.items()) {
      const auto& releases = json_child(info, "releases");
      if (!releases.is_object()) {
        log::warn("{}: skipping {} in {}: no releases object", name, cve, package);
        ++*skipped;
        continue;
      }
      Advisory a;
      a.vuln.id = cve;
      a.vuln.details = json_string(info, "description");
      a.vuln.primary_url = "https://security-tracker.debian.org/tracker/" + cve;
      for (const auto& [codename, rel] : releases.items()) {
        auto version = debian_release_for_codename(codename);
        if (!version) {
          unknown_codenames.insert(codename);
          continue;
        }
        std::string status = json_string(rel, "status"), fixed = json_string(rel, "fixed_version"),
                    urgency = json_string(rel, "urgency"), reason = json_string(rel, "nodsa_reason");
        if (status.empty()) {
          log::warn("{}: skipping {} {} in {}: no status", name, cve, codename, package);
          ++*skipped;
          continue;
        }
        AffectedRecord r;
        r.vuln_id = cve;
        r.ecosystem = "deb";
        r.distro_release = "debian:" + *version;
        r.package = normalize_package_name("deb", package);
        r.version_type = "deb";
        r.source_ecosystem = "Debian:" + *version;
        r.severity = urgency;
        r.status = debian_status(status, fixed, urgency, reason);
        if (r.status == FixStatus::fixed) {
          r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}, {RangeEvent::Kind::fixed, fixed}}});
          r.fixed_versions.push_back(fixed);
        } else if (r.status != FixStatus::not_affected) {
          r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}}});
        }
        a.affected.push_back(std::move(r));
      }
      out.push_back(std::move(a));
    }
  }
  for (const auto& c : unknown_codenames) log::debug("{}: ignoring unknown Debian release '{}'", name, c);
  return out;
}

Result<ImportStats> import_debian(ImportSession& session, const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_file(path, k_max_tracker_file));
  IG_ASSIGN(auto doc, parse_document(text, path.string()));
  text.clear();
  text.shrink_to_fit();
  ImportStats stats;
  IG_ASSIGN(auto advisories, parse_debian_tracker(doc, path.string(), &stats.skipped));
  doc = nlohmann::json();
  for (const auto& a : advisories) {
    IG_TRY(session.add(a));
    ++stats.records;
  }
  return stats;
}

}  // namespace ig::vulndb
