#include "sign/sigstore_json.h"

#include <charconv>
#include <ctime>
#include <functional>

#include "util/base64.h"

namespace ig::sign::pbjson {

namespace {

// Nesting deeper than this is not a Sigstore document; the limit keeps a
// hostile file from exhausting the stack in the recursive canonicalizer.
constexpr int k_max_depth = 64;

Result<void> check_depth(const json& v, int depth) {
  if (depth > k_max_depth) return fail(ErrorCode::invalid_signature, "JSON nested deeper than {} levels", k_max_depth);
  if (v.is_structured()) {
    for (const auto& child : v) IG_TRY(check_depth(child, depth + 1));
  }
  return {};
}

Result<int> digits(std::string_view s, size_t pos, size_t n, std::string_view path) {
  int v = 0;
  if (pos + n > s.size()) return fail(ErrorCode::invalid_signature, "{}: '{}' is not an RFC 3339 time", path, s);
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, v);
  if (ec != std::errc() || p != s.data() + pos + n) {
    return fail(ErrorCode::invalid_signature, "{}: '{}' is not an RFC 3339 time", path, s);
  }
  return v;
}

}  // namespace

Result<json> parse(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_signature, "{} is not valid JSON", what);
  if (!j.is_object()) return fail(ErrorCode::invalid_signature, "{} is not a JSON object", what);
  auto depth = check_depth(j, 0);
  if (!depth) return fail(depth.error().with_context(what));
  return j;
}

const json* member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<const json*> object(const json& obj, std::string_view key, std::string_view path) {
  const json* m = member(obj, key);
  if (m == nullptr) return fail(ErrorCode::invalid_signature, "{}.{} is missing", path, key);
  if (!m->is_object()) return fail(ErrorCode::invalid_signature, "{}.{} is not an object", path, key);
  return m;
}

Result<std::string> string(const json& obj, std::string_view key, std::string_view path) {
  const json* m = member(obj, key);
  if (m == nullptr) return fail(ErrorCode::invalid_signature, "{}.{} is missing", path, key);
  if (!m->is_string()) return fail(ErrorCode::invalid_signature, "{}.{} is not a string", path, key);
  return m->get<std::string>();
}

std::string string_or(const json& obj, std::string_view key, std::string_view fallback) {
  const json* m = member(obj, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string(fallback);
}

Result<std::string> decode_bytes(std::string_view text, std::string_view path) {
  // Line breaks are skipped, as Go's and Python's protobuf JSON readers do:
  // `base64` output wraps at 76 columns and ends up in hand-made bundles.
  std::string unwrapped;
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    unwrapped.reserve(text.size());
    for (char c : text) {
      if (c != '\r' && c != '\n') unwrapped.push_back(c);
    }
    text = unwrapped;
  }
  bool url = text.find_first_of("-_") != std::string_view::npos;
  auto out = base64_decode(text, path, url ? Base64Alphabet::url : Base64Alphabet::standard);
  if (!out) return fail(ErrorCode::invalid_signature, "{} is not base64", path);
  return out;
}

Result<std::string> bytes(const json& obj, std::string_view key, std::string_view path) {
  IG_ASSIGN(std::string text, string(obj, key, path));
  return decode_bytes(text, fmt::format("{}.{}", path, key));
}

Result<int64_t> int64(const json& obj, std::string_view key, std::string_view path) {
  const json* m = member(obj, key);
  // proto3 JSON leaves out fields that hold their default, so absent is 0.
  if (m == nullptr) return int64_t{0};
  if (m->is_number_integer()) return m->get<int64_t>();
  if (m->is_string()) {
    const auto& s = m->get_ref<const std::string&>();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return v;
  }
  return fail(ErrorCode::invalid_signature, "{}.{} is not a 64-bit integer", path, key);
}

Result<int64_t> parse_rfc3339(std::string_view s, std::string_view path) {
  IG_ASSIGN(int year, digits(s, 0, 4, path));
  IG_ASSIGN(int mon, digits(s, 5, 2, path));
  IG_ASSIGN(int day, digits(s, 8, 2, path));
  IG_ASSIGN(int hour, digits(s, 11, 2, path));
  IG_ASSIGN(int min, digits(s, 14, 2, path));
  IG_ASSIGN(int sec, digits(s, 17, 2, path));
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' || mon < 1 ||
      mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return fail(ErrorCode::invalid_signature, "{}: '{}' is not an RFC 3339 time", path, s);
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int64_t offset = 0;
  std::string_view zone = s.substr(std::min(pos, s.size()));
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    IG_ASSIGN(int oh, digits(zone, 1, 2, path));
    IG_ASSIGN(int om, digits(zone, 4, 2, path));
    offset = (zone[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return fail(ErrorCode::invalid_signature, "{}: '{}' is not an RFC 3339 time (no time zone)", path, s);
  }
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::string format_rfc3339(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  struct tm tm = {};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> canonical_json(const json& value) {
  IG_TRY(check_depth(value, 0));
  bool has_float = false;
  std::function<void(const json&)> scan = [&](const json& v) {
    if (v.is_number_float()) has_float = true;
    if (v.is_structured()) {
      for (const auto& c : v) scan(c);
    }
  };
  scan(value);
  if (has_float) return fail(ErrorCode::invalid_signature, "canonical JSON with floating point numbers is not supported");
  // nlohmann's objects are std::maps (byte-order sorted keys) and its compact
  // dump escapes exactly what RFC 8785 escapes, lowercase \u00xx included;
  // invalid UTF-8 is refused rather than replaced.
  try {
    return value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    return fail(ErrorCode::invalid_signature, "canonical JSON: a string is not valid UTF-8");
  }
}

}  // namespace ig::sign::pbjson
