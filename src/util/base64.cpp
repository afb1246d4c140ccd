#include "util/base64.h"

#include <array>
#include <cstdint>

namespace ig {

namespace {

constexpr char k_standard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char k_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Maps a character to its 6-bit value, or -1 when it is not in the alphabet.
constexpr std::array<int8_t, 256> make_table(const char* alphabet) {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}

constexpr auto k_standard_table = make_table(k_standard);
constexpr auto k_url_table = make_table(k_url);

}  // namespace

std::string base64_encode(std::string_view data, Base64Alphabet alphabet) {
  const char* chars = alphabet == Base64Alphabet::url ? k_url : k_standard;
  const bool pad = alphabet == Base64Alphabet::standard;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    out.push_back(chars[(v >> 6) & 63]);
    out.push_back(chars[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out.push_back(chars[(v >> 18) & 63]);
    out.push_back(chars[(v >> 12) & 63]);
    if (rest == 2) out.push_back(chars[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text, std::string_view what, Base64Alphabet alphabet) {
  const auto& table = alphabet == Base64Alphabet::url ? k_url_table : k_standard_table;
  size_t len = text.size();
  size_t padding = 0;
  while (len > 0 && text[len - 1] == '=' && padding < 2) {
    --len;
    ++padding;
  }
  if (padding > 0 && (len + padding) % 4 != 0) {
    return fail(ErrorCode::usage, "{} is not valid base64: wrong amount of '=' padding", what);
  }
  if (len % 4 == 1) return fail(ErrorCode::usage, "{} is not valid base64: its length is impossible", what);
  std::string out;
  out.reserve(len / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    int8_t v = table[static_cast<unsigned char>(text[i])];
    if (v < 0) return fail(ErrorCode::usage, "{} is not valid base64: unexpected character at offset {}", what, i);
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two different texts would decode alike.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return fail(ErrorCode::usage, "{} is not valid base64: non-zero trailing bits", what);
  }
  return out;
}

}  // namespace ig
