// Which operating system an image is, from the files distributions ship for
// that purpose: etc/os-release (or usr/lib/os-release), and the older
// etc/alpine-release, etc/debian_version and etc/redhat-release. An OS that
// none of them names is reported as unknown: a wrong guess would make the
// vulnerability matcher use the wrong advisories, which is worse than none.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "image/analyzer.h"
#include "inventory/package.h"

namespace ig::inventory {

// Parses os-release(5): KEY=value lines, values optionally in single or double
// quotes with backslash escapes; comments and malformed lines are skipped.
std::map<std::string, std::string> parse_os_release_fields(std::string_view text);

// Each returns an OsInfo with an empty id when the text names no OS it knows.
OsInfo os_from_os_release(std::string_view text);
OsInfo os_from_alpine_release(std::string_view text);   // "3.18.4"
OsInfo os_from_debian_version(std::string_view text);   // "12.4", "trixie/sid"
OsInfo os_from_redhat_release(std::string_view text);   // "Red Hat Enterprise Linux release 9.2 (Plow)"

// Picks the file by its image path (etc/os-release, usr/lib/os-release,
// etc/alpine-release, etc/debian_version, etc/*-release) and parses it.
OsInfo os_from_file(std::string_view path, std::string_view text);

// Analyzer "os-release": result {"os": OsInfo} for each of the files above.
std::unique_ptr<image::Analyzer> make_os_release_analyzer();

// The OS of an analysed image: os-release (following the etc/os-release
// symlink within the image) wins, then usr/lib/os-release, then the
// distribution-specific files. Marks distroless images: os-release
// PRETTY_NAME "Distroless", or dpkg status.d entries and no OS file at all.
OsInfo detect_os(const image::ImageAnalysis& analysis);

}  // namespace ig::inventory
