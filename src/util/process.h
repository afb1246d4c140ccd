// Runs a helper program (e.g. a docker-credential-* helper) with bytes on its
// standard input and collects its output. No shell is involved: argv[0] is looked
// up on PATH and the arguments are passed as they are.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig {

struct ProcessResult {
  int exit_code = -1;   // the program's exit status, or 128+signal when killed
  std::string out;      // standard output, at most ProcessOptions::max_output bytes
  std::string err;      // standard error, likewise bounded
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{30000};  // the program is killed after this
  size_t max_output = 1 << 20;               // per stream; more fails the run
};

// Runs argv[0] (searched on PATH) with `input` on stdin. Returns not_found when
// the program does not exist, and io errors when it cannot be started,
// times out, or writes more than max_output; a non-zero exit is not an error
// here (look at exit_code). The child's SIGPIPE disposition is reset to default.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                  const ProcessOptions& options = {});

}  // namespace ig
