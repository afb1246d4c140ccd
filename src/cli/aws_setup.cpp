#include "cli/aws_setup.h"

#include <memory>
#include <mutex>

#include "aws/credentials.h"
#include "aws/ecr_auth.h"
#include "util/log.h"

namespace ig::cli {

image::RegistryCredentialProvider ecr_credential_provider(std::filesystem::path token_dir) {
  struct State {
    std::mutex mutex;
    std::shared_ptr<aws::CredentialSource> creds;  // resolved on the first ECR registry only
  };
  auto state = std::make_shared<State>();
  auto cache = std::make_shared<aws::EcrTokenCache>(std::move(token_dir));
  return [state, cache](std::string_view registry,
                        bool refresh) -> Result<std::optional<image::ProvidedCredentials>> {
    auto ecr = aws::parse_ecr_host(registry);
    if (!ecr) return std::nullopt;
    std::shared_ptr<aws::CredentialSource> creds;
    {
      std::lock_guard lock(state->mutex);
      if (!state->creds) state->creds = aws::default_credentials();
      creds = state->creds;
    }
    IG_ASSIGN(aws::EcrCredentials c, aws::ecr_registry_credentials(*ecr, creds, *cache, refresh));
    log::debug("{}: registry credentials from {}", registry, c.origin);
    return image::ProvidedCredentials{c.token.username, c.token.password, c.origin};
  };
}

}  // namespace ig::cli
