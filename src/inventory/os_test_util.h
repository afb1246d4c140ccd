// Helpers shared by the OS inventory tests: an in-memory FileReader and a
// shell-command runner for comparing against the real dpkg and rpm tools.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>

#include "image/analyzer.h"

namespace ig::inventory::testing {

class StringReader final : public image::FileReader {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min(buf.size(), data_.size() - pos_);
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Runs `cmd` with /bin/sh and returns its standard output ("" on failure).
inline std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

}  // namespace ig::inventory::testing
