// Registry endpoint mapping: send one registry host's traffic to another
// endpoint (a pull-through cache, a mirror, or in tests a local registry
// standing in for ECR), as containerd's hosts.toml and registries.conf do.
//
// Format (docs/registry-mirrors.md), one mapping per line, '#' comments:
//
//   REGISTRY  ENDPOINT  [ca=FILE] [insecure]
//   docker.io                                    https://mirror.internal:5000 ca=/etc/ssl/mirror.pem
//   123456789012.dkr.ecr.us-east-1.amazonaws.com http://127.0.0.1:5000
//
// REGISTRY is a host[:port] as written in image references (docker.io for
// Docker Hub); ENDPOINT is http:// or https:// with a host[:port] and no
// path. Credentials are still those of REGISTRY (the endpoint receives them).
// Sources: the file $IMAGEGATE_REGISTRY_CONFIG, else
// $XDG_CONFIG_HOME/imagegate/registries.conf, else
// ~/.config/imagegate/registries.conf; then $IMAGEGATE_REGISTRY_MIRRORS, whose
// entries (separated by ';' or newlines) win over the file's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::image {

struct RegistryEndpoint {
  std::string registry;  // host[:port] as in references
  std::string scheme;    // "https" or "http"
  std::string host;      // host[:port] to connect to
  std::string ca_file;   // extra CA certificates for this endpoint
  bool insecure = false; // no TLS verification for this endpoint
};

// Parses mapping lines (separated by newlines or ';'). `origin` names the
// file or variable in messages. usage errors name the entry and the fix.
Result<std::vector<RegistryEndpoint>> parse_registry_endpoints(std::string_view text, std::string_view origin);

// Reads the file and the environment variable described above; later
// entries for the same registry replace earlier ones. A missing default file
// is no mapping; a missing IMAGEGATE_REGISTRY_CONFIG file is a usage error.
Result<std::vector<RegistryEndpoint>> load_registry_endpoints();

// The mapping for `registry`, or null.
const RegistryEndpoint* find_registry_endpoint(const std::vector<RegistryEndpoint>& endpoints,
                                               std::string_view registry);

}  // namespace ig::image
