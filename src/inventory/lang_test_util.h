// Test helpers for the language catalogers: a FileReader over a string (read
// in small, uneven chunks so that streaming code paths are exercised), running
// an analyzer on content, and reading real files and command output.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"

namespace ig::inventory::lang::testing {

class StringReader final : public image::FileReader {
 public:
  explicit StringReader(std::string data, size_t chunk = 4093) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min({buf.size(), data_.size() - pos_, chunk_});
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t chunk_;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string fixture(const std::string& rel) {
  return slurp(std::filesystem::path(IG_SOURCE_DIR) / "tests/fixtures/lang" / rel);
}

// Standard output of a shell command ("" when it fails to start).
inline std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  pclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Runs `a` on `content` as the file `path`; the packages it reports.
inline std::vector<Package> analyze(const image::Analyzer& a, const std::string& path, std::string content,
                                    size_t chunk = 4093) {
  image::FileMeta meta;
  meta.path = path;
  meta.size = content.size();
  StringReader r(std::move(content), chunk);
  auto res = a.analyze(meta, r);
  EXPECT_TRUE(res.has_value()) << (res ? "" : res.error().message);
  std::vector<Package> out;
  if (!res || res->is_null()) return out;
  for (const auto& j : res->at("packages")) out.push_back(j.get<Package>());
  return out;
}

inline const Package* find(const std::vector<Package>& pkgs, const std::string& name) {
  for (const auto& p : pkgs) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace ig::inventory::lang::testing
