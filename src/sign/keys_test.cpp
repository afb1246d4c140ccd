#include "sign/keys.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

namespace ig::sign {
namespace {

TEST(Keys, EncryptedKeyRoundTripsAndSignsVerifiably) {
  auto key = PrivateKey::generate_p256();
  ASSERT_TRUE(key) << key.error().message;
  auto pem = key->to_encrypted_pem("correct horse");
  ASSERT_TRUE(pem) << pem.error().message;
  EXPECT_NE(pem->find("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(pem->find("PRIVATE KEY-----\nMI"), std::string::npos) << "the key must not be stored in the clear";

  auto back = PrivateKey::from_pem(*pem, "correct horse");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->type(), KeyType::ecdsa_p256);
  EXPECT_EQ(back->public_key().fingerprint(), key->public_key().fingerprint());

  auto sig = back->sign("payload bytes");
  ASSERT_TRUE(sig);
  auto pub = PublicKey::from_pem(key->public_key().to_pem());
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_TRUE(pub->verify("payload bytes", *sig));
  EXPECT_FALSE(pub->verify("payload bytez", *sig));
  std::string bad = *sig;
  bad[bad.size() / 2] ^= 0x01;
  EXPECT_FALSE(pub->verify("payload bytes", bad));
}

TEST(Keys, WrongPasswordIsAClearError) {
  auto key = PrivateKey::generate_p256();
  ASSERT_TRUE(key);
  auto pem = key->to_encrypted_pem("right");
  ASSERT_TRUE(pem);
  auto back = PrivateKey::from_pem(*pem, "wrong");
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("wrong password"), std::string::npos);
}

TEST(Keys, ReadsOlderCosignLabelAndPlainPkcs8) {
  auto key = PrivateKey::generate_p256();
  ASSERT_TRUE(key);
  auto pem = key->to_encrypted_pem("pw");
  ASSERT_TRUE(pem);
  std::string cosign = *pem;
  for (auto pos = cosign.find("SIGSTORE"); pos != std::string::npos; pos = cosign.find("SIGSTORE")) {
    cosign.replace(pos, 8, "COSIGN");
  }
  auto a = PrivateKey::from_pem(cosign, "pw");
  ASSERT_TRUE(a) << a.error().message;
  auto b = PrivateKey::from_pem(key->to_pkcs8_pem(), "");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(a->public_key().fingerprint(), b->public_key().fingerprint());
}

TEST(Keys, RejectsHostileScryptParameters) {
  std::string body =
      R"({"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"AAAA"},"cipher":{"name":"nacl/secretbox","nonce":"AAAA"},"ciphertext":"AAAA"})";
  std::string pem = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
  // PEM body must be base64 of the JSON; build it with OpenSSL to stay exact.
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio(b, "ENCRYPTED SIGSTORE PRIVATE KEY", "", reinterpret_cast<const unsigned char*>(body.data()),
                static_cast<long>(body.size()));
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  pem.assign(data, static_cast<size_t>(n));
  BIO_free(b);
  auto k = PrivateKey::from_pem(pem, "pw");
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("scrypt parameters"), std::string::npos);
}

std::string public_pem_of(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(b, k);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

std::string sign_with(EVP_PKEY* k, const EVP_MD* md, std::string_view msg) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, md, nullptr, k);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

TEST(Keys, VerifiesRsaAndEd25519PublicKeys) {
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(rsa, nullptr);
  ASSERT_NE(ed, nullptr);
  auto rpub = PublicKey::from_pem(public_pem_of(rsa));
  auto epub = PublicKey::from_pem(public_pem_of(ed));
  ASSERT_TRUE(rpub) << rpub.error().message;
  ASSERT_TRUE(epub) << epub.error().message;
  EXPECT_EQ(rpub->type(), KeyType::rsa);
  EXPECT_EQ(epub->type(), KeyType::ed25519);
  EXPECT_TRUE(rpub->verify("m", sign_with(rsa, EVP_sha256(), "m")));
  EXPECT_TRUE(epub->verify("m", sign_with(ed, nullptr, "m")));
  EXPECT_FALSE(epub->verify("n", sign_with(ed, nullptr, "m")));
  EVP_PKEY_free(rsa);
  EVP_PKEY_free(ed);
}

TEST(Keys, RejectsNonKeys) {
  EXPECT_FALSE(PublicKey::from_pem("hello"));
  EXPECT_FALSE(PrivateKey::from_pem("-----BEGIN GARBAGE-----\nAAAA\n-----END GARBAGE-----\n", ""));
}

TEST(Keys, PasswordComesFromEnvironment) {
  ::setenv("IMAGEGATE_PASSWORD", "from-env", 1);
  auto pw = read_password("Password: ", true);
  ::unsetenv("IMAGEGATE_PASSWORD");
  ASSERT_TRUE(pw);
  EXPECT_EQ(*pw, "from-env");
}

}  // namespace
}  // namespace ig::sign
