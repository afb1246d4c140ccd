#include "cli/list_flags.h"

#include <sstream>

namespace ig::cli {

std::vector<std::string> split_commas(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    std::istringstream parts(s);
    for (std::string p; std::getline(parts, p, ',');) {
      if (!p.empty()) out.push_back(p);
    }
  }
  return out;
}

}  // namespace ig::cli
