// The vulnerability matcher: an inventory plus the vulnerability database give
// findings. OS packages are matched against their distro release's data only;
// language packages against their ecosystem's data. Pure lookup and version
// comparison: no filtering (that is the gate's job, see gate.h).
#pragma once

#include <string>
#include <vector>

#include "inventory/package.h"
#include "scan/finding.h"
#include "util/error.h"
#include "vulndb/database.h"

namespace ig::scan {

struct MatchOptions {
  // Language packages found inside files an OS package owns are matched
  // through the distro's data; matching them again would double-count.
  bool skip_os_owned = true;
};

struct MatchResult {
  std::vector<Finding> findings;  // sorted by package name, version, path, vulnerability id
  // Things the user should know, e.g. "no advisory data for debian 14 in the
  // database: its 80 deb packages were not checked". Sorted, no duplicates.
  std::vector<std::string> warnings;
};

// The key the vulnerability database files an OS release under ("debian:12",
// "ubuntu:22.04", "alpine:3.18", "rocky:9", "almalinux:9", "rhel:9"), or ""
// when imagegate has no advisory source for that OS.
std::string distro_release_key(const inventory::OsInfo& os);

// Matches every package of `inv`.
//
// Rules (docs/scan-json.md repeats them for users):
// - deb/apk/rpm packages use only the data of the image's exact release; when
//   the database holds nothing for that release a warning says so and those
//   packages are not matched (no silent fallback to another release).
//   Backported versions (~bpo, ~deb12u1) are compared as they are.
// - deb/apk/rpm advisories name the source package: we look up source_name
//   (falling back to name) and compare source_version (falling back to
//   version), as the distro's tracker does; a binNMU (+b1) shares its source's
//   fixes. The finding still reports the binary package and its version.
// - not_affected records give no finding; fixed records give a finding only
//   when the installed version is inside the affected range; affected,
//   will_not_fix, fix_deferred and end_of_life give a finding with that status.
// Errors: only database failures. An installed version the ecosystem cannot
// parse skips that package with a warning.
Result<MatchResult> match(const inventory::Inventory& inv, vulndb::Database& db, const MatchOptions& opts = {});

}  // namespace ig::scan
