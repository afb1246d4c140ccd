// trustpolicy.json and distinguished names are user input; neither parser may
// crash, and policy selection must work on whatever parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/notation_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto doc = ig::sign::notation::parse_trust_policy(in);
  if (doc) (void)ig::sign::notation::select_policy(*doc, "registry.example/team/app");
  auto dn = ig::sign::notation::parse_dn(in);
  if (dn) (void)ig::sign::notation::dn_matches(*dn, *dn);
  return 0;
}
