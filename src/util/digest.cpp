#include "util/digest.h"

#include <openssl/evp.h>

namespace ig {

Result<Digest> Digest::parse(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::usage, "digest '{}' has no algorithm: expected the form sha256:<64 hex digits>", s);
  }
  Digest d{std::string(s.substr(0, colon)), std::string(s.substr(colon + 1))};
  size_t want = 0;
  if (d.algorithm == "sha256") {
    want = 64;
  } else if (d.algorithm == "sha512") {
    want = 128;
  } else {
    return fail(ErrorCode::usage, "digest '{}' uses algorithm '{}', which is not supported: use sha256 or sha512", s,
                d.algorithm);
  }
  if (d.hex.size() != want) {
    return fail(ErrorCode::usage, "digest '{}' has {} hex digits where {} uses {}", s, d.hex.size(), d.algorithm, want);
  }
  for (char c : d.hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return fail(ErrorCode::usage, "digest '{}' contains '{}': only lowercase hex digits are allowed", s, c);
    }
  }
  return d;
}

Hasher::Hasher(std::string_view algorithm) : algorithm_(algorithm), ctx_(EVP_MD_CTX_new()) {
  const EVP_MD* md = algorithm_ == "sha512" ? EVP_sha512() : EVP_sha256();
  if (algorithm_ != "sha512") algorithm_ = "sha256";
  EVP_DigestInit_ex(ctx_, md, nullptr);
}

Hasher::~Hasher() {
  if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
}

Hasher::Hasher(Hasher&& o) noexcept : algorithm_(std::move(o.algorithm_)), ctx_(o.ctx_) { o.ctx_ = nullptr; }

Hasher& Hasher::operator=(Hasher&& o) noexcept {
  if (this != &o) {
    if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
    algorithm_ = std::move(o.algorithm_);
    ctx_ = o.ctx_;
    o.ctx_ = nullptr;
  }
  return *this;
}

void Hasher::update(const void* data, size_t n) { EVP_DigestUpdate(ctx_, data, n); }

std::string Hasher::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  return algorithm_ + ":" + to_hex({md, len});
}

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(k_digits[b >> 4]);
    out.push_back(k_digits[b & 0xf]);
  }
  return out;
}

std::string sha256_digest(std::string_view data) {
  Hasher h("sha256");
  h.update(data);
  return h.finish();
}

Result<void> verify_digest(std::string_view data, std::string_view expected, std::string_view what) {
  IG_ASSIGN(Digest want, Digest::parse(expected));
  Hasher h(want.algorithm);
  h.update(data);
  std::string got = h.finish();
  if (got != want.str()) {
    return fail(ErrorCode::integrity, "{} failed verification: expected digest {} but the content hashes to {}; the source is corrupt or was tampered with",
                what, want.str(), got);
  }
  return {};
}

}  // namespace ig
