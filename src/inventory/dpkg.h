// Debian packages (dpkg): the status database, distroless status.d stanzas and
// the per-package file lists, so that every file in an image can be traced to
// the package that installed it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"

namespace ig::inventory {

// Parses a dpkg status file (deb822 stanzas separated by blank lines).
// Keeps packages whose Status says "installed" (the third word; "install ok
// installed" and held ones alike). With `status_required` false (a distroless
// status.d file, which holds a package's control stanza without Status), a
// stanza without Status counts as installed. Fills ecosystem "deb", name,
// version, arch, maintainer, installed_size (bytes; dpkg stores KiB) and
// source_name/source_version from "Source: name (version)" (a Source without
// version has the package's version; no Source means the package is its own
// source). Never fails: malformed stanzas are skipped.
std::vector<Package> parse_dpkg_status(std::string_view text, bool status_required = true);

// Parses var/lib/dpkg/info/<pkg>[:<arch>].list: one absolute path per line.
// Returns image paths (no leading "/"), without the root entry "/.".
std::vector<std::string> parse_dpkg_file_list(std::string_view text);

// Parses an md5sums file ("<md5>  <path>" per line) into image paths.
std::vector<std::string> parse_dpkg_md5sums(std::string_view text);

// Analyzer "dpkg": var/lib/dpkg/status -> {"packages": [...]};
// var/lib/dpkg/status.d/<pkg> -> {"packages": [...]};
// var/lib/dpkg/status.d/<pkg>.md5sums -> {"package": name, "files": [...]}.
std::unique_ptr<image::Analyzer> make_dpkg_analyzer();

// Analyzer "dpkg-files": var/lib/dpkg/info/<pkg>[:<arch>].list ->
// {"package": name, "arch": arch or "", "files": [...]}.
std::unique_ptr<image::Analyzer> make_dpkg_files_analyzer();

}  // namespace ig::inventory
