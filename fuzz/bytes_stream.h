// The fuzz input as a stream: a ByteStream (layer blobs) or a FileReader (one
// file of a layer), handing out at most `step` bytes per read so that odd
// chunk sizes exercise the parsers' refill paths.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "util/error.h"

namespace ig::fuzz {

template <class Base>
class BytesStream final : public Base {
 public:
  BytesStream(const uint8_t* data, size_t size, size_t step = SIZE_MAX) : data_(data), size_(size), step_(step) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min({buf.size(), size_ - pos_, step_});
    if (n > 0) std::memcpy(buf.data(), data_ + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t step_;
  size_t pos_ = 0;
};

}  // namespace ig::fuzz
