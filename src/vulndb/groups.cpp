#include "vulndb/groups.h"

#include <algorithm>
#include <unordered_map>

#include "vulndb/sqlite.h"

namespace ig::vulndb {

namespace {

bool is_cve(std::string_view id) { return id.starts_with("CVE-"); }

int id_rank(std::string_view id) {
  if (is_cve(id)) return 0;
  if (id.starts_with("GHSA-")) return 1;
  return 2;
}

// Union-find over interned ids, remembering the one CVE each set may hold.
class Components {
 public:
  int intern(const std::string& id) {
    auto [it, added] = index_.try_emplace(id, static_cast<int>(names_.size()));
    if (added) {
      names_.push_back(&it->first);
      parent_.push_back(it->second);
      cve_.push_back(is_cve(id) ? it->second : -1);
    }
    return it->second;
  }
  int find(int x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // Joins the sets of a and b unless each already holds a different CVE.
  void join(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (cve_[a] >= 0 && cve_[b] >= 0 && cve_[a] != cve_[b]) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    if (cve_[a] < 0) cve_[a] = cve_[b];
  }
  size_t size() const { return names_.size(); }
  const std::string& name(int i) const { return *names_[i]; }

 private:
  std::unordered_map<std::string, int> index_;
  std::vector<const std::string*> names_;
  std::vector<int> parent_, cve_;
};

}  // namespace

bool preferred_id_less(std::string_view a, std::string_view b) {
  int ra = id_rank(a), rb = id_rank(b);
  return ra != rb ? ra < rb : a < b;
}

std::vector<std::pair<std::string, std::string>> compute_alias_groups(std::vector<AliasLink> links) {
  auto by_pair = [](const AliasLink& a, const AliasLink& b) {
    return a.id != b.id ? a.id < b.id : a.alias < b.alias;
  };
  std::sort(links.begin(), links.end(), by_pair);
  links.erase(std::unique(links.begin(), links.end(),
                          [](const AliasLink& a, const AliasLink& b) { return a.id == b.id && a.alias == b.alias; }),
              links.end());
  // A record naming several CVEs is an umbrella: drop its CVE links. Links
  // are sorted by record, so each record's links are one run.
  std::vector<const AliasLink*> cve_links, other_links;
  for (size_t i = 0; i < links.size();) {
    size_t j = i;
    int cves = is_cve(links[i].id) ? 1 : 0;
    for (; j < links.size() && links[j].id == links[i].id; ++j) cves += is_cve(links[j].alias) ? 1 : 0;
    for (size_t k = i; k < j; ++k) {
      if (links[k].id == links[k].alias) continue;
      bool cve_link = is_cve(links[k].alias) || is_cve(links[k].id);
      if (!cve_link) {
        other_links.push_back(&links[k]);
      } else if (cves <= 1 || (cves == 2 && is_cve(links[k].id))) {
        // A CVE record naming one other CVE still joins nothing: join() refuses.
        cve_links.push_back(&links[k]);
      }
    }
    i = j;
  }
  // CVE links first: a record's own CVE anchors its group before links
  // between other ids could pull it towards another CVE.
  Components c;
  for (const auto* group : {&cve_links, &other_links}) {
    for (const auto* l : *group) c.join(c.intern(l->id), c.intern(l->alias));
  }
  // Members per root, then the preferred id of each root.
  std::vector<int> best(c.size(), -1), members(c.size(), 0);
  for (int i = 0; i < static_cast<int>(c.size()); ++i) {
    int r = c.find(i);
    ++members[r];
    if (best[r] < 0 || preferred_id_less(c.name(i), c.name(best[r]))) best[r] = i;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < static_cast<int>(c.size()); ++i) {
    int r = c.find(i);
    if (members[r] > 1) out.emplace_back(c.name(i), c.name(best[r]));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<void> rebuild_alias_groups(Connection& c) {
  std::vector<AliasLink> links;
  {
    IG_ASSIGN(auto st, c.prepare("SELECT a.vuln_id, a.alias FROM aliases a JOIN vulnerabilities v ON v.id = "
                                 "a.vuln_id WHERE v.withdrawn = ''"));
    while (true) {
      IG_ASSIGN(bool row, st.step());
      if (!row) break;
      links.push_back({std::string(st.text(0)), std::string(st.text(1))});
    }
  }
  auto groups = compute_alias_groups(std::move(links));
  IG_TRY(c.exec("DELETE FROM vuln_groups"));
  IG_ASSIGN(auto ins, c.prepare("INSERT INTO vuln_groups(id, group_id) VALUES(?, ?)"));
  for (const auto& [id, group] : groups) {
    ins.bind_static(1, id);
    ins.bind_static(2, group);
    IG_TRY(ins.run());
  }
  return {};
}

}  // namespace ig::vulndb
