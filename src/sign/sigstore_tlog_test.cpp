#include "sign/sigstore_tlog.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include "sign/dsse.h"
#include "sign/keys.h"
#include "util/base64.h"
#include "util/digest.h"

namespace ig::sign {
namespace {

// RFC 6962 2.1: MTH over leaves [begin, end).
std::string tree_hash(const std::vector<std::string>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return merkle_leaf_hash(leaves[begin]);
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return merkle_node_hash(tree_hash(leaves, begin, begin + k), tree_hash(leaves, begin + k, end));
}

// RFC 6962 2.1.1: PATH(m, D[begin:end]), leaf to root.
std::vector<std::string> audit_path(const std::vector<std::string>& leaves, size_t m, size_t begin, size_t end) {
  if (end - begin == 1) return {};
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  std::vector<std::string> path;
  if (m < k) {
    path = audit_path(leaves, m, begin, begin + k);
    path.push_back(tree_hash(leaves, begin + k, end));
  } else {
    path = audit_path(leaves, m - k, begin + k, end);
    path.push_back(tree_hash(leaves, begin, begin + k));
  }
  return path;
}

TEST(MerkleInclusion, EveryLeafOfTreesUpTo20Leaves) {
  for (size_t n = 1; n <= 20; ++n) {
    std::vector<std::string> leaves;
    for (size_t i = 0; i < n; ++i) leaves.push_back("leaf " + std::to_string(i));
    std::string root = tree_hash(leaves, 0, n);
    for (size_t i = 0; i < n; ++i) {
      auto path = audit_path(leaves, i, 0, n);
      auto ok = verify_merkle_inclusion(static_cast<int64_t>(i), static_cast<int64_t>(n), merkle_leaf_hash(leaves[i]),
                                        path, root);
      EXPECT_TRUE(ok) << "n=" << n << " i=" << i << ": " << ok.error().message;
      // The same proof must not work for another leaf, index or root.
      EXPECT_FALSE(verify_merkle_inclusion(static_cast<int64_t>(i), static_cast<int64_t>(n),
                                           merkle_leaf_hash("other"), path, root));
      if (n > 1) {
        EXPECT_FALSE(verify_merkle_inclusion(static_cast<int64_t>((i + 1) % n), static_cast<int64_t>(n),
                                             merkle_leaf_hash(leaves[i]), path, root));
      }
      if (!path.empty()) {
        auto bad = path;
        bad.back()[0] ^= 1;
        EXPECT_FALSE(verify_merkle_inclusion(static_cast<int64_t>(i), static_cast<int64_t>(n),
                                             merkle_leaf_hash(leaves[i]), bad, root));
        bad = path;
        bad.pop_back();
        EXPECT_FALSE(verify_merkle_inclusion(static_cast<int64_t>(i), static_cast<int64_t>(n),
                                             merkle_leaf_hash(leaves[i]), bad, root));
      }
    }
  }
}

TEST(MerkleInclusion, RejectsIndexOutsideTree) {
  EXPECT_FALSE(verify_merkle_inclusion(1, 1, merkle_leaf_hash("a"), {}, merkle_leaf_hash("a")));
  EXPECT_FALSE(verify_merkle_inclusion(-1, 4, merkle_leaf_hash("a"), {}, merkle_leaf_hash("a")));
  EXPECT_FALSE(verify_merkle_inclusion(0, 0, merkle_leaf_hash("a"), {}, merkle_leaf_hash("a")));
}

struct TestLog {
  PrivateKey priv;
  LogKey log;
};

TestLog make_log() {
  auto priv = PrivateKey::generate_p256();
  EXPECT_TRUE(priv);
  LogKey log;
  log.key = priv->public_key();
  std::string id_hex = sha256_digest(log.key.to_der()).substr(7);
  for (size_t i = 0; i < id_hex.size(); i += 2) log.log_id.push_back(static_cast<char>(std::stoi(id_hex.substr(i, 2), nullptr, 16)));
  log.base_url = "https://rekor.test";
  return {*priv, log};
}

std::string signed_note(const TestLog& t, const std::string& note) {
  auto sig = t.priv.sign(note);
  EXPECT_TRUE(sig);
  return note + "\n\xE2\x80\x94 rekor.test " + base64_encode(t.log.log_id.substr(0, 4) + *sig) + "\n";
}

TEST(Checkpoint, VerifiesSignedNoteAndParsesIt) {
  TestLog t = make_log();
  std::string root(32, '\x07');
  std::string note = "rekor.test - 42\n17\n" + base64_encode(root) + "\nTimestamp: 1\n";
  auto cp = verify_checkpoint(signed_note(t, note), t.log);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->origin, "rekor.test - 42");
  EXPECT_EQ(cp->tree_size, 17);
  EXPECT_EQ(cp->root_hash, root);

  std::string tampered = signed_note(t, note);
  tampered[note.find("17")] = '9';
  EXPECT_FALSE(verify_checkpoint(tampered, t.log));
  TestLog other = make_log();
  EXPECT_FALSE(verify_checkpoint(signed_note(other, note), t.log));
  EXPECT_FALSE(verify_checkpoint(note, t.log));
}

TEST(SignedEntryTimestamp, CoversBodyTimeAndIndex) {
  TestLog t = make_log();
  TlogEntry e;
  e.log_index = 1234;
  e.log_id = t.log.log_id;
  e.integrated_time = 1700000000;
  e.canonicalized_body = R"({"apiVersion":"0.0.1"})";
  std::string id_hex = sha256_digest(t.log.key.to_der()).substr(7);
  std::string canonical = R"({"body":")" + base64_encode(e.canonicalized_body) + R"(","integratedTime":1700000000,"logID":")" +
                          id_hex + R"(","logIndex":1234})";
  auto sig = t.priv.sign(canonical);
  ASSERT_TRUE(sig);
  e.signed_entry_timestamp = *sig;
  EXPECT_TRUE(verify_signed_entry_timestamp(e, t.log));
  TlogEntry later = e;
  later.integrated_time += 1;
  EXPECT_FALSE(verify_signed_entry_timestamp(later, t.log));
  TlogEntry moved = e;
  moved.log_index += 1;
  EXPECT_FALSE(verify_signed_entry_timestamp(moved, t.log));
}

std::string raw_sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

// A fresh Ed25519 key, the type Rekor v2 logs and witnesses sign notes with.
PrivateKey generate_ed25519() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  EXPECT_NE(pkey, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  auto priv = PrivateKey::from_pem(pem, "");
  EXPECT_TRUE(priv) << priv.error().message;
  return *priv;
}

// C2SP signed-note key ID for an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key).
std::string c2sp_key_id(const std::string& name, const PublicKey& key) {
  unsigned char raw[32];
  size_t n = sizeof raw;
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.raw(), raw, &n), 1);
  return raw_sha256(name + "\n\x01" + std::string(reinterpret_cast<char*>(raw), n));
}

std::string note_line(const std::string& name, const std::string& hint, const PrivateKey& priv, const std::string& text) {
  auto sig = priv.sign(text);
  EXPECT_TRUE(sig);
  return "\xE2\x80\x94 " + name + " " + base64_encode(hint.substr(0, 4) + *sig) + "\n";
}

// A Rekor v2 style log: Ed25519 key, log id = its note key ID, as in the
// public trusted root.
struct TestLogV2 {
  PrivateKey priv;
  LogKey log;
  std::string name = "log2025-1.rekor.test";
};

TestLogV2 make_log_v2() {
  TestLogV2 t{generate_ed25519(), {}};
  t.log.key = t.priv.public_key();
  t.log.log_id = c2sp_key_id(t.name, t.log.key);
  t.log.base_url = "https://" + t.name;
  return t;
}

TEST(Checkpoint, LogSignatureAfterAWitnessCosignature) {
  TestLogV2 t = make_log_v2();
  PrivateKey witness = generate_ed25519();
  std::string text = t.name + "\n5\n" + base64_encode(std::string(32, '\x01')) + "\n";
  std::string witness_line = note_line("witness.test", c2sp_key_id("witness.test", witness.public_key()), witness, text);
  std::string log_line = note_line(t.name, t.log.log_id, t.priv, text);
  auto cp = verify_checkpoint(text + "\n" + witness_line + log_line, t.log);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->tree_size, 5);
  // Only the witness: not the log's signature, whatever the witness signs.
  auto only_witness = verify_checkpoint(text + "\n" + witness_line, t.log);
  ASSERT_FALSE(only_witness);
  EXPECT_NE(only_witness.error().message.find("no signature by the log"), std::string::npos)
      << only_witness.error().message;
}

TEST(Checkpoint, CosignedByTwoWitnessesAroundTheLog) {
  TestLogV2 t = make_log_v2();
  // The trusted root's log id is sha256 of the DER key here, so the log's
  // line is found by its C2SP key hint alone.
  t.log.log_id = raw_sha256(t.log.key.to_der());
  PrivateKey w1 = generate_ed25519();
  PrivateKey w2 = generate_ed25519();
  std::string text = t.name + "\n9\n" + base64_encode(std::string(32, '\x02')) + "\n";
  std::string note = text + "\n" + note_line("w1.test", c2sp_key_id("w1.test", w1.public_key()), w1, text) +
                     note_line(t.name, c2sp_key_id(t.name, t.log.key), t.priv, text) +
                     note_line("w2.test", c2sp_key_id("w2.test", w2.public_key()), w2, text);
  auto cp = verify_checkpoint(note, t.log);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->origin, t.name);
  // The log's line signed by someone else under the log's hint must fail.
  std::string forged = text + "\n" + note_line(t.name, c2sp_key_id(t.name, t.log.key), w1, text);
  auto bad = verify_checkpoint(forged, t.log);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("does not verify"), std::string::npos) << bad.error().message;
  // A changed tree size breaks the log's signature even with witnesses present.
  std::string tampered = note;
  tampered[text.find("\n9\n") + 1] = '8';
  EXPECT_FALSE(verify_checkpoint(tampered, t.log));
}

TEST(TrustedRoot, ReadsEd25519LogKeysAndTheirValidity) {
  TestLogV2 t = make_log_v2();
  nlohmann::json root = {
      {"mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1"},
      {"tlogs",
       {{{"baseUrl", t.log.base_url},
         {"hashAlgorithm", "SHA2_256"},
         {"publicKey",
          {{"rawBytes", base64_encode(t.log.key.to_der())},
           {"keyDetails", "PKIX_ED25519"},
           {"validFor", {{"start", "2025-01-01T00:00:00Z"}, {"end", "2026-01-01T00:00:00Z"}}}}},
         {"logId", {{"keyId", base64_encode(t.log.log_id)}}}}}}};
  auto parsed = parse_trusted_root(root.dump());
  ASSERT_TRUE(parsed) << parsed.error().message;
  const LogKey* log = parsed->find_tlog(t.log.log_id);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->key.type(), KeyType::ed25519);
  EXPECT_TRUE(log->valid.contains(1767225600));  // 2026-01-01T00:00:00Z: the end itself
  EXPECT_FALSE(log->valid.contains(1767225601));
}

TEST(TrustedRoot, ValidityWithoutStartIsRefused) {
  TestLogV2 t = make_log_v2();
  nlohmann::json log = {{"baseUrl", t.log.base_url},
                        {"publicKey",
                         {{"rawBytes", base64_encode(t.log.key.to_der())},
                          {"keyDetails", "PKIX_ED25519"},
                          {"validFor", nlohmann::json::object()}}},
                        {"logId", {{"keyId", base64_encode(t.log.log_id)}}}};
  nlohmann::json root = {{"mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1"},
                         {"tlogs", nlohmann::json::array({log})}};
  auto parsed = parse_trusted_root(root.dump());
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_signature);
  EXPECT_NE(parsed.error().message.find("tlogs[0].publicKey.validFor has no start"), std::string::npos)
      << parsed.error().message;
  // An end alone is no better than nothing.
  root["tlogs"][0]["publicKey"]["validFor"] = {{"end", "2026-01-01T00:00:00Z"}};
  EXPECT_FALSE(parse_trusted_root(root.dump()));
  // No validFor at all still means "always", as before.
  root["tlogs"][0]["publicKey"].erase("validFor");
  auto always = parse_trusted_root(root.dump());
  ASSERT_TRUE(always) << always.error().message;
  EXPECT_TRUE(always->find_tlog(t.log.log_id)->valid.contains(0));
}

TEST(ValidityPeriod, EndIsInclusive) {
  ValidityPeriod v{100, 200};
  EXPECT_TRUE(v.contains(100));
  EXPECT_TRUE(v.contains(200));
  EXPECT_FALSE(v.contains(201));
  EXPECT_FALSE(v.contains(99));
  EXPECT_TRUE((ValidityPeriod{100, std::nullopt}.contains(1'000'000'000)));
}

TEST(LogValidity, IntegratedTimeAtTheLogsEndIsValid) {
  TestLog t = make_log();
  t.log.valid = {1'700'000'000, 1'700'000'500};
  TlogEntry e;
  e.integrated_time = 1'700'000'500;
  EXPECT_TRUE(verify_log_validity(e, t.log, {}));
  e.integrated_time += 1;
  auto r = verify_log_validity(e, t.log, {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("outside the validity"), std::string::npos) << r.error().message;
}

TEST(LogValidity, NoIntegratedTimeUsesTheTimestamps) {
  TestLogV2 t = make_log_v2();
  t.log.valid = {1'700'000'000, 1'700'000'500};
  TlogEntry e;
  e.log_index = 735;
  e.integrated_time = 0;
  EXPECT_TRUE(verify_log_validity(e, t.log, {1'700'000'100}));
  // A TSA time at the log's last second is still inside.
  EXPECT_TRUE(verify_log_validity(e, t.log, {1'700'000'500}));
  auto late = verify_log_validity(e, t.log, {1'700'000'100, 1'700'000'501});
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("timestamped at"), std::string::npos) << late.error().message;
}

TEST(LogValidity, NoIntegratedTimeAndNoTimestampIsRefused) {
  TestLogV2 t = make_log_v2();
  TlogEntry e;
  e.log_index = 735;
  auto r = verify_log_validity(e, t.log, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_signature);
  EXPECT_NE(r.error().message.find("log index 735"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("no integrated time"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("RFC 3161"), std::string::npos) << r.error().message;
}

// A Rekor v2 entry body, as the log canonicalizes it.
std::string hashedrekord_v2_body(const std::string& digest, const std::string& sig, const std::string& key_der) {
  nlohmann::json body = {
      {"apiVersion", "0.0.2"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"hashedRekordV002",
         {{"data", {{"algorithm", "SHA2_256"}, {"digest", base64_encode(digest)}}},
          {"signature",
           {{"content", base64_encode(sig)},
            {"verifier", {{"publicKey", {{"rawBytes", base64_encode(key_der)}}}, {"keyDetails", "PKIX_ECDSA_P256_SHA_256"}}}}}}}}}};
  return body.dump();
}

TEST(TlogBody, HashedRekordV002BindsDigestSignatureAndKey) {
  TestLog signer = make_log();
  std::string digest = raw_sha256("artifact");
  std::string sig = "signature bytes";
  TlogEntry e;
  e.kind = "hashedrekord";
  e.version = "0.0.2";
  e.canonicalized_body = hashedrekord_v2_body(digest, sig, signer.log.key.to_der());
  SignedContent c{sig, sha256_digest("artifact").substr(7), "", signer.log.key.to_der(), false};
  auto ok = verify_tlog_body(e, c);
  EXPECT_TRUE(ok) << ok.error().message;
  SignedContent other_digest = c;
  other_digest.digest_hex = sha256_digest("other").substr(7);
  EXPECT_FALSE(verify_tlog_body(e, other_digest));
  SignedContent other_sig = c;
  other_sig.signature = "another signature";
  EXPECT_FALSE(verify_tlog_body(e, other_sig));
  SignedContent other_key = c;
  other_key.signer_der = make_log().log.key.to_der();
  EXPECT_FALSE(verify_tlog_body(e, other_key));
  TlogEntry v1_kind = e;
  v1_kind.version = "0.0.1";
  EXPECT_FALSE(verify_tlog_body(v1_kind, c));
}

TEST(TlogBody, DsseV002BindsPayloadHashSignatureAndKey) {
  TestLog signer = make_log();
  std::string payload_hash = raw_sha256("payload");
  nlohmann::json sig = {{"content", base64_encode("dsse sig")},
                        {"verifier", {{"publicKey", {{"rawBytes", base64_encode(signer.log.key.to_der())}}}}}};
  nlohmann::json body = {{"apiVersion", "0.0.2"},
                         {"kind", "dsse"},
                         {"spec",
                          {{"dsseV002",
                            {{"payloadHash", {{"algorithm", "SHA2_256"}, {"digest", base64_encode(payload_hash)}}},
                             {"signatures", nlohmann::json::array({sig})}}}}}};
  TlogEntry e;
  e.kind = "dsse";
  e.version = "0.0.2";
  e.canonicalized_body = body.dump();
  SignedContent c{"dsse sig", sha256_digest("payload").substr(7), "", signer.log.key.to_der(), false};
  auto ok = verify_tlog_body(e, c);
  EXPECT_TRUE(ok) << ok.error().message;
  SignedContent other = c;
  other.digest_hex = sha256_digest("other").substr(7);
  EXPECT_FALSE(verify_tlog_body(e, other));
  other = c;
  other.signer_der = make_log().log.key.to_der();
  EXPECT_FALSE(verify_tlog_body(e, other));
  body["spec"]["dsseV002"]["signatures"].push_back(sig);
  e.canonicalized_body = body.dump();
  EXPECT_FALSE(verify_tlog_body(e, c));
}

TEST(TlogBody, DsseEnvelopeAsHashedRekordV002BindsThePaeDigest) {
  // Rekor v2 logs an envelope as a hashedrekord over PAE(payloadType, payload).
  TestLog signer = make_log();
  std::string pae = dsse_pae("application/vnd.in-toto+json", "payload");
  std::string sig = "dsse sig";
  TlogEntry e;
  e.kind = "hashedrekord";
  e.version = "0.0.2";
  e.canonicalized_body = hashedrekord_v2_body(raw_sha256(pae), sig, signer.log.key.to_der());
  SignedContent c{sig, sha256_digest("payload").substr(7), sha256_digest(pae).substr(7), signer.log.key.to_der(),
                  false};
  auto ok = verify_tlog_body(e, c);
  EXPECT_TRUE(ok) << ok.error().message;
  // The PAE of another envelope does not match.
  SignedContent other = c;
  other.pae_digest_hex = sha256_digest(dsse_pae("text/plain", "payload")).substr(7);
  EXPECT_FALSE(verify_tlog_body(e, other));
  // A message signature has no PAE: the logged digest must be the artifact's.
  SignedContent message = c;
  message.pae_digest_hex.clear();
  EXPECT_FALSE(verify_tlog_body(e, message));
  // A hashedrekord over the payload digest does not bind an envelope.
  e.canonicalized_body = hashedrekord_v2_body(raw_sha256("payload"), sig, signer.log.key.to_der());
  EXPECT_FALSE(verify_tlog_body(e, c));
}

}  // namespace
}  // namespace ig::sign
