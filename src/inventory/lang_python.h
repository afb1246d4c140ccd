// Python cataloger: installed distributions from their core metadata
// (*.dist-info/METADATA, *.egg-info/PKG-INFO, plain *.egg-info files,
// EGG-INFO/PKG-INFO), an RFC 822-style header block.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// PEP 503 normalisation: lowercase, runs of '-', '_' and '.' become one '-'.
std::string pep503_normalize(std::string_view name);

// The distribution described by a metadata header block; empty when Name or
// Version is missing.
Result<std::vector<Package>> parse_python_metadata(std::string_view content, std::string_view path);

std::unique_ptr<image::Analyzer> make_python_analyzer();

}  // namespace ig::inventory::lang
