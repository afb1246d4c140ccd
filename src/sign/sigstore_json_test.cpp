#include "sign/sigstore_json.h"

#include <gtest/gtest.h>

#include "sign/sigstore_bundle.h"
#include "sign/dsse.h"

namespace ig::sign {
namespace {

using pbjson::json;

TEST(CanonicalJson, SortsKeysAndDropsWhitespace) {
  json j = json::parse(R"({ "z": 1, "a": {"y": [true, null, "x"], "b": -5}, "B": "\u00e9\n\u001f" })");
  auto c = pbjson::canonical_json(j);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, "{\"B\":\"\xC3\xA9\\n\\u001f\",\"a\":{\"b\":-5,\"y\":[true,null,\"x\"]},\"z\":1}");
}

TEST(CanonicalJson, RefusesFloatsAndInvalidUtf8) {
  EXPECT_FALSE(pbjson::canonical_json(json::parse(R"({"a": 1.5})")));
  json bad = {{"a", std::string("\xff")}};
  EXPECT_FALSE(pbjson::canonical_json(bad));
}

TEST(Rfc3339, ParsesZoneAndFraction) {
  EXPECT_EQ(*pbjson::parse_rfc3339("1970-01-01T00:00:00Z", "t"), 0);
  EXPECT_EQ(*pbjson::parse_rfc3339("2021-01-12T11:53:27.123456Z", "t"), 1610452407);
  EXPECT_EQ(*pbjson::parse_rfc3339("2021-01-12T12:53:27+01:00", "t"), 1610452407);
  EXPECT_FALSE(pbjson::parse_rfc3339("2021-01-12 11:53:27", "t"));
  EXPECT_FALSE(pbjson::parse_rfc3339("2021-13-12T11:53:27Z", "t"));
  EXPECT_FALSE(pbjson::parse_rfc3339("", "t"));
}

TEST(ProtoBytes, SkipLineBreaksOnly) {
  auto wrapped = pbjson::decode_bytes("aGVsbG8g\r\nd29y\nbGQ=", "x");
  ASSERT_TRUE(wrapped) << wrapped.error().message;
  EXPECT_EQ(*wrapped, "hello world");
  auto spaced = pbjson::decode_bytes("aGVsbG8g d29ybGQ=", "x");
  ASSERT_FALSE(spaced);
  EXPECT_NE(spaced.error().message.find("x is not base64"), std::string::npos) << spaced.error().message;
  EXPECT_FALSE(pbjson::decode_bytes("aGVsbG8\n*", "x"));
}

TEST(Pae, MatchesDsseSpecExample) {
  // From the DSSE protocol document's example.
  EXPECT_EQ(dsse_pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(dsse_pae("", ""), "DSSEv1 0  0 ");
}

TEST(SigstoreBundle, RejectsUnknownVersionsAndMissingParts) {
  EXPECT_FALSE(parse_sigstore_bundle("{}"));
  EXPECT_FALSE(parse_sigstore_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle+json;version=9"})"));
  // v0.3, key hint, message signature: minimal and valid.
  auto ok = parse_sigstore_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial":{"publicKey":{"hint":"k"}},
    "messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"AAAA"}})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->minor_version, 3);
  EXPECT_EQ(ok->public_key_hint, "k");
  // Both contents at once.
  EXPECT_FALSE(parse_sigstore_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial":{"publicKey":{"hint":"k"}},
    "messageSignature":{"signature":"AAAA"},"dsseEnvelope":{"payload":"","payloadType":"t","signatures":[]}})"));
  // v0.2 without an inclusion proof.
  auto no_proof = parse_sigstore_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.2",
    "verificationMaterial":{"publicKey":{"hint":"k"},"tlogEntries":[{"logIndex":"1","logId":{"keyId":"AAAA"},
    "kindVersion":{"kind":"hashedrekord","version":"0.0.1"},"integratedTime":"1","canonicalizedBody":"e30="}]},
    "messageSignature":{"signature":"AAAA"}})");
  ASSERT_FALSE(no_proof);
  EXPECT_NE(no_proof.error().message.find("inclusion proof"), std::string::npos);
}

}  // namespace
}  // namespace ig::sign
