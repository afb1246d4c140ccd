#include "cli/output.h"

#include <cstdio>

#include "util/fs.h"
#include "util/log.h"

namespace ig::cli {

Result<void> write_output(const std::string& doc, const std::string& output) {
  if (output.empty() || output == "-") {
    if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0) {
      return fail(ErrorCode::io, "writing to standard output failed; is the pipe closed?");
    }
    return {};
  }
  IG_TRY(atomic_write_file(output, doc));
  log::info("wrote {}", output);
  return {};
}

}  // namespace ig::cli
