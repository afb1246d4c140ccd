// The verdict predicate reader (`verify-attestation`, `check
// --reuse-attestation`): its JSON comes from a registry. Whatever it accepts
// must write back and read again to the same bytes; every refusal is an
// invalid_signature error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/attestation.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  auto p = ig::policy::parse_predicate(j);
  if (!p) {
    if (p.error().code != ig::ErrorCode::invalid_signature) std::abort();
    return 0;
  }
  std::string once = ig::policy::predicate_to_json(*p).dump();
  auto again = ig::policy::parse_predicate(nlohmann::json::parse(once));
  if (!again || ig::policy::predicate_to_json(*again).dump() != once) std::abort();
  ig::policy::AcceptRules rules;
  (void)ig::policy::accept_predicate(*again, rules);
  (void)ig::policy::report_of(*again);
  return 0;
}
