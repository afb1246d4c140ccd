// Fuzzes every ecosystem's version parser and comparator and the range
// parsers with untrusted text: the first byte picks the ecosystem, the rest
// is split at the first newline into two strings (two versions, or a
// version and a range). Checks that compare() is antisymmetric.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "version/version.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ig::version;
  if (size < 1) return 0;
  constexpr Ecosystem k_all[] = {Ecosystem::deb,    Ecosystem::apk,   Ecosystem::rpm, Ecosystem::semver,
                                 Ecosystem::npm,    Ecosystem::pypi,  Ecosystem::golang, Ecosystem::maven,
                                 Ecosystem::gem,    Ecosystem::nuget, Ecosystem::composer};
  Ecosystem eco = k_all[data[0] % (sizeof(k_all) / sizeof(k_all[0]))];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nl = rest.find('\n');
  std::string_view a = rest.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  auto va = Version::parse(eco, a);
  auto vb = Version::parse(eco, b);
  if (va && vb) {
    int ab = va->compare(*vb), ba = vb->compare(*va);
    if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();
    if (va->compare(*va) != 0) std::abort();
  }
  auto range = Constraint::parse(eco, b);
  if (range && va) (void)range->contains(*va);
  return 0;
}
