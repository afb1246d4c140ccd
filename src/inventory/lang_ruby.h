// Ruby cataloger: installed gems from their specifications/*.gemspec files,
// which RubyGems writes as a Ruby DSL (`s.name = "rack".freeze`). Read as
// text, never evaluated.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// The gem a gemspec describes; empty when name or version is missing.
Result<std::vector<Package>> parse_gemspec(std::string_view content, std::string_view path);

std::unique_ptr<image::Analyzer> make_ruby_analyzer();

}  // namespace ig::inventory::lang
