// In-toto attestations made and checked without a registry: the statement
// and bundle shapes, and each refusal with its error code.
#include "sign/attest.h"

#include <gtest/gtest.h>

#include "sign/sigstore_bundle.h"
#include "util/base64.h"

namespace ig::sign {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'd');
constexpr std::string_view k_type = "https://example.test/predicate/v1";

PrivateKey& key_a() {
  static PrivateKey k = *PrivateKey::generate_p256();
  return k;
}
PrivateKey& key_b() {
  static PrivateKey k = *PrivateKey::generate_p256();
  return k;
}

std::string bundle_for(const std::string& digest, std::string_view type) {
  return *make_statement_bundle(make_statement("r.example/app", digest, type, {{"x", 1}}), local_signer(key_a()));
}

TEST(Attest, BundleIsAV03BundleAndVerifies) {
  std::string b = bundle_for(k_digest, k_type);
  auto parsed = parse_sigstore_bundle(b);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->minor_version, 3);
  ASSERT_TRUE(parsed->dsse_envelope.has_value());
  auto st = parse_statement(parsed->dsse_envelope->payload);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->type, k_in_toto_statement_v1);
  EXPECT_EQ(st->subjects.at(0).sha256, std::string(64, 'd'));

  auto a = check_attestation_bundle(b, k_digest, key_a().public_key(), k_type);
  EXPECT_TRUE(a.verified) << a.message;
  EXPECT_EQ(a.statement.predicate["x"], 1);
}

TEST(Attest, RefusalsCarryTheirCodes) {
  std::string b = bundle_for(k_digest, k_type);
  auto other_key = check_attestation_bundle(b, k_digest, key_b().public_key(), k_type);
  EXPECT_FALSE(other_key.verified);
  EXPECT_EQ(other_key.failure, ErrorCode::untrusted_signer);

  auto other_image = check_attestation_bundle(b, "sha256:" + std::string(64, 'e'), key_a().public_key(), k_type);
  EXPECT_FALSE(other_image.verified);
  EXPECT_EQ(other_image.failure, ErrorCode::invalid_signature);
  EXPECT_NE(other_image.message.find("not about this image"), std::string::npos);

  auto other_type = check_attestation_bundle(b, k_digest, key_a().public_key(), "https://example.test/other");
  EXPECT_FALSE(other_type.verified);
  EXPECT_EQ(other_type.failure, ErrorCode::invalid_signature);

  auto j = nlohmann::json::parse(b);
  std::string payload = *base64_decode(j["dsseEnvelope"]["payload"].get<std::string>(), "t");
  payload[payload.find("\"x\":1") + 4] = '2';
  j["dsseEnvelope"]["payload"] = base64_encode(payload);
  auto tampered = check_attestation_bundle(j.dump(), k_digest, key_a().public_key(), k_type);
  EXPECT_FALSE(tampered.verified);
  EXPECT_EQ(tampered.failure, ErrorCode::invalid_signature);

  EXPECT_FALSE(check_attestation_bundle("[]", k_digest, key_a().public_key(), k_type).verified);
  EXPECT_FALSE(check_attestation_bundle("{}", k_digest, key_a().public_key(), k_type).verified);
}

}  // namespace
}  // namespace ig::sign
