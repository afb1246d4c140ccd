// Alias groups: the ids that name one vulnerability. Feeds describe the same
// flaw several times (GO-2024-1 → GHSA-x → CVE-2024-1; PYSEC → GHSA → CVE;
// DSA/DLA, ALPINE-, UBUNTU- → CVE), each record listing some of the others as
// aliases. The groups are the connected components of those alias links,
// computed once after an import and stored in vuln_groups, so the matcher
// reads them with one indexed lookup per id.
//
// Rules (docs/scan-json.md repeats them for users):
// - A withdrawn record links nothing (its ids may still be linked by others).
// - A group holds at most one CVE: a record that lists several CVEs (a DSA
//   fixing ten of them) is an umbrella, not a synonym, so its CVE links are
//   ignored, and a link that would join two CVEs' groups is refused.
// - The group id is the preferred id: its CVE, else its smallest GHSA id, else
//   its smallest id.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ig::vulndb {

class Connection;

struct AliasLink {
  std::string id;     // the record's id
  std::string alias;  // an id that record names as an alias
};

// (id, group id) for every id in a group of two or more, sorted by id.
// Deterministic whatever the order of `links`.
std::vector<std::pair<std::string, std::string>> compute_alias_groups(std::vector<AliasLink> links);

// The order users see ids in: CVE, then GHSA, then anything else; byte order
// within each. True when `a` is preferred to `b`.
bool preferred_id_less(std::string_view a, std::string_view b);

// Replaces vuln_groups with the groups of the aliases of every record not
// withdrawn. Runs inside the caller's write transaction.
Result<void> rebuild_alias_groups(Connection& c);

}  // namespace ig::vulndb
