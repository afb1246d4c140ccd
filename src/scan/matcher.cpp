#include "scan/matcher.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "scan/report.h"
#include "util/log.h"
#include "version/version.h"
#include "vulndb/cvss.h"
#include "vulndb/groups.h"
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

// Whether `installed` is affected by `rec`. A range whose versions do not
// parse is skipped, so one bad advisory does not hide the others, and named in
// `warnings` as not checked, so it does not vanish either.
bool record_affects(const vulndb::AffectedRecord& rec, const version::Version& installed,
                    std::set<std::string>& warnings) {
  if (rec.status == vulndb::FixStatus::not_affected) return false;
  if (std::find(rec.versions.begin(), rec.versions.end(), installed.str()) != rec.versions.end()) return true;
  if (rec.ranges.empty()) return rec.versions.empty() && rec.status != vulndb::FixStatus::fixed;
  for (const auto& range : rec.ranges) {
    auto hit = version::in_osv_range(to_events(range), installed);
    if (!hit) {
      warnings.insert(fmt::format("{} not checked for {} {} {}: {}", rec.vuln_id, rec.ecosystem, rec.package,
                                  installed.str(), hit.error().message));
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

// One rating known for a group, and where it ranks (lower is preferred).
struct RatedBy {
  const vulndb::Severity* rating;
  std::string source;  // as severity_source names it
  int rank;
};

// Where a rating from record `id` ranks for a language package: CVSS v3/v4
// from the ecosystem's advisory (GHSA), then NVD's, then any other record's,
// then labels, then CVSS v2. Within a tier v3 before v4, as before grouping.
int rating_rank(std::string_view id, const vulndb::Severity& s) {
  bool ghsa = id.starts_with("GHSA-"), nvd = s.source == "nvd";
  int origin = ghsa ? 0 : nvd ? 1 : 2;
  if (s.type == "CVSS_V3") return origin * 2;
  if (s.type == "CVSS_V4") return origin * 2 + 1;
  if (s.type == "label") return 10 + origin;
  if (s.type == "CVSS_V2") return 20 + origin;
  return 30;
}

// The ratings of a group's records (withdrawn ones excluded), best first.
std::vector<RatedBy> group_ratings(std::span<const vulndb::Vulnerability* const> records) {
  std::vector<RatedBy> out;
  for (const auto* v : records) {
    if (!v->withdrawn.empty()) continue;
    for (const auto& s : v->severities) {
      std::string source = v->id.starts_with("GHSA-") ? "ghsa" : s.source;
      out.push_back({&s, std::move(source), rating_rank(v->id, s)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const RatedBy& a, const RatedBy& b) { return a.rank < b.rank; });
  return out;
}

// The distro's own rating wins for OS packages (it knows how the package is
// built and used); otherwise the best rating of the group (rating_rank). The
// CVSS score and vector shown are those of the first CVSS rating in that order.
SeverityPick pick_severity(const Finding& f, const std::vector<std::string>& distro_severities,
                           std::span<const vulndb::Vulnerability* const> records) {
  SeverityPick p;
  auto ratings = group_ratings(records);
  for (const auto& r : ratings) {
    if (r.rating->type.starts_with("CVSS_V")) {
      p.vector = r.rating->vector;
      p.score = r.rating->score;
      break;
    }
  }
  if (is_os_ecosystem(f.ecosystem)) {
    for (const auto& label : distro_severities) {
      Severity s = severity_from_rating(vulndb::rating_from_label(label));
      if (s == Severity::unknown) continue;
      p.severity = s;
      p.source = f.distro_release.substr(0, f.distro_release.find(':'));
      return p;
    }
  }
  for (const auto& r : ratings) {
    Severity sev = severity_from_rating(r.rating->rating);
    if (sev == Severity::unknown) continue;
    p.severity = sev;
    p.source = r.source;
    if (r.rating->type.starts_with("CVSS_V")) {
      p.vector = r.rating->vector;
      p.score = r.rating->score;
    }
    return p;
  }
  return p;
}

std::string title_of(const vulndb::Vulnerability& v) {
  std::string t = v.summary.empty() ? v.details.substr(0, v.details.find('\n')) : v.summary;
  constexpr size_t k_max_title = 120;
  return truncate_text(t, k_max_title);
}

// The finding's CVE: its id, or its only CVE alias (an umbrella record naming
// several CVEs has none of its own).
std::string cve_of(const Finding& f) {
  if (f.vulnerability_id.starts_with("CVE-")) return f.vulnerability_id;
  std::string cve;
  for (const auto& a : f.aliases) {
    if (!a.starts_with("CVE-")) continue;
    if (!cve.empty()) return {};
    cve = a;
  }
  return cve;
}

// One record that matched a package: the finding it would give alone, and
// the distro's own rating of it.
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

// How much a record's feed speaks for the package's ecosystem: the ecosystem's
// own feed first (Debian's tracker and Alpine's secdb file records under the
// CVE id; golang/vulndb, PyPA, RustSec), then GitHub's advisories, then the rest.
int native_rank(std::string_view ecosystem, std::string_view id) {
  static const std::pair<std::string_view, std::string_view> k_native[] = {
      {"deb", "CVE-"},   {"deb", "TEMP-"},  {"apk", "CVE-"},     {"rpm", "RHSA-"}, {"rpm", "RLSA-"},
      {"rpm", "ALSA-"},  {"golang", "GO-"}, {"pypi", "PYSEC-"}, {"cargo", "RUSTSEC-"},
  };
  for (const auto& [eco, prefix] : k_native) {
    if (eco == ecosystem && id.starts_with(prefix)) return 0;
  }
  if (id.starts_with("GHSA-")) return 1;
  if (id.starts_with("DSA-") || id.starts_with("DLA-") || id.starts_with("ALPINE-") || id.starts_with("UBUNTU-")) {
    return 2;
  }
  return 3;
}

// Details of every id the matched records' groups hold, read in batches.
struct GroupIndex {
  std::vector<std::string> matched;                // distinct matched record ids
  std::vector<std::vector<std::string>> members;   // members[i]: group of matched[i]
  std::vector<std::string> ids;                    // every member, distinct
  std::vector<std::optional<vulndb::Vulnerability>> vulns;  // vulns[i] for ids[i]

  const std::vector<std::string>& group_of(const std::string& id) const {
    return members[static_cast<size_t>(std::lower_bound(matched.begin(), matched.end(), id) - matched.begin())];
  }
  const vulndb::Vulnerability* vuln(const std::string& id) const {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) return nullptr;
    auto& v = vulns[static_cast<size_t>(it - ids.begin())];
    return v ? &*v : nullptr;
  }
};

Result<GroupIndex> read_groups(vulndb::Database& db, const std::vector<std::vector<PendingFinding>>& per_package) {
  GroupIndex g;
  g.matched = distinct(per_package, [](const Finding& f) { return f.vulnerability_id; });
  IG_ASSIGN(g.members, db.groups(g.matched));
  for (const auto& m : g.members) g.ids.insert(g.ids.end(), m.begin(), m.end());
  std::sort(g.ids.begin(), g.ids.end());
  g.ids.erase(std::unique(g.ids.begin(), g.ids.end()), g.ids.end());
  IG_ASSIGN(g.vulns, db.vulnerabilities(g.ids));
  return g;
}

// One finding from the records of one package that share an alias group
// (`bucket`, in vulnerability id order).
Finding merge_bucket(std::vector<PendingFinding*>& bucket, const GroupIndex& g) {
  const auto& members = g.group_of(bucket.front()->finding.vulnerability_id);
  // The record the status and fix come from: the most native feed, then the id.
  std::stable_sort(bucket.begin(), bucket.end(), [&](const PendingFinding* a, const PendingFinding* b) {
    return native_rank(a->finding.ecosystem, a->finding.vulnerability_id) <
           native_rank(b->finding.ecosystem, b->finding.vulnerability_id);
  });
  Finding f = bucket.front()->finding;
  f.fix_source = f.vulnerability_id;
  std::vector<std::string> distro_severities;
  std::vector<const vulndb::Vulnerability*> records;  // matched records first, then the other members
  std::set<std::string> all_ids(members.begin(), members.end());
  for (const auto* p : bucket) {
    if (!p->distro_severity.empty()) distro_severities.push_back(p->distro_severity);
    if (p != bucket.front() && (p->finding.status != f.status || p->finding.fixed_versions != f.fixed_versions)) {
      f.fix_disagreements.push_back({p->finding.vulnerability_id, p->finding.status, p->finding.fixed_versions});
    }
    if (const auto* v = g.vuln(p->finding.vulnerability_id)) records.push_back(v);
  }
  for (const auto& id : members) {
    const auto* v = g.vuln(id);
    if (v && std::find(records.begin(), records.end(), v) == records.end()) records.push_back(v);
  }
  for (const auto* v : records) {
    if (v->withdrawn.empty()) all_ids.insert(v->aliases.begin(), v->aliases.end());
  }
  // Shown id: the group's CVE, else its smallest GHSA, else the matched record's.
  auto best = std::min_element(members.begin(), members.end(), vulndb::preferred_id_less);
  if (best != members.end() && (best->starts_with("CVE-") || best->starts_with("GHSA-"))) {
    f.vulnerability_id = *best;
  } else {
    auto first = std::min_element(bucket.begin(), bucket.end(), [](const PendingFinding* a, const PendingFinding* b) {
      return a->finding.vulnerability_id < b->finding.vulnerability_id;
    });
    f.vulnerability_id = (*first)->finding.vulnerability_id;
  }
  all_ids.erase(f.vulnerability_id);
  f.aliases.assign(all_ids.begin(), all_ids.end());
  // Title and link: the shown id's record, else the first record that has one.
  if (const auto* shown = g.vuln(f.vulnerability_id)) {
    f.title = title_of(*shown);
    f.primary_url = shown->primary_url;
  }
  for (const auto* v : records) {
    if (f.title.empty()) f.title = title_of(*v);
    if (f.primary_url.empty()) f.primary_url = v->primary_url;
  }
  if (!f.fixed_versions.empty()) {
    // Finding::fix_date: the fix's own record, else the group's earliest publication.
    if (const auto* own = g.vuln(f.fix_source)) f.fix_date = !own->published.empty() ? own->published : own->modified;
    if (f.fix_date.empty()) {
      for (const auto* v : records) {
        if (!v->published.empty() && (f.fix_date.empty() || v->published < f.fix_date)) f.fix_date = v->published;
      }
    }
  }
  SeverityPick sev = pick_severity(f, distro_severities, records);
  f.severity = sev.severity;
  f.severity_source = sev.source;
  f.cvss_score = sev.score;
  f.cvss_vector = sev.vector;
  return f;
}

// Turns each package's matched records into one finding per alias group and
// fills aliases, title, severity and enrichment, reading the groups, the
// vulnerabilities and each CVE's enrichment once, in batches.
Result<void> add_details(vulndb::Database& db, std::vector<std::vector<PendingFinding>>& per_package) {
  IG_ASSIGN(auto groups, read_groups(db, per_package));
  for (auto& fs : per_package) {
    if (fs.empty()) continue;
    // Buckets keyed by the group's first member, in first-seen order (a
    // distro's kernel package can have thousands of records).
    std::vector<std::vector<PendingFinding*>> buckets;
    std::unordered_map<std::string_view, size_t> bucket_of;
    for (auto& p : fs) {
      std::string_view key = groups.group_of(p.finding.vulnerability_id).front();
      auto [it, added] = bucket_of.try_emplace(key, buckets.size());
      if (added) buckets.emplace_back();
      buckets[it->second].push_back(&p);
    }
    std::vector<PendingFinding> merged;
    merged.reserve(buckets.size());
    for (auto& bucket : buckets) merged.push_back({merge_bucket(bucket, groups), {}});
    fs = std::move(merged);
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
    if (!record_affects(rec, *installed, warnings)) continue;
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
