// The decoder of stored version ranges (ranges_from_json): a database can be
// pulled from any registry, so its `ranges` column is untrusted text. Checks
// that decoding into a vector reused from an earlier decode (what batched
// lookups do) gives exactly what a fresh decode gives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "vulndb/model.h"

namespace {

bool same(const std::vector<ig::vulndb::VersionRange>& a, const std::vector<ig::vulndb::VersionRange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type || a[i].events.size() != b[i].events.size()) return false;
    for (size_t j = 0; j < a[i].events.size(); ++j) {
      if (a[i].events[j].kind != b[i].events[j].kind || a[i].events[j].version != b[i].events[j].version) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The input's two halves, decoded in turn into one vector.
  std::string_view first = text.substr(0, size / 2), second = text.substr(size / 2);
  std::vector<ig::vulndb::VersionRange> reused;
  ig::vulndb::ranges_from_json(first, reused);
  if (!same(reused, ig::vulndb::ranges_from_json(first))) std::abort();
  ig::vulndb::ranges_from_json(second, reused);
  if (!same(reused, ig::vulndb::ranges_from_json(second))) std::abort();
  ig::vulndb::ranges_from_json(text, reused);
  if (!same(reused, ig::vulndb::ranges_from_json(text))) std::abort();
  return 0;
}
