// Cosign payloads from registries: simple-signing JSON, DSSE envelopes,
// in-toto statements, and whole bundles through the key-based checker.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/cosign.h"
#include "sign/dsse.h"
#include "sign/simple_signing.h"

namespace {

const ig::sign::PublicKey& test_key() {
  static const ig::sign::PublicKey key = [] {
    auto k = ig::sign::PrivateKey::generate_p256();
    return k->public_key();
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)ig::sign::parse_simple_signing(in);
  (void)ig::sign::parse_dsse(in);
  (void)ig::sign::parse_statement(in);
  ig::sign::KeyVerifyOptions opts;
  opts.required_annotations["a"] = "b";
  auto r = ig::sign::check_bundle_signature(in, "sha256:" + std::string(64, 'a'), test_key(), opts);
  if (r.verified) __builtin_trap();  // nobody can forge a signature by this key
  (void)ig::sign::check_legacy_signature(in, "MEUCIQ==", "sha256:" + std::string(64, 'a'), test_key(), opts);
  return 0;
}
