// Shared helpers of the language catalogers; see lang_common.h.
#include "inventory/lang_common.h"

#include "inventory/purl.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace ig::inventory::lang {

namespace {
constexpr size_t k_chunk = 64 * 1024;
}

Result<std::string> read_bounded(image::FileReader& in, uint64_t max, std::string_view what) {
  std::string out;
  std::array<std::byte, k_chunk> buf;
  for (;;) {
    IG_ASSIGN(size_t n, in.read(buf));
    if (n == 0) return out;
    if (out.size() + n > max) {
      return fail(ErrorCode::invalid_image, "{} is larger than {} bytes; it was skipped (the limit guards memory)",
                  what, max);
    }
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
}

Result<void> read_more(image::FileReader& in, std::string& out, uint64_t n) {
  std::array<std::byte, k_chunk> buf;
  while (n > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
    IG_ASSIGN(size_t got, in.read(std::span<std::byte>(buf.data(), want)));
    if (got == 0) return {};
    out.append(reinterpret_cast<const char*>(buf.data()), got);
    n -= got;
  }
  return {};
}

Result<bool> skip(image::FileReader& in, uint64_t n) {
  std::array<std::byte, k_chunk> buf;
  while (n > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
    IG_ASSIGN(size_t got, in.read(std::span<std::byte>(buf.data(), want)));
    if (got == 0) return false;
    n -= got;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

void add_license(std::vector<std::string>& licenses, std::string_view license) {
  license = trim(license);
  if (license.empty()) return;
  if (std::find(licenses.begin(), licenses.end(), license) != licenses.end()) return;
  licenses.emplace_back(license);
}

Package make_package(std::string_view ecosystem, std::string name, std::string version, std::string_view path) {
  Package p;
  p.ecosystem = std::string(ecosystem);
  p.name = std::move(name);
  p.version = std::move(version);
  p.locations.emplace_back(path);
  p.purl = package_purl(p);
  return p;
}

std::string json_string(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool json_true(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
size_t utf8_seq(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3 : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  auto b1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xe0 && b1 < 0xa0) || (c == 0xed && b1 > 0x9f) || (c == 0xf0 && b1 < 0x90) || (c == 0xf4 && b1 > 0x8f)) {
    return 0;  // overlong, surrogate or beyond U+10FFFF
  }
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

bool fix_utf8(std::string& s) {
  bool changed = false;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_seq(s, i);
    if (n == 0) {
      if (!changed) out.assign(s, 0, i);
      changed = true;
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (changed) out.append(s, i, n);
    i += n;
  }
  if (changed) s = std::move(out);
  return changed;
}

}  // namespace

void sanitize_utf8(nlohmann::json& j) {
  if (j.is_string()) {
    fix_utf8(j.get_ref<std::string&>());
  } else if (j.is_array()) {
    for (auto& v : j) sanitize_utf8(v);
  } else if (j.is_object()) {
    bool bad_key = false;
    for (auto& [k, v] : j.items()) {
      sanitize_utf8(v);
      std::string key = k;
      bad_key |= fix_utf8(key);
    }
    if (!bad_key) return;
    nlohmann::json fixed = nlohmann::json::object();  // keys are immutable: rebuild
    for (auto& [k, v] : j.items()) {
      std::string key = k;
      fix_utf8(key);
      fixed[key] = std::move(v);
    }
    j = std::move(fixed);
  }
}

nlohmann::json packages_result(const std::vector<Package>& pkgs) {
  if (pkgs.empty()) return nullptr;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& p : pkgs) arr.push_back(p);
  sanitize_utf8(arr);
  return nlohmann::json{{"packages", std::move(arr)}};
}

}  // namespace ig::inventory::lang
