// SPDX license identifiers and license expressions, as the SBOM writers need
// them: CycloneDX may only put a listed SPDX id in license.id, and SPDX wants
// licenseDeclared to be a valid expression. License strings come from package
// metadata inside images, so they are untrusted: parsing is bounded and never
// throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ig::report {

// The SPDX spelling of `id` when it is a listed SPDX license id (matched
// case-insensitively, deprecated ids included), else "".
std::string canonical_license_id(std::string_view id);

// The SPDX spelling of `id` when it is a listed SPDX license exception id, else "".
std::string canonical_exception_id(std::string_view id);

// Parses `text` as an SPDX license expression (SPDX 2.3 annex D: ids with an
// optional "+", LicenseRef-/DocumentRef- references, AND, OR, WITH and
// parentheses). Returns it respelled canonically (listed ids in SPDX case,
// upper-case operators, single spaces, only the parentheses that precedence
// needs), or nullopt when it is not a valid expression. Refuses inputs over
// 4096 bytes or nested deeper than 32 levels.
std::optional<std::string> normalize_license_expression(std::string_view text);

// True when a normalized expression combines licenses (has AND, OR or WITH),
// i.e. it cannot go into a CycloneDX license.id.
bool is_compound_license_expression(std::string_view normalized);

// `s` with every character outside [A-Za-z0-9.-] replaced by '-', the
// character set of SPDX ids (SPDXRef-..., LicenseRef-...). Never empty.
std::string spdx_idstring(std::string_view s);

}  // namespace ig::report
