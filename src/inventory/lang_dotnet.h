// .NET cataloger: NuGet packages an application was built against, from its
// <app>.deps.json ("libraries" entries of type "package", keyed "Name/Version").
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

Result<std::vector<Package>> parse_deps_json(std::string_view content, std::string_view path);

std::unique_ptr<image::Analyzer> make_dotnet_analyzer();

}  // namespace ig::inventory::lang
