// VEX documents as waivers: OpenVEX (0.0.x and 0.2) and CycloneDX VEX
// statements that say a vulnerability does not affect a product
// (not_affected, fixed; CycloneDX not_affected, resolved, false_positive)
// become ignore rules for the gate, with the statement shown as the reason.
// Statements of other statuses (affected, under_investigation, exploitable,
// in_triage) suppress nothing.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "scan/gate.h"
#include "util/error.h"

namespace ig::policy {

// Parses a VEX document (the format is told by its content). A statement
// about products with package URLs waives the finding only for those
// packages (qualifiers optional, as in ignore files); a statement about the
// image as a whole (pkg:oci or a non-purl product without subcomponents)
// waives it for every package. usage error naming `name` for anything that
// is neither format, or a statement without a vulnerability or status.
Result<std::vector<scan::IgnoreRule>> parse_vex(std::string_view text, std::string_view name);
// Reads (at most 16 MiB) and parses `path`; not_found when it is missing.
Result<std::vector<scan::IgnoreRule>> load_vex(const std::filesystem::path& path);

}  // namespace ig::policy
