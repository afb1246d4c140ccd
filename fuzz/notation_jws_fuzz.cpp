// Notation JWS envelopes come from registries: the parser and the signature
// check must cope with any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/notation_envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto e = ig::sign::notation::parse_jws(in);
  if (e) (void)ig::sign::notation::verify_envelope_signature(*e);
  (void)ig::sign::notation::parse_rfc3339(in);
  return 0;
}
