// Cosign simple-signing payloads.
#include "sign/simple_signing.h"

#include <nlohmann/json.hpp>

namespace ig::sign {

using nlohmann::json;

std::string make_simple_signing(const SimpleSigning& s) {
  json optional = s.annotations.empty() ? json(nullptr) : json(s.annotations);
  json j{{"critical",
          {{"identity", {{"docker-reference", s.docker_reference}}},
           {"image", {{"docker-manifest-digest", s.manifest_digest}}},
           {"type", k_simple_signing_type}}},
         {"optional", optional}};
  return j.dump();
}

Result<SimpleSigning> parse_simple_signing(std::string_view payload) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::invalid_signature, "the signed payload is not a JSON object (not a cosign simple-signing payload)");
  }
  auto bad = [](std::string_view field, std::string_view why) {
    return fail(ErrorCode::invalid_signature, "simple-signing payload: '{}' {}", field, why);
  };
  auto crit = j.find("critical");
  if (crit == j.end() || !crit->is_object()) return bad("critical", "is missing or not an object");
  auto type = crit->find("type");
  if (type == crit->end() || !type->is_string()) return bad("critical.type", "is missing or not a string");
  if (type->get<std::string>() != k_simple_signing_type) {
    return bad("critical.type", fmt::format("is '{}', not '{}'", type->get<std::string>(), k_simple_signing_type));
  }
  SimpleSigning s;
  auto image = crit->find("image");
  if (image == crit->end() || !image->is_object()) return bad("critical.image", "is missing or not an object");
  auto dig = image->find("docker-manifest-digest");
  if (dig == image->end() || !dig->is_string()) {
    return bad("critical.image.docker-manifest-digest", "is missing or not a string");
  }
  s.manifest_digest = dig->get<std::string>();
  if (auto id = crit->find("identity"); id != crit->end() && id->is_object()) {
    if (auto ref = id->find("docker-reference"); ref != id->end() && ref->is_string()) {
      s.docker_reference = ref->get<std::string>();
    }
  }
  if (auto opt = j.find("optional"); opt != j.end() && !opt->is_null()) {
    if (!opt->is_object()) return bad("optional", "must be an object or null");
    for (const auto& [k, v] : opt->items()) s.annotations[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return s;
}

}  // namespace ig::sign
