// NuGet versions, as NuGet.Versioning's NuGetVersion with the default
// comparer: Major.Minor[.Patch[.Revision]][-label(.label)*][+metadata].
// Missing numbers are 0 and leading zeros are allowed (1.01 == 1.1.0.0);
// labels compare numerically when both are numbers, numbers before text, text
// case-insensitively; a release is above its prereleases; metadata is ignored.
#include "version/repr.h"

namespace ig::version::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool split_labels(std::string_view s, std::vector<std::string>* out) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident(c)) return false;
    }
    if (out) out->emplace_back(id);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

int compare_labels(const std::string& a, const std::string& b) {
  bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) return compare_digits(a, b);
  if (an != bn) return an ? -1 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    char x = lower(a[i]), y = lower(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

ParseResult parse_nuget(std::string_view s) {
  NugetRepr r;
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!split_labels(s.substr(plus + 1), nullptr)) return fail(ErrorCode::usage, "bad build metadata after '+'");
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    if (!split_labels(s.substr(dash + 1), &r.labels)) {
      return fail(ErrorCode::usage, "bad prerelease label (dot-separated [0-9A-Za-z-] parts)");
    }
    s = s.substr(0, dash);
  }
  int count = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (count == 4 || !all_digits(part)) {
      return fail(ErrorCode::usage, "expected Major.Minor[.Patch[.Revision]] numbers");
    }
    part = strip_zeros(part);
    // NuGet stores each number as a 32-bit int.
    if (compare_digits(part, "2147483647") > 0) return fail(ErrorCode::usage, "the number {} is too large", part);
    r.parts[count++] = std::string(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (int i = count; i < 4; ++i) r.parts[i] = "0";
  return Repr{std::move(r)};
}

int compare_nuget(const NugetRepr& a, const NugetRepr& b) {
  for (int i = 0; i < 4; ++i) {
    int c = compare_digits(a.parts[i], b.parts[i]);
    if (c != 0) return c;
  }
  if (a.labels.empty() || b.labels.empty()) {
    return a.labels.empty() == b.labels.empty() ? 0 : (a.labels.empty() ? 1 : -1);
  }
  for (size_t i = 0; i < a.labels.size() && i < b.labels.size(); ++i) {
    int c = compare_labels(a.labels[i], b.labels[i]);
    if (c != 0) return c;
  }
  return a.labels.size() == b.labels.size() ? 0 : (a.labels.size() < b.labels.size() ? -1 : 1);
}

}  // namespace ig::version::detail
