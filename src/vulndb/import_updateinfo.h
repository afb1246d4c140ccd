// rpm-md repository metadata's updateinfo.xml (plain or .gz), the format in
// which Amazon Linux publishes ALAS advisories and which Fedora, Oracle Linux
// and other rpm distributions share: <updates><update> with an <id>,
// <severity>, <issued>/<updated> dates, <references> (CVE ids) and a
// <pkglist> of packages (name, epoch, version, release, arch). Each CVE an
// update names becomes one vulnerability (the update id its alias) fixed in
// the listed binary packages at their epoch:version-release; an update that
// names no CVE stands for itself.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/import_osv.h"
#include "vulndb/model.h"

namespace ig::vulndb {

// Checks a --distro value, "NAME:RELEASE" ("amazonlinux:2023",
// "amazonlinux:2", "oracle:9"): lower-case letters, digits and dashes, then
// digits and dots. usage error with the expected form otherwise.
Result<std::string> parse_updateinfo_distro(std::string_view s);

// The release the advisory ids imply when every id agrees: ALAS2023-… →
// "amazonlinux:2023", ALAS2-… (and AL2's extras, ALAS2KERNEL-5.10-…) →
// "amazonlinux:2"; nullopt otherwise.
std::optional<std::string> updateinfo_distro_from_ids(const std::vector<std::string>& ids);

struct UpdateinfoDocument {
  std::vector<std::string> update_ids;
  std::vector<Advisory> advisories;  // distro_release left empty
};

// Parses an updateinfo document (streaming; no DTDs or external entities are
// read). invalid_image error naming the line for malformed XML or a root that
// is not <updates>; updates without an id or packages are skipped and counted.
Result<UpdateinfoDocument> parse_updateinfo(std::string_view xml, std::string_view name, int64_t* skipped);

// Imports `path` as the advisories of `distro` ("" → inferred from the ids;
// usage error asking for --distro when they do not say).
Result<ImportStats> import_updateinfo(ImportSession& session, const std::filesystem::path& path,
                                      std::string_view distro);

// A yum mirror.list: the first line that is an http(s):// or file:// URL, with
// trailing slashes removed; "" when there is none.
std::string mirror_list_first_url(std::string_view text);
// The href of `type`'s <data><location> in a repodata/repomd.xml
// ("repodata/…-updateinfo.xml.gz"); not_found when the repository has no
// such data, invalid_image when the XML is malformed or declares a DTD.
// The href must be relative and stay inside the repository.
Result<std::string> repomd_location(std::string_view xml, std::string_view type, std::string_view name);

}  // namespace ig::vulndb
