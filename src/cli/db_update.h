// `imagegate db update`, registered under `db` by db.cpp.
#pragma once

#include "cli/command.h"

namespace ig::cli {

void register_db_update(CLI::App& db, GlobalOptions& global, Runner& run);

}  // namespace ig::cli
