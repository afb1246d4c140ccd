// A hook for registry credentials that come from outside the image layer,
// such as Amazon ECR's GetAuthorizationToken: the CLI installs a provider in
// RegistryOptions, so this layer never depends on a cloud SDK.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::image {

struct ProvidedCredentials {
  std::string username;
  std::string password;
  std::string origin;  // for messages: "Amazon ECR GetAuthorizationToken (cached)"
};

// Returns std::nullopt when the provider does not serve `registry` (a
// host[:port] as in references), credentials when it does, or an error that
// stops the pull (its message names the cause and the fix). `refresh` is true
// after the registry refused the previous credentials: the provider must not
// answer from a cache then.
using RegistryCredentialProvider =
    std::function<Result<std::optional<ProvidedCredentials>>(std::string_view registry, bool refresh)>;

}  // namespace ig::image
