// The language package catalogers, for the analyzer registry (analyzers.cpp)
// and the catalog step (catalog.cpp).
#pragma once

#include <memory>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"

namespace ig::inventory {

// npm, npm-lock, python, golang, java, cargo-lock, rust-binary, gemspec,
// composer, dotnet-deps. Each returns {"packages": [<Package JSON>...]} or null.
std::vector<std::unique_ptr<image::Analyzer>> language_analyzers();

// Cross-file rules that no single analyzer can apply, run once on the merged
// package list: package-lock.json packages are dropped when node_modules
// beside that lockfile evidenced installed packages.
void finalize_language_packages(std::vector<Package>& pkgs);

}  // namespace ig::inventory
