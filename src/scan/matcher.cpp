#include "scan/matcher.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <tuple>

#include <fmt/format.h>

#include "scan/report.h"
#include "util/log.h"
#include "version/version.h"
#include "vulndb/cvss.h"
#include "vulndb/import_debian.h"

namespace ig::scan {

namespace {

bool is_os_ecosystem(std::string_view eco) { return eco == "deb" || eco == "apk" || eco == "rpm"; }

// "3.18.4" → "3.18"; "9.3" → "9" when parts == 1.
std::string leading_parts(std::string_view v, int parts) {
  std::string out;
  int seen = 0;
  for (char c : v) {
    if (c == '.' && ++seen == parts) break;
    if (c != '.' && !std::isdigit(static_cast<unsigned char>(c))) break;
    out += c;
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// The comparator an advisory's version_type names. OSV "cargo" ranges are SemVer.
Result<version::Ecosystem> comparator_for(std::string_view version_type) {
  if (version_type == "cargo") return version::Ecosystem::semver;
  return version::parse_ecosystem(version_type);
}

std::vector<version::Event> to_events(const vulndb::VersionRange& r) {
  std::vector<version::Event> out;
  out.reserve(r.events.size());
  for (const auto& e : r.events) {
    auto kind = version::Event::Kind::introduced;
    switch (e.kind) {
      case vulndb::RangeEvent::Kind::introduced: kind = version::Event::Kind::introduced; break;
      case vulndb::RangeEvent::Kind::fixed: kind = version::Event::Kind::fixed; break;
      case vulndb::RangeEvent::Kind::last_affected: kind = version::Event::Kind::last_affected; break;
      case vulndb::RangeEvent::Kind::limit: kind = version::Event::Kind::limit; break;
    }
    out.push_back({kind, e.version});
  }
  return out;
}

// Whether `installed` is affected by `rec`. Ranges whose versions do not parse
// are skipped with a debug message: one bad advisory must not hide the others.
bool record_affects(const vulndb::AffectedRecord& rec, const version::Version& installed) {
  if (rec.status == vulndb::FixStatus::not_affected) return false;
  if (std::find(rec.versions.begin(), rec.versions.end(), installed.str()) != rec.versions.end()) return true;
  if (rec.ranges.empty()) return rec.versions.empty() && rec.status != vulndb::FixStatus::fixed;
  for (const auto& range : rec.ranges) {
    auto hit = version::in_osv_range(to_events(range), installed);
    if (!hit) {
      log::debug("{}: ignoring a range for {}: {}", rec.vuln_id, rec.package, hit.error().message);
      continue;
    }
    if (*hit) return true;
  }
  return false;
}

// The fixed versions above the installed one (all of them when none is above,
// so the report still shows what the advisory says).
std::vector<std::string> relevant_fixes(const vulndb::AffectedRecord& rec, const version::Version& installed) {
  std::vector<std::string> above;
  for (const auto& f : rec.fixed_versions) {
    auto c = version::compare(installed.ecosystem(), installed.str(), f);
    if (c && *c < 0) above.push_back(f);
  }
  return above.empty() ? rec.fixed_versions : above;
}

struct SeverityPick {
  Severity severity = Severity::unknown;
  std::string source;
  std::optional<double> score;
  std::string vector;
};

// The distro's own rating wins for OS packages (it knows how the package is
// built and used); otherwise CVSS v3, then v4, then a label, then v2. The CVSS
// score and vector shown are the first CVSS entry in that order.
SeverityPick pick_severity(const Finding& f, const std::string& distro_severity, const vulndb::Vulnerability* v) {
  SeverityPick p;
  if (v) {
    for (const char* type : {"CVSS_V3", "CVSS_V4", "CVSS_V2"}) {
      for (const auto& s : v->severities) {
        if (s.type == type && p.vector.empty()) {
          p.vector = s.vector;
          p.score = s.score;
        }
      }
    }
  }
  if (is_os_ecosystem(f.ecosystem) && !distro_severity.empty()) {
    Severity s = severity_from_rating(vulndb::rating_from_label(distro_severity));
    if (s != Severity::unknown) {
      p.severity = s;
      p.source = f.distro_release.substr(0, f.distro_release.find(':'));
      return p;
    }
  }
  if (!v) return p;
  for (const char* type : {"CVSS_V3", "CVSS_V4", "label", "CVSS_V2"}) {
    for (const auto& s : v->severities) {
      if (s.type != type) continue;
      Severity sev = severity_from_rating(s.rating);
      if (sev == Severity::unknown) continue;
      p.severity = sev;
      p.source = s.source;
      return p;
    }
  }
  return p;
}

std::string title_of(const vulndb::Vulnerability& v) {
  std::string t = v.summary.empty() ? v.details.substr(0, v.details.find('\n')) : v.summary;
  constexpr size_t k_max_title = 120;
  return truncate_text(t, k_max_title);
}

std::string cve_of(const Finding& f) {
  if (f.vulnerability_id.starts_with("CVE-")) return f.vulnerability_id;
  for (const auto& a : f.aliases) {
    if (a.starts_with("CVE-")) return a;
  }
  return {};
}

// A finding whose vulnerability details are still to be filled in, with the
// distro's own rating of it from the matched record.
struct PendingFinding {
  Finding finding;
  std::string distro_severity;
};

// Sorted distinct values of `key` over the findings.
template <typename Key>
std::vector<std::string> distinct(const std::vector<std::vector<PendingFinding>>& per_package, Key key) {
  std::vector<std::string> out;
  for (const auto& fs : per_package) {
    for (const auto& p : fs) {
      std::string k = key(p.finding);
      if (!k.empty()) out.push_back(std::move(k));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Fills aliases, title, severity and enrichment of every finding, reading
// each vulnerability and each CVE's enrichment once, in two batches.
Result<void> add_details(vulndb::Database& db, std::vector<std::vector<PendingFinding>>& per_package) {
  auto ids = distinct(per_package, [](const Finding& f) { return f.vulnerability_id; });
  IG_ASSIGN(auto vulns, db.vulnerabilities(ids));
  auto vuln_of = [&](const std::string& id) -> const vulndb::Vulnerability* {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    auto& v = vulns[static_cast<size_t>(it - ids.begin())];
    return v ? &*v : nullptr;
  };
  for (auto& fs : per_package) {
    for (auto& [f, distro_severity] : fs) {
      const vulndb::Vulnerability* v = vuln_of(f.vulnerability_id);
      if (v) {
        f.aliases = v->aliases;
        f.title = title_of(*v);
        f.primary_url = v->primary_url;
      }
      SeverityPick sev = pick_severity(f, distro_severity, v);
      f.severity = sev.severity;
      f.severity_source = sev.source;
      f.cvss_score = sev.score;
      f.cvss_vector = sev.vector;
    }
  }
  auto cves = distinct(per_package, cve_of);
  IG_ASSIGN(auto enrich, db.enrichments(cves));
  for (auto& fs : per_package) {
    for (auto& p : fs) {
      std::string cve = cve_of(p.finding);
      if (cve.empty()) continue;
      const auto& e = enrich[static_cast<size_t>(std::lower_bound(cves.begin(), cves.end(), cve) - cves.begin())];
      p.finding.kev = e.kev.has_value();
      if (e.epss) {
        p.finding.epss = e.epss->score;
        p.finding.epss_percentile = e.epss->percentile;
      }
    }
  }
  return {};
}

// The name the database files `pkg` under: deb/apk/rpm advisories name the
// source package.
// Amazon Linux's advisories (updateinfo) name the binary packages and their
// epoch:version-release, so its rpm packages are matched by binary name and
// version rather than by source rpm.
bool by_binary_name(const inventory::Package& pkg, std::string_view release) {
  return pkg.ecosystem == "rpm" && release.starts_with("amazonlinux:");
}

std::string lookup_key(const inventory::Package& pkg, std::string_view release) {
  bool os = is_os_ecosystem(pkg.ecosystem) && !by_binary_name(pkg, release);
  const std::string& name = os && !pkg.source_name.empty() ? pkg.source_name : pkg.name;
  return vulndb::normalize_package_name(pkg.ecosystem, name);
}

// Findings for one package from the records of its (ecosystem, release, name).
// Details come later (add_details), for all packages at once.
void match_package(const inventory::Package& pkg, const std::string& release,
                   std::span<const vulndb::AffectedRecord> records, std::vector<PendingFinding>& out,
                   std::set<std::string>& warnings) {
  bool os = is_os_ecosystem(pkg.ecosystem) && !by_binary_name(pkg, release);
  const std::string& compared = os && !pkg.source_version.empty() ? pkg.source_version : pkg.version;
  std::set<std::string> seen;
  // A package's records nearly always share one version type: parse the
  // installed version once per type, not once per record.
  std::optional<version::Ecosystem> parsed_as;
  std::optional<Result<version::Version>> parsed;
  for (const auto& rec : records) {
    if (seen.count(rec.vuln_id)) continue;
    auto eco = comparator_for(rec.version_type);
    if (!eco) {
      log::debug("{}: unknown version type '{}' for {}", rec.vuln_id, rec.version_type, rec.package);
      continue;
    }
    if (parsed_as != *eco) {
      parsed = version::Version::parse(*eco, compared);
      parsed_as = *eco;
    }
    const auto& installed = *parsed;
    if (!installed) {
      warnings.insert(fmt::format("cannot compare {} {} {} with advisories: {}", pkg.ecosystem, pkg.name, compared,
                                  installed.error().message));
      continue;
    }
    if (!record_affects(rec, *installed)) continue;
    seen.insert(rec.vuln_id);
    Finding f;
    f.vulnerability_id = rec.vuln_id;
    f.package_name = pkg.name;
    f.package_version = pkg.version;
    f.package_purl = pkg.purl;
    f.ecosystem = pkg.ecosystem;
    f.path = pkg.locations.empty() ? std::string() : pkg.locations.front();
    f.layer_diff_id = pkg.layer_diff_id;
    f.installed_version = compared;
    f.matched_package = rec.package;
    f.distro_release = release;
    if (rec.status == vulndb::FixStatus::fixed) f.fixed_versions = relevant_fixes(rec, *installed);
    f.status = vulndb::fix_status_name(rec.status);
    out.push_back({std::move(f), rec.severity});
  }
}

// The packages to look up for one (ecosystem, release): names[i] is the
// lookup key of inv.packages[packages[i]].
struct Batch {
  std::vector<std::string> names;
  std::vector<size_t> packages;
};

std::string os_label(const inventory::OsInfo& os) {
  std::string v = os.version_id.empty() ? os.codename : os.version_id;
  return v.empty() ? os.id : os.id + " " + v;
}

using Batches = std::map<std::pair<std::string, std::string>, Batch>;  // by (ecosystem, release)

// Sorts the packages to match into one database batch per (ecosystem,
// release) instead of one query per package. OS packages of a release the
// database has no data for are counted in `unmatched_os` instead.
Result<Batches> plan_batches(const inventory::Inventory& inv, vulndb::Database& db, const MatchOptions& opts,
                             const std::string& release, std::map<std::string, int>& unmatched_os) {
  std::map<std::string, bool> release_known;  // per OS ecosystem
  Batches batches;
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const auto& pkg = inv.packages[i];
    bool os = is_os_ecosystem(pkg.ecosystem);
    if (os) {
      auto it = release_known.find(pkg.ecosystem);
      if (it == release_known.end()) {
        bool known = false;
        if (!release.empty()) {
          IG_ASSIGN(known, db.has_release(pkg.ecosystem, release));
        }
        it = release_known.emplace(pkg.ecosystem, known).first;
      }
      if (!it->second) {
        ++unmatched_os[pkg.ecosystem];
        continue;
      }
    } else if (pkg.os_owned && opts.skip_os_owned) {
      continue;
    }
    Batch& b = batches[{pkg.ecosystem, os ? release : std::string()}];
    b.names.push_back(lookup_key(pkg, os ? release : std::string_view()));
    b.packages.push_back(i);
  }
  return batches;
}

}  // namespace

std::string distro_release_key(const inventory::OsInfo& os) {
  if (os.id == "debian") {
    if (!os.version_id.empty()) return "debian:" + leading_parts(os.version_id, 1);
    // testing and sid have no VERSION_ID; the codename names the release.
    auto rel = vulndb::debian_release_for_codename(os.codename);
    return rel ? "debian:" + *rel : std::string();
  }
  if (os.id == "ubuntu" && !os.version_id.empty()) return "ubuntu:" + leading_parts(os.version_id, 2);
  if (os.id == "alpine" && !os.version_id.empty()) return "alpine:" + leading_parts(os.version_id, 2);
  if (os.id == "amzn" && !os.version_id.empty()) return "amazonlinux:" + leading_parts(os.version_id, 1);
  if ((os.id == "rocky" || os.id == "almalinux" || os.id == "rhel") && !os.version_id.empty()) {
    return os.id + ":" + leading_parts(os.version_id, 1);
  }
  return {};
}

Result<MatchResult> match(const inventory::Inventory& inv, vulndb::Database& db, const MatchOptions& opts) {
  // One snapshot for the whole image: consistent findings, and lookups skip
  // SQLite's per-statement locking.
  IG_ASSIGN(auto snapshot, db.read_transaction());
  MatchResult result;
  std::set<std::string> warnings;
  const std::string release = distro_release_key(inv.os);
  std::map<std::string, int> unmatched_os;  // OS packages left unmatched, per ecosystem
  IG_ASSIGN(auto batches, plan_batches(inv, db, opts, release, unmatched_os));
  // Findings are kept per package and joined in inventory order, so the
  // result is the same whatever order the batches visit packages in.
  std::vector<std::vector<PendingFinding>> per_package(inv.packages.size());
  for (const auto& entry : batches) {  // no structured binding: clang 14 cannot capture one
    const std::string& rel = entry.first.second;
    const Batch& b = entry.second;
    IG_TRY(db.for_each_affected(entry.first.first, rel, b.names,
                                [&](size_t i, std::span<const vulndb::AffectedRecord> records) -> Result<void> {
                                  size_t p = b.packages[i];
                                  match_package(inv.packages[p], rel, records, per_package[p], warnings);
                                  return Result<void>{};
                                }));
  }
  IG_TRY(add_details(db, per_package));
  for (auto& fs : per_package) {
    for (auto& p : fs) result.findings.push_back(std::move(p.finding));
  }
  for (const auto& [eco, n] : unmatched_os) {
    std::string what = inv.os.known() ? os_label(inv.os) : "an unknown OS";
    warnings.insert(fmt::format("no advisory data for {} in the database: its {} {} package{} were not checked "
                                "(import that release's advisories with `imagegate db import`)",
                                what, n, eco, n == 1 ? "" : "s"));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.package_name, a.package_version, a.path, a.vulnerability_id) <
           std::tie(b.package_name, b.package_version, b.path, b.vulnerability_id);
  });
  result.warnings.assign(warnings.begin(), warnings.end());
  return result;
}

}  // namespace ig::scan
