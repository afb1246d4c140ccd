// RPM packages: the rpm database in any of its three backends, found under
// var/lib/rpm, usr/lib/sysimage/rpm or usr/share/rpm:
//   rpmdb.sqlite (rpm >= 4.16: Fedora 33+, RHEL 9), table Packages(hnum, blob);
//   Packages     (Berkeley DB hash: RHEL/CentOS 7 and 8, Amazon Linux 2);
//   Packages.db  (ndb: SUSE).
// Each stores the same rpm header blob per package (rpm_header.h).
//
// Why not librpm: it cannot read all three formats here (Debian's librpm is
// built with sqlite and a read-only bdb only, no ndb), it reads from a
// database path on disk and may create lock files or rebuild indexes there,
// and it keeps global macro state that is not thread-safe, while analyzers
// run on several threads over untrusted layer content held in memory. So we
// parse the documented header format and the three containers ourselves,
// bounded and read-only; SQLite itself reads rpmdb.sqlite, deserialized from
// memory read-only, so no file is ever written.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory {

enum class RpmDbFormat { sqlite, bdb, ndb };

// The format from the file name ("rpmdb.sqlite", "Packages", "Packages.db").
std::optional<RpmDbFormat> rpmdb_format_for(std::string_view path);

// Every header blob in an rpmdb file held in memory. invalid_image naming the
// fault when the file is not a database of that format.
Result<std::vector<std::string>> read_rpmdb_blobs(std::string_view file, RpmDbFormat format);

// Every package in an rpmdb: headers that fail to parse are skipped with a
// warning; gpg-pubkey pseudo-packages (imported signing keys) are left out.
Result<std::vector<Package>> parse_rpmdb(std::string_view file, RpmDbFormat format);

// Analyzer "rpm": {"packages": [...]} per database file.
std::unique_ptr<image::Analyzer> make_rpm_analyzer();

}  // namespace ig::inventory
