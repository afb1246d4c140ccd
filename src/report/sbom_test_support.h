// Hand-built inputs for the SBOM writer tests: a small Debian image with the
// same packages as the bundled example image.
#pragma once

#include "report/sbom_input.h"

namespace ig::report::testing {

inline inventory::Package deb(std::string name, std::string version, std::string source, std::string license) {
  inventory::Package p;
  p.ecosystem = "deb";
  p.name = name;
  p.version = version;
  p.purl = "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12";
  p.source_name = std::move(source);
  p.arch = "amd64";
  if (!license.empty()) p.licenses = {std::move(license)};
  p.locations = {"var/lib/dpkg/status"};
  p.layer_diff_id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  p.maintainer = "Someone <someone@example.org>";
  return p;
}

inline SbomInput example_input() {
  SbomInput in;
  in.image.name = "docker.io/library/example:1.0";
  in.image.source = "registry";
  in.image.repository = "docker.io/library/example";
  in.image.tag = "1.0";
  in.image.digest = "sha256:abababababababababababababababababababababababababababababababab";
  in.image.platform = "linux/amd64";
  in.image.created = "2026-01-01T00:00:00Z";
  in.tool_version = "0.1.0";
  in.inventory.os = {"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "", false};
  in.inventory.packages.push_back(deb("zlib1g", "1:1.2.13.dfsg-1", "zlib", "Zlib"));
  in.inventory.packages.push_back(deb("bash", "5.2.15-2+b2", "", "GPL-3.0-or-later"));
  in.inventory.packages.push_back(deb("libssl3", "3.0.11-1~deb12u2", "openssl", "Apache-2.0 OR MIT"));
  inventory::Package npm;
  npm.ecosystem = "npm";
  npm.name = "left-pad";
  npm.version = "1.3.0";
  npm.purl = "pkg:npm/left-pad@1.3.0";
  npm.licenses = {"WTFPL"};
  npm.locations = {"usr/lib/node_modules/left-pad/package.json"};
  npm.layer_diff_id = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  in.inventory.packages.push_back(npm);
  return in;
}

}  // namespace ig::report::testing
