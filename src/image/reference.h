// Image references in the docker/distribution grammar:
//   [registry[:port]/]repository[:tag][@algorithm:hex]
// with Docker Hub defaults ("nginx" is docker.io/library/nginx:latest).
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::image {

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "[::1]:5000"
  std::string repository;  // "library/nginx"
  std::string tag;         // empty when only a digest was given
  std::string digest;      // "sha256:…" or empty

  // Parses `s`. On failure the usage error names the part that is wrong
  // (registry, repository path component, tag or digest) and why.
  static Result<Reference> parse(std::string_view s);

  // registry/repository[:tag][@digest], fully qualified.
  std::string str() const;
  // registry/repository
  std::string name() const;
  // The tag or digest to ask the registry for: digest wins over tag, and
  // "latest" is used when neither was given.
  std::string manifest_ref() const;
  // The host that serves the API: Docker Hub's "docker.io" is served by
  // "registry-1.docker.io".
  std::string api_host() const;
  // True for localhost, 127.0.0.0/8 and ::1, where plain HTTP is allowed.
  bool is_loopback() const;
};

}  // namespace ig::image
