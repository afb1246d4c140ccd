// Fuzzes every ecosystem's version parser and comparator and the range
// parsers with untrusted text: the first byte picks the ecosystem, the rest
// is split at the first newline into two strings (two versions, or a
// version and a range). Checks that compare() is antisymmetric, and runs the
// two as an OSV range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

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
  // OSV ranges, which order Maven and Packagist versions by OSV's own rules.
  if (va) {
    std::vector<Event> events = {{Event::Kind::introduced, std::string(a)}, {Event::Kind::fixed, std::string(b)}};
    auto hit = in_osv_range(events, *va);
    // A version is never below itself: inside [a, b) unless b <= a.
    if (hit && !*hit && vb && va->compare(*vb) < 0 && eco != Ecosystem::maven && eco != Ecosystem::composer) {
      std::abort();
    }
  }
  return 0;
}
