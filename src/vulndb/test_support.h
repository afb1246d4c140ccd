// Helpers shared by the vulndb unit tests: a temporary directory removed at
// the end of the test and the path of the checked-in fixture advisories.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ig::vulndb::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ig-vulndb-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path fixtures() {
  return std::filesystem::path(IG_SOURCE_DIR) / "tests" / "fixtures" / "advisories";
}

}  // namespace ig::vulndb::testing
