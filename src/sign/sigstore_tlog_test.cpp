#include "sign/sigstore_tlog.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ig::sign
