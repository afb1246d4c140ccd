// COSE_Sign1 envelopes (RFC 9052) as the Notary Project COSE envelope
// document profiles them: integer labels alg (1), crit (2), content type (3)
// and x5chain (33), text labels for the io.cncf.notary.* attributes, times as
// tag 1 epoch seconds.
#include <cbor.h>

#include <memory>

#include "sign/notation_envelope.h"
#include "sign/notation_internal.h"

namespace ig::sign::notation {

namespace {

struct CborFree {
  void operator()(cbor_item_t* i) const { cbor_decref(&i); }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborFree>;

constexpr int64_t k_label_alg = 1;
constexpr int64_t k_label_crit = 2;
constexpr int64_t k_label_cty = 3;
constexpr int64_t k_label_x5chain = 33;

tl::unexpected<Error> bad(std::string_view what) {
  return fail(ErrorCode::invalid_signature, "COSE envelope: {}", what);
}

constexpr int k_max_depth = 16;

// Walks one CBOR item without building it, so that declared lengths can be
// checked against the input: libcbor 0.8 allocates a definite array or map
// of the declared size before reading it, and a 5-byte header could ask for
// gigabytes. Indefinite lengths (never needed here) are refused.
bool well_formed(std::string_view b, size_t& pos, int depth) {
  if (depth > k_max_depth || pos >= b.size()) return false;
  const uint8_t head = static_cast<uint8_t>(b[pos++]);
  const int major = head >> 5, ai = head & 31;
  uint64_t n = static_cast<uint64_t>(ai);
  if (ai >= 24) {
    if (ai > 27) return false;
    size_t len = size_t{1} << (ai - 24);
    if (len > b.size() - pos) return false;
    n = 0;
    for (size_t i = 0; i < len; ++i) n = n << 8 | static_cast<uint8_t>(b[pos++]);
  }
  const uint64_t left = b.size() - pos;
  switch (major) {
    case 2:
    case 3:
      if (n > left) return false;
      pos += static_cast<size_t>(n);
      return true;
    case 4:
    case 5: {
      // Every element takes at least one byte.
      uint64_t items = major == 5 ? n * 2 : n;
      if (n > left || items > left) return false;
      for (uint64_t i = 0; i < items; ++i) {
        if (!well_formed(b, pos, depth + 1)) return false;
      }
      return true;
    }
    case 6: return well_formed(b, pos, depth + 1);
    default: return true;  // integers, simple values, floats
  }
}

CborPtr load(std::string_view bytes) {
  size_t pos = 0;
  if (!well_formed(bytes, pos, 0) || pos != bytes.size()) return nullptr;
  struct cbor_load_result res {};
  cbor_item_t* item = cbor_load(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &res);
  if (item && (res.error.code != CBOR_ERR_NONE || res.read != bytes.size())) {
    cbor_decref(&item);
    return nullptr;
  }
  return CborPtr(item);
}

std::optional<std::string> bytes_of(const cbor_item_t* i) {
  if (!cbor_isa_bytestring(i) || !cbor_bytestring_is_definite(i)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(i)), cbor_bytestring_length(i));
}

std::optional<std::string> text_of(const cbor_item_t* i) {
  if (!cbor_isa_string(i) || !cbor_string_is_definite(i)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(i)), cbor_string_length(i));
}

std::optional<int64_t> int_of(const cbor_item_t* i) {
  if (cbor_isa_uint(i)) {
    uint64_t v = cbor_get_int(i);
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (cbor_isa_negint(i)) {
    uint64_t v = cbor_get_int(i);
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return -1 - static_cast<int64_t>(v);
  }
  return std::nullopt;
}

// A header label as text: text labels as is, integer labels in decimal.
std::optional<std::string> label_of(const cbor_item_t* i) {
  if (auto t = text_of(i)) return t;
  if (auto n = int_of(i)) return std::to_string(*n);
  return std::nullopt;
}

// tdate per the COSE profile: tag 1 over integer epoch seconds.
std::optional<int64_t> time_of(const cbor_item_t* i) {
  if (!cbor_isa_tag(i) || cbor_tag_value(i) != 1) return std::nullopt;
  CborPtr inner(cbor_tag_item(i));
  return int_of(inner.get());
}

Result<void> read_protected_entry(const std::string& label, const cbor_item_t* v, Envelope& e,
                                  detail::SignedHeaders& h) {
  using namespace detail;
  if (label == std::to_string(k_label_alg)) {
    auto n = int_of(v);
    bool ok = false;
    if (n) e.algorithm = algorithm_for_cose(*n, ok);
    if (!ok) return bad("alg must be ES256 (-7), ES384 (-35), ES512 (-36), PS256 (-37), PS384 (-38) or PS512 (-39)");
  } else if (label == std::to_string(k_label_crit)) {
    if (!cbor_isa_array(v)) return bad("crit is not an array");
    for (size_t k = 0; k < cbor_array_size(v); ++k) {
      auto l = label_of(cbor_array_handle(v)[k]);
      if (!l) return bad("crit holds something other than a label");
      h.crit.push_back(*l);
    }
  } else if (label == std::to_string(k_label_cty)) {
    auto t = text_of(v);
    if (!t) return bad("content type is not text");
    h.content_type = *t;
  } else if (label == k_hdr_signing_scheme || label == k_hdr_plugin || label == k_hdr_plugin_min_version) {
    auto t = text_of(v);
    if (!t) return fail(ErrorCode::invalid_signature, "COSE envelope: '{}' is not text", label);
    if (label == k_hdr_signing_scheme) h.signing_scheme = *t;
    else if (label == k_hdr_plugin) e.verification_plugin = *t;
    else e.verification_plugin_min_version = *t;
  } else if (label == k_hdr_signing_time || label == k_hdr_authentic_signing_time || label == k_hdr_expiry) {
    auto t = time_of(v);
    if (!t) return fail(ErrorCode::invalid_signature, "COSE envelope: '{}' is not a tag 1 epoch time", label);
    if (label == k_hdr_signing_time) e.signing_time = t;
    else if (label == k_hdr_authentic_signing_time) e.authentic_signing_time = t;
    else e.expiry = t;
  } else {
    std::string value;
    if (auto t = text_of(v)) value = *t;
    else if (auto n = int_of(v)) value = std::to_string(*n);
    else value = "(non-text value)";
    e.extended_attributes[label] = ExtendedAttribute{value, false};
  }
  return {};
}

Result<void> read_protected(std::string_view bytes, Envelope& e, detail::SignedHeaders& h) {
  CborPtr map = load(bytes);
  if (!map || !cbor_isa_map(map.get())) return bad("the protected header is not a CBOR map");
  const cbor_pair* pairs = cbor_map_handle(map.get());
  for (size_t k = 0; k < cbor_map_size(map.get()); ++k) {
    auto label = label_of(pairs[k].key);
    if (!label) return bad("a protected header label is neither text nor an integer");
    if (!h.present.insert(*label).second) return fail(ErrorCode::invalid_signature, "COSE envelope: label '{}' repeats", *label);
    IG_TRY(read_protected_entry(*label, pairs[k].value, e, h));
  }
  if (!h.present.count(std::to_string(k_label_alg))) return bad("no alg in the protected header");
  return {};
}

Result<void> read_unprotected(const cbor_item_t* map, Envelope& e) {
  if (!cbor_isa_map(map)) return bad("the unprotected header is not a map");
  const cbor_pair* pairs = cbor_map_handle(map);
  for (size_t k = 0; k < cbor_map_size(map); ++k) {
    auto label = label_of(pairs[k].key);
    const cbor_item_t* v = pairs[k].value;
    if (!label) continue;
    if (*label == std::to_string(k_label_x5chain)) {
      if (auto single = bytes_of(v)) {
        e.certificate_chain.push_back(*single);
      } else if (cbor_isa_array(v)) {
        for (size_t c = 0; c < cbor_array_size(v); ++c) {
          auto der = bytes_of(cbor_array_handle(v)[c]);
          if (!der) return bad("x5chain holds something other than a byte string");
          e.certificate_chain.push_back(*der);
        }
      } else {
        return bad("x5chain is neither a byte string nor an array of them");
      }
    } else if (*label == detail::k_hdr_timestamp) {
      auto token = bytes_of(v);
      if (!token) return bad("the timestamp signature is not a byte string");
      e.timestamp_token = *token;
    } else if (*label == detail::k_hdr_signing_agent) {
      if (auto t = text_of(v)) e.signing_agent = *t;
    }
  }
  return {};
}

void put_head(std::string& out, uint8_t major, uint64_t n) {
  uint8_t mt = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(static_cast<char>(mt | n));
    return;
  }
  int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffULL ? 4 : 8;
  out.push_back(static_cast<char>(mt | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27)));
  for (int b = bytes - 1; b >= 0; --b) out.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
}

// Sig_structure = ["Signature1", body_protected, external_aad = h'', payload].
std::string sig_structure(std::string_view protected_bytes, std::string_view payload) {
  std::string out;
  out.push_back(static_cast<char>(0x84));
  put_head(out, 3, 10);
  out += "Signature1";
  put_head(out, 2, protected_bytes.size());
  out += protected_bytes;
  put_head(out, 2, 0);
  put_head(out, 2, payload.size());
  out += payload;
  return out;
}

}  // namespace

Result<Envelope> parse_cose(std::string_view bytes) {
  if (bytes.size() > k_max_envelope_size) {
    return fail(ErrorCode::invalid_signature, "COSE envelope is {} bytes, over the {} byte limit", bytes.size(),
                k_max_envelope_size);
  }
  // libcbor 0.8 (Debian bookworm) fails on a tag whose content is an array,
  // so the COSE_Sign1 tag (18, one byte 0xd2, or 0xd8 0x12) is read by hand.
  std::string_view untagged = bytes;
  if (!untagged.empty() && static_cast<uint8_t>(untagged[0]) == 0xd2) {
    untagged.remove_prefix(1);
  } else if (untagged.size() >= 2 && static_cast<uint8_t>(untagged[0]) == 0xd8 && untagged[1] == 0x12) {
    untagged.remove_prefix(2);
  } else if (!untagged.empty() && (static_cast<uint8_t>(untagged[0]) >> 5) == 6) {
    return bad("tagged, but not as COSE_Sign1 (tag 18)");
  }
  CborPtr body = load(untagged);
  if (!body) return bad("not well-formed CBOR");
  if (!cbor_isa_array(body.get()) || cbor_array_size(body.get()) != 4) {
    return bad("COSE_Sign1 must be an array of 4: protected, unprotected, payload, signature");
  }
  cbor_item_t** parts = cbor_array_handle(body.get());
  auto protected_bytes = bytes_of(parts[0]);
  auto payload = bytes_of(parts[2]);
  auto signature = bytes_of(parts[3]);
  if (!protected_bytes || !payload || !signature) {
    return bad("protected header, payload and signature must be byte strings (detached payloads are not allowed)");
  }
  Envelope e;
  e.format = "cose";
  detail::SignedHeaders h;
  IG_TRY(read_protected(*protected_bytes, e, h));
  IG_TRY(read_unprotected(parts[1], e));
  e.payload = *payload;
  e.signature = *signature;
  e.signed_bytes = sig_structure(*protected_bytes, *payload);
  IG_TRY(detail::finish_envelope(e, h));
  return e;
}

}  // namespace ig::sign::notation
