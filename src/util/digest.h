// Content digests: parsing "sha256:<hex>" strings and hashing streams.
//
// Every blob, manifest and layer we read is checked against its digest while it
// streams. This is the one home of SHA-256 in the code base.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig {

// A validated digest: algorithm "sha256" or "sha512" with lowercase hex of the
// right length.
struct Digest {
  std::string algorithm;
  std::string hex;

  std::string str() const { return algorithm + ":" + hex; }
  bool operator==(const Digest&) const = default;

  // Returns usage error naming the problem when `s` is not a valid digest.
  static Result<Digest> parse(std::string_view s);
};

// Incremental hasher for sha256 or sha512.
class Hasher {
 public:
  explicit Hasher(std::string_view algorithm = "sha256");
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(const void* data, size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Returns "algorithm:hex". The hasher cannot be updated afterwards.
  std::string finish();
  const std::string& algorithm() const { return algorithm_; }

 private:
  std::string algorithm_;
  EVP_MD_CTX* ctx_ = nullptr;
};

std::string sha256_digest(std::string_view data);  // "sha256:<hex>"
std::string to_hex(std::span<const unsigned char> bytes);

// Checks `data` against `expected` ("sha256:..."); integrity error naming `what`.
Result<void> verify_digest(std::string_view data, std::string_view expected, std::string_view what);

}  // namespace ig
