// The glue between the image layer's registry-credential hook and the AWS
// engine: ECR registries authenticate with GetAuthorizationToken.
#pragma once

#include <filesystem>

#include "image/credential_provider.h"

namespace ig::cli {

// A provider that serves ECR registry hosts (and only those) with tokens from
// GetAuthorizationToken, using the default AWS credential chain, cached under
// `token_dir`.
image::RegistryCredentialProvider ecr_credential_provider(std::filesystem::path token_dir);

}  // namespace ig::cli
