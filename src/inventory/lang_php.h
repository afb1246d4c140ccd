// PHP cataloger: Composer's record of installed packages,
// vendor/composer/installed.json (v1: an array; v2: {"packages": [...]}).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

Result<std::vector<Package>> parse_composer_installed(std::string_view content, std::string_view path);

std::unique_ptr<image::Analyzer> make_php_analyzer();

}  // namespace ig::inventory::lang
