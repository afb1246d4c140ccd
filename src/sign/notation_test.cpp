// Notation: policy parsing and DN rules, and the verification workflow over
// envelopes made independently by tests/integration/notation/gen.py (openssl
// CLI keys, certificates, signatures and RFC 3161 tokens).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sign/notation_envelope.h"
#include "sign/notation_policy.h"
#include "sign/notation_verify.h"

namespace ig::sign::notation {
namespace {

TEST(NotationTime, ParsesRfc3339WithOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2024-02-29T12:00:00Z"), 1709208000);
  EXPECT_EQ(parse_rfc3339("2024-02-29T14:00:00.123+02:00"), 1709208000);
  EXPECT_EQ(parse_rfc3339("2024-02-29T04:00:00-08:00"), 1709208000);
  EXPECT_FALSE(parse_rfc3339("2024-02-29 12:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00"));
  EXPECT_EQ(format_rfc3339(1709208000), "2024-02-29T12:00:00Z");
}

TEST(NotationDn, ParsesEscapesAndMatchesPartially) {
  auto dn = parse_dn(R"(C=US, ST=WA, O=Acme\, Inc., CN=a\\b)");
  ASSERT_TRUE(dn) << dn.error().message;
  ASSERT_EQ(dn->size(), 4u);
  EXPECT_EQ((*dn)[2].second, "Acme, Inc.");
  EXPECT_EQ((*dn)[3].second, "a\\b");
  DistinguishedName subject{{"C", "US"}, {"ST", "WA"}, {"L", "Seattle"}, {"O", "Acme, Inc."}, {"CN", "a\\b"}};
  EXPECT_TRUE(dn_matches(*dn, subject));
  subject[3].second = "Acme";
  EXPECT_FALSE(dn_matches(*dn, subject));
  EXPECT_FALSE(parse_dn("C=US, nonsense"));
  EXPECT_FALSE(parse_dn("C=US, C=CA"));
}

std::string policy_json(const std::string& level, const std::string& extra_sv = "",
                        const std::string& ids = R"(["x509.subject: C=US, ST=WA, O=example.io"])",
                        const std::string& stores = R"(["ca:test", "signingAuthority:aws", "tsa:test-tsa"])") {
  return R"({"version": "1.0", "trustPolicies": [{"name": "p", "registryScopes": ["*"],
    "signatureVerification": {"level": ")" + level + "\"" + extra_sv + R"(}, "trustStores": )" + stores +
         R"(, "trustedIdentities": )" + ids + "}]}";
}

TEST(NotationPolicy, LevelsAndOverrides) {
  auto doc = parse_trust_policy(policy_json("permissive", R"(, "override": {"revocation": "skip", "authenticity": "log"})"));
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& p = doc->policies[0];
  EXPECT_EQ(p.action(Check::integrity), Action::enforce);
  EXPECT_EQ(p.action(Check::authenticity), Action::log);
  EXPECT_EQ(p.action(Check::expiry), Action::log);
  EXPECT_EQ(p.action(Check::revocation), Action::skip);
  EXPECT_EQ(default_action(Level::audit, Check::authenticity), Action::log);
  EXPECT_EQ(default_action(Level::strict, Check::revocation), Action::enforce);
}

TEST(NotationPolicy, RejectsWhatTheSpecForbids) {
  for (const auto& bad : {
           policy_json("strict", R"(, "override": {"integrity": "log"})"),
           policy_json("strict", R"(, "override": {"expiry": "skip"})"),
           policy_json("lenient"),
           policy_json("strict", "", R"(["x509.subject: C=US, O=example.io"])"),
           policy_json("strict", "", R"(["*", "x509.subject: C=US, ST=WA, O=x"])"),
           policy_json("strict", "", R"(["x509.subject: C=US, ST=WA, O=x", "x509.subject: C=US, ST=WA, O=x, CN=y"])"),
           policy_json("strict", "", R"(["*"])", R"(["ca"])"),
           policy_json("strict", "", R"(["*"])", R"(["ca:../etc"])"),
           policy_json("skip"),  // global scope with skip, and stores listed
           std::string(R"({"version": "2.0", "trustPolicies": []})"),
       }) {
    auto doc = parse_trust_policy(bad);
    EXPECT_FALSE(doc) << bad;
    if (!doc) {
      EXPECT_EQ(doc.error().code, ErrorCode::usage);
    }
  }
}

TEST(NotationPolicy, AwsSignerProfileArnsAreIdentities) {
  auto doc = parse_trust_policy(policy_json(
      "strict", "",
      R"(["arn:aws:signer:us-west-2:123456789012:/signing-profiles/app", "arn:aws-us-gov:signer:us-gov-west-1:123456789012:/signing-profiles/app/v1"])",
      R"(["signingAuthority:aws-signer-ts"])"));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->policies[0].aws_signer_profiles.size(), 2u);
  EXPECT_TRUE(doc->policies[0].trusted_identities.empty());
  for (const char* bad : {R"(["arn:aws:s3:::bucket"])", R"(["arn:aws:signer:us-west-2:123456789012:/signing-jobs/x"])",
                          R"(["arn:aws:signer:us-west-2:123456789012:/signing-profiles/"])"}) {
    auto d = parse_trust_policy(policy_json("strict", "", bad));
    ASSERT_FALSE(d) << bad;
    EXPECT_NE(d.error().message.find("not an AWS Signer signing-profile ARN"), std::string::npos) << d.error().message;
  }
}

TEST(NotationPolicy, SelectsExactScopeBeforeGlobal) {
  auto doc = parse_trust_policy(R"({"version": "1.0", "trustPolicies": [
    {"name": "all", "registryScopes": ["*"], "signatureVerification": {"level": "audit"},
     "trustStores": ["ca:test"], "trustedIdentities": ["*"]},
    {"name": "app", "registryScopes": ["r.example/team/app"], "signatureVerification": {"level": "skip"}}]})");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*select_policy(*doc, "r.example/team/app"))->name, "app");
  EXPECT_EQ((*select_policy(*doc, "r.example/team/other"))->name, "all");
  doc->policies.erase(doc->policies.begin());
  auto none = select_policy(*doc, "r.example/team/other");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::untrusted_signer);
}

TEST(NotationEnvelope, RejectsMalformedInput) {
  for (std::string_view bad : {"", "{}", "[]", R"({"payload":"e30","protected":"e30","header":{},"signature":""})"}) {
    auto e = parse_jws(bad);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::invalid_signature);
  }
  for (std::string_view bad : {std::string_view(""), std::string_view("\xd2\x84\x40\xa0\x40\x40", 6),
                               std::string_view("\x84\x41\xa0\xa0\x40\x40", 6)}) {
    auto e = parse_cose(bad);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::invalid_signature);
  }
  EXPECT_FALSE(parse_envelope("application/json", "{}"));
}

// --- end-to-end over envelopes from gen.py ---

class NotationEnvelopes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null && command -v python3 >/dev/null") != 0) return;
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("ig-notation-" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    ok_ = run("pki " + dir_->string());
  }
  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  static bool run(const std::string& args) {
    std::string cmd = "python3 " IG_SOURCE_DIR "/tests/integration/notation/gen.py " + args + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "openssl or python3 missing";
    image_.media_type = "application/vnd.oci.image.manifest.v1+json";
    image_.digest = "sha256:" + std::string(64, 'a');
    image_.size = 1234;
  }
  // Makes an envelope with gen.py `options` and verifies it under `policy_text`.
  SignatureVerification verify(const std::string& format, const std::string& options, const std::string& policy_text,
                               int64_t verified_size = -1) {
    auto out = *dir_ / ("env." + format);
    EXPECT_TRUE(run(fmt::format("sign {} {} --format {} --digest {} --size {} {}", dir_->string(), out.string(), format,
                                image_.digest, image_.size, options)));
    std::ifstream in(out, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto doc = parse_trust_policy(policy_text);
    EXPECT_TRUE(doc) << doc.error().message;
    TrustStore store(*dir_ / "store");
    image::Descriptor against = image_;
    if (verified_size >= 0) against.size = verified_size;
    return verify_envelope(format == "jws" ? k_media_type_jws : k_media_type_cose, bytes.str(), against,
                           doc->policies[0], store, static_cast<int64_t>(std::time(nullptr)));
  }
  static const CheckOutcome* find(const SignatureVerification& v, Check c) {
    for (const auto& o : v.checks) {
      if (o.check == c) return &o;
    }
    return nullptr;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline bool ok_ = false;
  image::Descriptor image_;
  const std::string strict_no_revocation_ = policy_json("strict", R"(, "override": {"revocation": "log"})");
};

TEST_F(NotationEnvelopes, ValidJwsAndCoseVerify) {
  for (const char* format : {"jws", "cose"}) {
    for (const char* signer : {"signer", "rsa_signer"}) {
      auto v = verify(format, fmt::format("--signer {}", signer), policy_json("strict"));
      EXPECT_TRUE(v.verified()) << format << " " << signer << ": " << (v.error ? v.error->message : "");
      EXPECT_EQ(v.format, format);
      EXPECT_NE(v.signer_subject.find("CN=builder"), std::string::npos) << v.signer_subject;
      EXPECT_TRUE(v.warnings.empty());
    }
  }
}

TEST_F(NotationEnvelopes, TimestampCountersignatureIsVerified) {
  for (const char* format : {"jws", "cose"}) {
    auto v = verify(format, "--timestamp", policy_json("strict"));
    ASSERT_TRUE(v.verified()) << (v.error ? v.error->message : "");
    EXPECT_TRUE(v.timestamp.has_value());
    // Without a tsa: store the countersignature cannot be trusted.
    auto no_tsa = verify(format, "--timestamp", policy_json("strict", "", R"(["*"])", R"(["ca:test"])"));
    ASSERT_FALSE(no_tsa.verified());
    EXPECT_EQ(no_tsa.error->code, ErrorCode::invalid_signature);
    EXPECT_EQ(find(no_tsa, Check::authentic_timestamp)->status, CheckStatus::failed);
  }
}

TEST_F(NotationEnvelopes, TamperedUntrustedAndMismatchedFail) {
  for (const char* format : {"jws", "cose"}) {
    auto tampered = verify(format, "--tamper", policy_json("audit"));
    ASSERT_FALSE(tampered.verified());
    EXPECT_EQ(tampered.error->code, ErrorCode::invalid_signature);
    auto rogue = verify(format, "--signer rogue_signer", policy_json("strict"));
    ASSERT_FALSE(rogue.verified());
    EXPECT_EQ(rogue.error->code, ErrorCode::invalid_signature);
    EXPECT_EQ(find(rogue, Check::authenticity)->status, CheckStatus::failed);
    auto other = verify(format, "--signer other_signer", policy_json("strict"));
    ASSERT_FALSE(other.verified());
    EXPECT_EQ(other.error->code, ErrorCode::untrusted_signer);
    auto unknown = verify(format, "--unknown-critical", policy_json("strict"));
    ASSERT_FALSE(unknown.verified());
    EXPECT_NE(unknown.error->message.find("com.example.mustUnderstand"), std::string::npos);
  }
  // Signed for another size than the image has.
  auto wrong = verify("jws", "", policy_json("strict"), image_.size + 1);
  ASSERT_FALSE(wrong.verified());
  EXPECT_EQ(wrong.error->code, ErrorCode::invalid_signature);
}

TEST_F(NotationEnvelopes, LoggedChecksWarnInsteadOfFailing) {
  auto expired = verify("cose", "--expiry-offset -60", policy_json("strict"));
  ASSERT_FALSE(expired.verified());
  EXPECT_EQ(find(expired, Check::expiry)->status, CheckStatus::failed);
  auto logged = verify("cose", "--expiry-offset -60", policy_json("strict", R"(, "override": {"expiry": "log"})"));
  EXPECT_TRUE(logged.verified());
  ASSERT_EQ(logged.warnings.size(), 1u);
  EXPECT_NE(logged.warnings[0].find("expired"), std::string::npos);
  auto audit = verify("jws", "--signer rogue_signer", policy_json("audit"));
  EXPECT_TRUE(audit.verified());
  EXPECT_EQ(find(audit, Check::authenticity)->action, Action::log);
  EXPECT_FALSE(audit.warnings.empty());
}

TEST_F(NotationEnvelopes, RevocationIsNeverPassedSilently) {
  auto ocsp = verify("jws", "--signer ocsp_signer", policy_json("strict"));
  ASSERT_FALSE(ocsp.verified());
  EXPECT_EQ(ocsp.error->code, ErrorCode::untrusted_signer);
  EXPECT_EQ(find(ocsp, Check::revocation)->status, CheckStatus::not_checked);
  auto plain = verify("jws", "", policy_json("strict"));
  EXPECT_EQ(find(plain, Check::revocation)->status, CheckStatus::passed);
}

TEST_F(NotationEnvelopes, AwsSignerAttributesAreRecognised) {
  const std::string opts = "--signer aws_signer --scheme notary.x509.signingAuthority --aws";
  const std::string aws_id = R"(["x509.subject: C=US, ST=WA, O=Amazon, CN=ig_test"])";
  for (const char* format : {"jws", "cose"}) {
    auto v = verify(format, opts, policy_json("permissive", "", aws_id));
    ASSERT_TRUE(v.verified()) << (v.error ? v.error->message : "");
    EXPECT_TRUE(v.aws_signer);
    EXPECT_NE(v.aws_signing_job.find("/signing-jobs/"), std::string::npos);
    EXPECT_EQ(find(v, Check::revocation)->status, CheckStatus::not_checked);
    EXPECT_FALSE(v.warnings.empty());
    auto strict = verify(format, opts, policy_json("strict", "", aws_id));
    ASSERT_FALSE(strict.verified());
    EXPECT_EQ(strict.error->code, ErrorCode::untrusted_signer);
  }
  // A signingAuthority signature without AWS's attributes is an ordinary one.
  auto no_attrs = verify("jws", "--signer aws_signer --scheme notary.x509.signingAuthority",
                         policy_json("permissive", "", aws_id));
  EXPECT_TRUE(no_attrs.verified()) << (no_attrs.error ? no_attrs.error->message : "");
  EXPECT_FALSE(no_attrs.aws_signer);
}

}  // namespace
}  // namespace ig::sign::notation
