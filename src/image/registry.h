// The registry source: images pulled over the OCI distribution API.
#pragma once

#include <filesystem>
#include <memory>

#include "image/resolve.h"

namespace ig::image {

Result<std::shared_ptr<Source>> make_registry_source(const Reference& ref, const RegistryOptions& options,
                                                     const std::filesystem::path& cache_dir, bool use_cache);

}  // namespace ig::image
