// Shared by the language cataloger fuzzers: a FileReader over the fuzz input,
// and a runner that feeds it to an analyzer and touches every result.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "bytes_stream.h"
#include "image/analyzer.h"

namespace ig::fuzz {

// Odd chunk sizes exercise the streaming parsers' refill paths.
using BytesReader = BytesStream<image::FileReader>;

inline void run_analyzer(const image::Analyzer& a, const char* path, const uint8_t* data, size_t size) {
  image::FileMeta meta;
  meta.path = path;
  meta.size = size;
  BytesReader r(data, size, 1021);
  auto res = a.analyze(meta, r);
  if (res && !res->is_null()) (void)res->dump();
}

}  // namespace ig::fuzz
