// npm catalogers: installed packages (node_modules/**/package.json) and, for
// projects shipped without node_modules, package-lock.json (v1 to v3).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// One installed package from its package.json. An empty result when the file
// has no name or version (not a package, e.g. a test fixture). invalid_image
// when the JSON does not parse.
Result<std::vector<Package>> parse_npm_package_json(std::string_view content, std::string_view path);

// Every package a package-lock.json (lockfileVersion 1, 2 or 3) pins, except
// the project itself and workspace links. Packages carry extra.lockfile = true
// so that drop_npm_lock_packages_shadowed_by_node_modules can prefer installed
// evidence.
Result<std::vector<Package>> parse_npm_lock(std::string_view content, std::string_view path);

// Removes lockfile packages whose lockfile sits beside a node_modules folder
// that evidenced installed packages: the installed tree is the truth then.
void drop_npm_lock_packages_shadowed_by_node_modules(std::vector<Package>& pkgs);

std::unique_ptr<image::Analyzer> make_npm_package_analyzer();
std::unique_ptr<image::Analyzer> make_npm_lock_analyzer();

}  // namespace ig::inventory::lang
