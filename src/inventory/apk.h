// Alpine packages (apk): the installed database, lib/apk/db/installed (or
// usr/lib/apk/db/installed on newer apk-tools). Records are separated by blank
// lines; each line is "<letter>:<value>" (P name, V version, A arch, o origin,
// L license, m maintainer, I installed size, F directory, R file in it).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"

namespace ig::inventory {

// Parses the installed database. Fills ecosystem "apk", name, version, arch,
// licenses (the L: expression as one entry), maintainer, installed_size,
// source_name (origin, else the name), source_version (= version) and files
// (each R: joined to the F: before it). Records without P: or V: are skipped;
// never fails.
std::vector<Package> parse_apk_installed(std::string_view text);

// Analyzer "apk": {"packages": [...]}.
std::unique_ptr<image::Analyzer> make_apk_analyzer();

}  // namespace ig::inventory
