// Key-based cosign signatures without a registry: bundles and legacy payloads
// made by us must verify, and every kind of tampering must be caught with the
// right error code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sign/cosign.h"
#include "sign/dsse.h"
#include "sign/referrers.h"
#include "sign/simple_signing.h"
#include "util/base64.h"

namespace ig::sign {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'b');

struct Keys {
  PrivateKey a = *PrivateKey::generate_p256();
  PrivateKey b = *PrivateKey::generate_p256();
};
Keys& keys() {
  static Keys k;
  return k;
}

TEST(CosignBundle, VerifiesAndRecordsChecks) {
  auto bundle = make_cosign_bundle("r.example/app", k_digest, local_signer(keys().a), {{"env", "prod"}});
  ASSERT_TRUE(bundle);
  KeyVerifyOptions opts;
  opts.required_annotations["env"] = "prod";
  auto r = check_bundle_signature(*bundle, k_digest, keys().a.public_key(), opts);
  EXPECT_TRUE(r.verified) << r.message;
  EXPECT_EQ(r.signed_reference, "r.example/app");
  EXPECT_EQ(r.signer, keys().a.public_key().fingerprint());
  ASSERT_FALSE(r.checks.empty());
  EXPECT_EQ(r.checks.back().name, "transparency log");
  EXPECT_EQ(r.checks.back().status, Check::Status::skipped);
}

TEST(CosignBundle, WrongKeyWrongDigestTamperedPayload) {
  auto bundle = *make_cosign_bundle("r.example/app", k_digest, local_signer(keys().a), {});
  auto other = check_bundle_signature(bundle, k_digest, keys().b.public_key(), {});
  EXPECT_FALSE(other.verified);
  EXPECT_EQ(other.failure, ErrorCode::untrusted_signer);  // the hint names key a

  auto wrong = check_bundle_signature(bundle, "sha256:" + std::string(64, 'c'), keys().a.public_key(), {});
  EXPECT_FALSE(wrong.verified);
  EXPECT_EQ(wrong.failure, ErrorCode::invalid_signature);
  EXPECT_NE(wrong.message.find("not for this image"), std::string::npos);

  auto j = nlohmann::json::parse(bundle);
  std::string payload = *base64_decode(j["dsseEnvelope"]["payload"].get<std::string>(), "t");
  payload[payload.size() / 2] ^= 1;
  j["dsseEnvelope"]["payload"] = base64_encode(payload);
  auto tampered = check_bundle_signature(j.dump(), k_digest, keys().a.public_key(), {});
  EXPECT_FALSE(tampered.verified);
  EXPECT_EQ(tampered.failure, ErrorCode::invalid_signature);
}

TEST(CosignBundle, RequiredAnnotationMissingIsUntrusted) {
  auto bundle = *make_cosign_bundle("r.example/app", k_digest, local_signer(keys().a), {});
  KeyVerifyOptions opts;
  opts.required_annotations["env"] = "prod";
  auto r = check_bundle_signature(bundle, k_digest, keys().a.public_key(), opts);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.failure, ErrorCode::untrusted_signer);
}

TEST(CosignLegacy, SignedPayloadVerifiesExactBytes) {
  std::string payload = make_simple_signing({"r.example/app", k_digest, {{"k", "v"}}});
  std::string sig = base64_encode(*keys().a.sign(payload));
  auto ok = check_legacy_signature(payload, sig, k_digest, keys().a.public_key(), {});
  EXPECT_TRUE(ok.verified) << ok.message;
  EXPECT_EQ(ok.annotations.at("k"), "v");
  std::string changed = payload + " ";
  EXPECT_EQ(check_legacy_signature(changed, sig, k_digest, keys().a.public_key(), {}).failure,
            ErrorCode::invalid_signature);
  EXPECT_FALSE(check_legacy_signature(payload, sig, k_digest, keys().b.public_key(), {}).verified);
  EXPECT_FALSE(check_legacy_signature(payload, "not base64!", k_digest, keys().a.public_key(), {}).verified);
}

TEST(SimpleSigning, RoundTripAndStrictness) {
  auto s = parse_simple_signing(make_simple_signing({"r/app", k_digest, {}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->manifest_digest, k_digest);
  EXPECT_EQ(s->docker_reference, "r/app");
  EXPECT_FALSE(parse_simple_signing(R"({"critical":{"type":"other","image":{"docker-manifest-digest":"x"}}})"));
  EXPECT_FALSE(parse_simple_signing("[]"));
  EXPECT_FALSE(parse_simple_signing(R"({"critical":{"type":"cosign container image signature"}})"));
}

TEST(Dsse, PaeMatchesTheSpecExample) {
  EXPECT_EQ(dsse_pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_FALSE(parse_dsse(std::string_view(R"({"payloadType":"t","payload":"aGk=","signatures":[]})")));
  auto e = parse_dsse(std::string_view(R"({"payloadType":"t","payload":"aGk=","signatures":[{"sig":"aGk="}]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload, "hi");
}

TEST(Referrers, FallbackTagAndArtifactManifest) {
  EXPECT_EQ(*referrers_fallback_tag(k_digest), "sha256-" + std::string(64, 'b'));
  EXPECT_FALSE(referrers_fallback_tag("sha256:xyz"));
  image::Descriptor subject{"application/vnd.oci.image.manifest.v1+json", k_digest, 123, {}, {}, {}, {}};
  image::Descriptor layer{"text/plain", "sha256:" + std::string(64, 'd'), 5, {}, {}, {}, {}};
  auto m = nlohmann::json::parse(make_artifact_manifest("application/x-test", {layer}, subject, {{"a", "b"}}));
  EXPECT_EQ(m["artifactType"], "application/x-test");
  EXPECT_EQ(m["config"]["mediaType"], "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(m["config"]["digest"], "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_EQ(m["subject"]["digest"], k_digest);
  EXPECT_EQ(m["subject"]["size"], 123);
  EXPECT_EQ(m["annotations"]["a"], "b");
}

TEST(KeyValues, ParsesAndRejects) {
  auto kv = parse_key_values({"a=b", "c=d=e", "f="}, "--annotation");
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->at("c"), "d=e");
  EXPECT_EQ(kv->at("f"), "");
  EXPECT_EQ(parse_key_values({"=x"}, "--annotation").error().code, ErrorCode::usage);
  EXPECT_EQ(parse_key_values({"a=1", "a=2"}, "--annotation").error().code, ErrorCode::usage);
}

TEST(Outcome, ExitCodesByPriority) {
  EXPECT_EQ(overall_outcome({}, k_digest).error().code, ErrorCode::no_signatures);
  SignatureReport bad, untrusted, good;
  bad.failure = ErrorCode::invalid_signature;
  untrusted.failure = ErrorCode::untrusted_signer;
  good.verified = true;
  EXPECT_EQ(overall_outcome({untrusted}, k_digest).error().code, ErrorCode::untrusted_signer);
  EXPECT_EQ(overall_outcome({untrusted, bad}, k_digest).error().code, ErrorCode::invalid_signature);
  EXPECT_TRUE(overall_outcome({bad, good}, k_digest));
}

}  // namespace
}  // namespace ig::sign
