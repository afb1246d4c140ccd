// `--format template --template FILE`: a small, safe subset of Go's
// text/template over the report data model (document.h, docs/templates.md),
// so that teams who keep Trivy templates find the same shapes.
//
// Supported: {{ pipeline }}, {{ if }} / {{ else if }} / {{ else }} / {{ end }},
// {{ range PIPELINE }} (optionally `$v :=` or `$i, $v :=`) with {{ else }},
// {{ with }}, {{ $x := pipeline }}, comments {{/* */}}, trim markers {{- -}},
// fields (.A.B, $x.A), "strings", numbers, true/false, ( ), `|` pipes, and
// the functions listed in template.cpp (escapeXML, toJson, len, eq, ...).
// No file, network or environment access; no user-defined templates or
// recursion, so every template ends. Errors name the line and column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ig::report {

struct TemplateNode;

// A parsed template; cheap to move, immutable after parsing.
class Template {
 public:
  // Parses `text`. Usage error "NAME:LINE:COL: what is wrong" on a syntax
  // error, an unknown function, an unclosed or stray block.
  static Result<Template> parse(std::string_view text, std::string_view name);

  // Runs the template over `data`. Usage error "NAME:LINE:COL: ..." when a
  // field does not exist, a function gets the wrong arguments, the output
  // passes `max_output` bytes or the run takes more than `max_steps` steps
  // (actions and loop turns: nested ranges over counts end in bounded time).
  Result<std::string> execute(const nlohmann::ordered_json& data, size_t max_output = k_default_max_output,
                              uint64_t max_steps = k_default_max_steps) const;

  static constexpr size_t k_default_max_output = size_t{1} << 30;
  static constexpr uint64_t k_default_max_steps = uint64_t{1} << 28;

  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

 private:
  Template() = default;
  std::string name_;
  std::unique_ptr<TemplateNode> root_;
};

}  // namespace ig::report
