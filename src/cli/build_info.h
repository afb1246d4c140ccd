// What this binary is: version, commit, build date, the database schema it
// reads and the libraries it runs with. Printed by `imagegate version` and
// used as the date of the generated man pages.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

struct LibraryVersion {
  std::string name;
  std::string version;  // "" when the library cannot be loaded (libcurl)
  std::string origin;   // "runtime" (asked the loaded library) or "build" (headers it was compiled with)
};

struct BuildInfo {
  std::string version;     // CMake's project version
  std::string commit;      // 12 hex digits, or "unknown" outside git
  std::string build_date;  // UTC ISO 8601: SOURCE_DATE_EPOCH, else the commit's date
  long long build_epoch = 0;
  int database_schema = 0;  // the vulnerability database schema version it reads and writes
  std::string compiler;
};

// Cheap: constants only (main.cpp builds --version from it at every start).
BuildInfo build_info();

// Asks each library; loads libcurl, which the binary otherwise opens only on
// its first network call.
std::vector<LibraryVersion> library_versions();

}  // namespace ig::cli
