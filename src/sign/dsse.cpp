// DSSE envelopes and in-toto statements: building what we sign, and strictly
// reading what others signed.
#include "sign/dsse.h"

#include <fmt/format.h>

#include "util/base64.h"

namespace ig::sign {

using nlohmann::json;

namespace {

Result<std::string> string_field(const json& j, const char* key, std::string_view what, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (!required) return std::string();
    return fail(ErrorCode::invalid_signature, "{}: field '{}' is missing", what, key);
  }
  if (!it->is_string()) return fail(ErrorCode::invalid_signature, "{}: field '{}' must be a string", what, key);
  return it->get<std::string>();
}

// DSSE producers use standard base64 with padding, but some emit URL-safe
// base64; the spec allows either.
Result<std::string> decode_b64(const std::string& text, std::string_view what) {
  auto std_alpha = base64_decode(text, what);
  if (std_alpha) return std_alpha;
  auto url = base64_decode(text, what, Base64Alphabet::url);
  if (url) return url;
  return fail(ErrorCode::invalid_signature, "{}", std_alpha.error().message);
}

}  // namespace

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  return fmt::format("DSSEv1 {} {} {} {}", payload_type.size(), payload_type, payload.size(), payload);
}

json dsse_to_json(const DsseEnvelope& e) {
  json sigs = json::array();
  for (const auto& s : e.signatures) {
    json j{{"sig", base64_encode(s.sig)}};
    if (!s.keyid.empty()) j["keyid"] = s.keyid;
    sigs.push_back(std::move(j));
  }
  return json{{"payload", base64_encode(e.payload)}, {"payloadType", e.payload_type}, {"signatures", sigs}};
}

std::string dsse_to_string(const DsseEnvelope& e) { return dsse_to_json(e).dump(); }

Result<DsseEnvelope> parse_dsse(const json& j) {
  constexpr std::string_view what = "DSSE envelope";
  if (!j.is_object()) return fail(ErrorCode::invalid_signature, "{} must be a JSON object", what);
  DsseEnvelope e;
  IG_ASSIGN(e.payload_type, string_field(j, "payloadType", what));
  IG_ASSIGN(std::string payload, string_field(j, "payload", what));
  IG_ASSIGN(e.payload, decode_b64(payload, "DSSE payload"));
  auto sigs = j.find("signatures");
  if (sigs == j.end() || !sigs->is_array() || sigs->empty()) {
    return fail(ErrorCode::invalid_signature, "{}: 'signatures' must be a non-empty array", what);
  }
  for (const auto& s : *sigs) {
    if (!s.is_object()) return fail(ErrorCode::invalid_signature, "{}: each signature must be an object", what);
    DsseSignature sig;
    IG_ASSIGN(sig.keyid, string_field(s, "keyid", what, false));
    IG_ASSIGN(std::string text, string_field(s, "sig", what));
    IG_ASSIGN(sig.sig, decode_b64(text, "DSSE signature"));
    e.signatures.push_back(std::move(sig));
  }
  return e;
}

Result<DsseEnvelope> parse_dsse(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_signature, "the DSSE envelope is not valid JSON");
  return parse_dsse(j);
}

Result<Statement> parse_statement(std::string_view json_text) {
  constexpr std::string_view what = "in-toto statement";
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::invalid_signature, "the signed payload is not an in-toto statement (not a JSON object)");
  }
  Statement st;
  IG_ASSIGN(st.type, string_field(j, "_type", what));
  IG_ASSIGN(st.predicate_type, string_field(j, "predicateType", what));
  auto subj = j.find("subject");
  if (subj == j.end() || !subj->is_array() || subj->empty()) {
    return fail(ErrorCode::invalid_signature, "{}: 'subject' must be a non-empty array", what);
  }
  for (const auto& s : *subj) {
    if (!s.is_object()) return fail(ErrorCode::invalid_signature, "{}: each subject must be an object", what);
    StatementSubject out;
    IG_ASSIGN(out.name, string_field(s, "name", what, false));
    auto d = s.find("digest");
    if (d == s.end() || !d->is_object()) {
      return fail(ErrorCode::invalid_signature, "{}: subject '{}' has no digest object", what, out.name);
    }
    IG_ASSIGN(out.sha256, string_field(*d, "sha256", what, false));
    st.subjects.push_back(std::move(out));
  }
  if (auto p = j.find("predicate"); p != j.end()) st.predicate = *p;
  return st;
}

std::string make_cosign_statement(const std::string& name, const std::string& digest,
                                  const std::map<std::string, std::string>& annotations) {
  std::string hex = digest.substr(digest.find(':') + 1);
  json predicate = json::object();
  if (!annotations.empty()) predicate["annotations"] = annotations;
  json j{{"_type", k_in_toto_statement_v1},
         {"subject", json::array({json{{"name", name}, {"digest", json{{"sha256", hex}}}}})},
         {"predicateType", k_cosign_sign_predicate},
         {"predicate", predicate}};
  return j.dump();
}

}  // namespace ig::sign
