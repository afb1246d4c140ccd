// Flags that take a list: `--severity CRITICAL,HIGH` and repeated
// `--severity CRITICAL --severity HIGH` mean the same, as in Trivy.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

// Every comma-separated piece of every value, in order, empty pieces dropped.
std::vector<std::string> split_commas(const std::vector<std::string>& in);

}  // namespace ig::cli
