// Package URLs (purl): the one identifier our SBOMs and vulnerability matches
// share with other tools. Built per the purl specification
// (pkg:type/namespace/name@version?qualifiers#subpath): every component is
// percent-encoded except the unreserved characters A-Z a-z 0-9 . - _ ~ and ':',
// qualifiers are emitted sorted by key, and qualifiers with empty values are
// dropped. OS packages carry arch/distro (and epoch, upstream) qualifiers in the
// shape Syft and Trivy emit, so SBOMs from either tool compare equal.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/package.h"

namespace ig::inventory {

struct Purl {
  std::string type;       // lowercase: "deb", "npm", ...
  std::string ns;         // "debian", "@scope", "github.com/x"; '/' separates segments
  std::string name;
  std::string version;
  std::vector<std::pair<std::string, std::string>> qualifiers;  // any order
  std::string subpath;

  // The canonical string form.
  std::string str() const;
};

// Percent-encodes everything but A-Z a-z 0-9 . - _ ~ and ':'.
std::string purl_encode(std::string_view s);

// The purl "distro" qualifier value for `os`: "debian-12", "ubuntu-22.04",
// "rhel-9.2"; Alpine uses the bare VERSION_ID ("3.18.4") as Trivy does.
// Empty when the OS is unknown.
std::string purl_distro(const OsInfo& os);

// The purl namespace for an OS package of `ecosystem` on `os`: the os-release
// ID ("debian", "alpine"), with "rhel" spelled "redhat" as the purl types list
// does. Empty when the OS is unknown (we never guess a vendor).
std::string purl_os_namespace(const OsInfo& os);

// The purl for `p`, from its ecosystem, name, version and (OS packages) arch,
// source and `os`. The name is split type-specifically: npm "@scope/n",
// golang "github.com/x/y", maven "group:artifact", composer "vendor/name".
// rpm versions "E:V-R" put E in the epoch qualifier; PyPI names are
// normalised (lowercase, '_' to '-'). Returns "" for an unknown ecosystem.
std::string package_purl(const Package& p, const OsInfo& os = {});

}  // namespace ig::inventory
