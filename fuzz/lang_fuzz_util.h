// Shared by the language cataloger fuzzers: a FileReader over the fuzz input,
// and a runner that feeds it to an analyzer and touches every result.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "image/analyzer.h"

namespace ig::fuzz {

class BytesReader final : public image::FileReader {
 public:
  BytesReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    // Odd chunk sizes exercise the streaming parsers' refill paths.
    size_t n = std::min({buf.size(), size_ - pos_, size_t{1021}});
    std::memcpy(buf.data(), data_ + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

inline void run_analyzer(const image::Analyzer& a, const char* path, const uint8_t* data, size_t size) {
  image::FileMeta meta;
  meta.path = path;
  meta.size = size;
  BytesReader r(data, size);
  auto res = a.analyze(meta, r);
  if (res && !res->is_null()) (void)res->dump();
}

}  // namespace ig::fuzz
