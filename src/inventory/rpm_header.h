// The rpm header blob: the per-package record every rpmdb backend stores
// (sqlite, Berkeley DB, NDB all hold the same blob). Layout, all big-endian:
//   int32 il (index entries), int32 dl (data bytes),
//   il x {int32 tag, uint32 type, int32 offset, uint32 count},
//   dl bytes of data that the entries point into.
// Region tags (HEADERIMMUTABLE and friends) describe the original package
// header inside the blob; we only need the tag values, so we read every entry
// and let a later entry for the same tag win, as rpm does for entries added
// after installation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory {

struct RpmHeader {
  std::string name, version, release, arch, source_rpm, license, vendor, modularity_label;
  std::optional<uint32_t> epoch;
  uint64_t size = 0;               // SIZE (or LONGSIZE): installed bytes
  std::vector<std::string> files;  // absolute paths, as rpm lists them
};

// Limits that keep a hostile database from making us allocate without end.
struct RpmHeaderLimits {
  uint32_t max_entries = 1u << 16;           // rpm itself refuses more tags
  uint32_t max_data = 256u << 20;            // rpm's own cap on header data
  // Bytes of expanded file paths this call may still produce; decremented.
  // When it runs out the header is still returned, without its file list.
  uint64_t* file_bytes_budget = nullptr;
};

// Parses one header blob. invalid_image naming the fault when the blob is
// truncated, an entry points outside the data, or a string is unterminated.
Result<RpmHeader> parse_rpm_header(std::string_view blob, const RpmHeaderLimits& limits = {});

// The Package for a header: ecosystem "rpm", version "[E:]V-R", source
// name/version from SOURCERPM ("openssl-3.0.7-16.el9.src.rpm" -> "openssl",
// "3.0.7-16.el9"), licenses {LICENSE}, maintainer VENDOR, files without the
// leading "/".
Package rpm_package(RpmHeader h);

// Splits "name-version-release.src.rpm" into name and "version-release".
// Returns false when it does not have that shape.
bool split_source_rpm(std::string_view srpm, std::string& name, std::string& version);

}  // namespace ig::inventory
