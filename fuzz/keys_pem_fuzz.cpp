// Key files and public keys are user input; neither parser may crash on them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)ig::sign::PublicKey::from_pem(in);
  (void)ig::sign::PublicKey::from_der(in);
  (void)ig::sign::PrivateKey::from_pem(in, "pw");
  return 0;
}
