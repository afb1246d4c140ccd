#include "scan/finding.h"

#include <cctype>

namespace ig::scan {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::critical: return "CRITICAL";
    case Severity::high: return "HIGH";
    case Severity::medium: return "MEDIUM";
    case Severity::low: return "LOW";
    case Severity::unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::optional<Severity> parse_severity(std::string_view s) {
  std::string up;
  for (char c : s) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (Severity v : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::unknown}) {
    if (up == severity_name(v)) return v;
  }
  return std::nullopt;
}

Severity severity_from_rating(std::string_view rating) {
  if (rating == "Critical") return Severity::critical;
  if (rating == "High") return Severity::high;
  if (rating == "Medium") return Severity::medium;
  if (rating == "Low") return Severity::low;
  return Severity::unknown;
}

}  // namespace ig::scan
