#include "sign/keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/digest.h"

namespace ig::sign {

namespace {

// cosign's parameters. On reading we accept others within bounds, so a
// hostile key file cannot make us allocate gigabytes (N*r*128 bytes).
constexpr uint64_t k_scrypt_n = 32768;
constexpr uint32_t k_scrypt_r = 8;
constexpr uint32_t k_scrypt_p = 1;
constexpr uint64_t k_max_scrypt_memory = 1ull << 30;
constexpr std::string_view k_sigstore_label = "ENCRYPTED SIGSTORE PRIVATE KEY";
constexpr std::string_view k_cosign_label = "ENCRYPTED COSIGN PRIVATE KEY";

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return {k, EVP_PKEY_free}; }

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr mem_bio(std::string_view s) { return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size()))); }

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<KeyType> classify(EVP_PKEY* k) {
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_ED25519:
      return KeyType::ed25519;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      if (EVP_PKEY_get_bits(k) < 2048) {
        return fail(ErrorCode::usage, "RSA key of {} bits is too weak: use at least 2048 bits", EVP_PKEY_get_bits(k));
      }
      return KeyType::rsa;
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) break;
      std::string_view g(group, len);
      if (g == "prime256v1" || g == "P-256") return KeyType::ecdsa_p256;
      if (g == "secp384r1" || g == "P-384") return KeyType::ecdsa_p384;
      if (g == "secp521r1" || g == "P-521") return KeyType::ecdsa_p521;
      return fail(ErrorCode::usage, "EC key on curve '{}' is not supported: use P-256, P-384 or P-521", g);
    }
    default:
      break;
  }
  return fail(ErrorCode::usage, "unsupported key type: use an ECDSA (P-256/384/521), RSA or Ed25519 key");
}

const EVP_MD* digest_for(KeyType t) {
  switch (t) {
    case KeyType::ed25519: return nullptr;
    case KeyType::ecdsa_p384: return EVP_sha384();
    case KeyType::ecdsa_p521: return EVP_sha512();
    default: return EVP_sha256();
  }
}

bool ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

Result<std::string> pkcs8_der(EVP_PKEY* k) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(k);
  if (p8 == nullptr) return fail(ErrorCode::internal, "cannot encode the private key as PKCS#8");
  int n = i2d_PKCS8_PRIV_KEY_INFO(p8, nullptr);
  std::string der(static_cast<size_t>(n > 0 ? n : 0), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
  PKCS8_PRIV_KEY_INFO_free(p8);
  return der;
}

Result<std::shared_ptr<EVP_PKEY>> from_pkcs8_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (p8 == nullptr) return fail(ErrorCode::usage, "the decrypted key is not PKCS#8 DER: the key file is corrupt");
  EVP_PKEY* k = EVP_PKCS82PKEY(p8);
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (k == nullptr) return fail(ErrorCode::usage, "the decrypted PKCS#8 key could not be loaded: unsupported algorithm");
  return own(k);
}

Result<std::string> decrypt_sigstore_json(std::string_view json_text, std::string_view password) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  auto bad = [](std::string_view why) {
    return fail(ErrorCode::usage, "encrypted private key is malformed: {}; regenerate it with `imagegate key generate`",
                why);
  };
  if (!j.is_object()) return bad("its content is not JSON");
  const auto& kdf = j.value("kdf", nlohmann::json::object());
  const auto& cipher = j.value("cipher", nlohmann::json::object());
  if (!kdf.is_object() || kdf.value("name", "") != "scrypt") return bad("kdf is not scrypt");
  if (!cipher.is_object() || cipher.value("name", "") != "nacl/secretbox") return bad("cipher is not nacl/secretbox");
  const auto& params = kdf.value("params", nlohmann::json::object());
  if (!params.is_object()) return bad("kdf params missing");
  auto num = [&](const char* key) -> uint64_t {
    auto it = params.find(key);
    return (it != params.end() && it->is_number_unsigned()) ? it->get<uint64_t>() : 0;
  };
  uint64_t n = num("N");
  uint64_t r = num("r");
  uint64_t p = num("p");
  if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 || r > 64 || p > 16 || n > (1ull << 24) ||
      n * r * 128 > k_max_scrypt_memory) {
    return fail(ErrorCode::usage, "encrypted private key uses scrypt parameters N={} r={} p={} outside the accepted bounds",
                n, r, p);
  }
  auto field = [](const nlohmann::json& o, const char* key) -> std::string {
    auto it = o.find(key);
    return (it != o.end() && it->is_string()) ? it->get<std::string>() : std::string();
  };
  IG_ASSIGN(std::string salt, base64_decode(field(kdf, "salt"), "encrypted key salt"));
  IG_ASSIGN(std::string nonce, base64_decode(field(cipher, "nonce"), "encrypted key nonce"));
  IG_ASSIGN(std::string box, base64_decode(field(j, "ciphertext"), "encrypted key ciphertext"));
  if (nonce.size() != crypto_secretbox_NONCEBYTES) return bad("nonce is not 24 bytes");
  if (box.size() < crypto_secretbox_MACBYTES) return bad("ciphertext is too short");
  if (!ensure_sodium()) return fail(ErrorCode::internal, "libsodium failed to initialise");
  unsigned char key[crypto_secretbox_KEYBYTES];
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()), password.size(),
                                            reinterpret_cast<const uint8_t*>(salt.data()), salt.size(), n,
                                            static_cast<uint32_t>(r), static_cast<uint32_t>(p), key, sizeof key) != 0) {
    return fail(ErrorCode::internal, "scrypt key derivation failed (out of memory?)");
  }
  std::string plain(box.size() - crypto_secretbox_MACBYTES, '\0');
  int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                      reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                                      reinterpret_cast<const unsigned char*>(nonce.data()), key);
  sodium_memzero(key, sizeof key);
  if (rc != 0) {
    return fail(ErrorCode::usage,
                "cannot decrypt the private key: wrong password (set IMAGEGATE_PASSWORD or type the password used at "
                "`imagegate key generate`)");
  }
  return plain;
}

}  // namespace

const char* key_type_name(KeyType t) {
  switch (t) {
    case KeyType::ecdsa_p256: return "ecdsa-p256";
    case KeyType::ecdsa_p384: return "ecdsa-p384";
    case KeyType::ecdsa_p521: return "ecdsa-p521";
    case KeyType::rsa: return "rsa";
    case KeyType::ed25519: return "ed25519";
  }
  return "unknown";
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  auto bio = mem_bio(pem);
  EVP_PKEY* k = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (k == nullptr) {
    return fail(ErrorCode::usage, "not a PEM public key: expected a '-----BEGIN PUBLIC KEY-----' block (PKIX)");
  }
  PublicKey out;
  out.key_ = own(k);
  IG_ASSIGN(out.type_, classify(k));
  return out;
}

Result<PublicKey> PublicKey::from_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (k == nullptr) return fail(ErrorCode::usage, "not a DER SubjectPublicKeyInfo public key");
  PublicKey out;
  out.key_ = own(k);
  IG_ASSIGN(out.type_, classify(k));
  return out;
}

std::string PublicKey::to_pem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(b.get(), key_.get());
  return bio_string(b.get());
}

std::string PublicKey::to_der() const {
  int n = i2d_PUBKEY(key_.get(), nullptr);
  std::string der(static_cast<size_t>(n > 0 ? n : 0), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key_.get(), &p);
  return der;
}

std::string PublicKey::fingerprint() const { return sha256_digest(to_der()); }

bool PublicKey::verify(std::string_view message, std::string_view signature, bool rsa_pss) const {
  if (!key_) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, digest_for(type_), nullptr, key_.get()) == 1;
  if (ok && type_ == KeyType::rsa && rsa_pss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

Result<PrivateKey> PrivateKey::generate_p256() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (k == nullptr) return fail(ErrorCode::internal, "OpenSSL could not generate a P-256 key");
  PrivateKey out;
  out.key_ = own(k);
  out.type_ = KeyType::ecdsa_p256;
  return out;
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view password) {
  auto bio = mem_bio(pem);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return fail(ErrorCode::usage, "the private key file holds no PEM block: expected an ENCRYPTED SIGSTORE PRIVATE KEY or PKCS#8 PEM");
  }
  std::string label(name);
  std::string body(reinterpret_cast<char*>(data), static_cast<size_t>(len));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);

  PrivateKey out;
  if (label == k_sigstore_label || label == k_cosign_label) {
    IG_ASSIGN(std::string der, decrypt_sigstore_json(body, password));
    auto k = from_pkcs8_der(der);
    sodium_memzero(der.data(), der.size());
    if (!k) return fail(k.error());
    out.key_ = *k;
  } else {
    auto again = mem_bio(pem);
    std::string pw(password);
    EVP_PKEY* k = PEM_read_bio_PrivateKey(again.get(), nullptr, nullptr, pw.data());
    if (k == nullptr) {
      return fail(ErrorCode::usage, "cannot read the '{}' PEM block as a private key (wrong password or not a key)", label);
    }
    out.key_ = own(k);
  }
  IG_ASSIGN(out.type_, classify(out.key_.get()));
  return out;
}

Result<std::string> PrivateKey::to_encrypted_pem(std::string_view password) const {
  if (!ensure_sodium()) return fail(ErrorCode::internal, "libsodium failed to initialise");
  IG_ASSIGN(std::string der, pkcs8_der(key_.get()));
  unsigned char salt[32];
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  unsigned char key[crypto_secretbox_KEYBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()), password.size(), salt,
                                            sizeof salt, k_scrypt_n, k_scrypt_r, k_scrypt_p, key, sizeof key) != 0) {
    return fail(ErrorCode::internal, "scrypt key derivation failed (out of memory?)");
  }
  std::string box(der.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()), reinterpret_cast<const unsigned char*>(der.data()),
                        der.size(), nonce, key);
  sodium_memzero(key, sizeof key);
  sodium_memzero(der.data(), der.size());
  auto b64 = [](const unsigned char* p, size_t n) {
    return base64_encode(std::string_view(reinterpret_cast<const char*>(p), n));
  };
  nlohmann::json j = {
      {"kdf", {{"name", "scrypt"}, {"params", {{"N", k_scrypt_n}, {"r", k_scrypt_r}, {"p", k_scrypt_p}}}, {"salt", b64(salt, sizeof salt)}}},
      {"cipher", {{"name", "nacl/secretbox"}, {"nonce", b64(nonce, sizeof nonce)}}},
      {"ciphertext", base64_encode(box)},
  };
  std::string body = j.dump();
  BioPtr b(BIO_new(BIO_s_mem()));
  PEM_write_bio(b.get(), std::string(k_sigstore_label).c_str(), "", reinterpret_cast<const unsigned char*>(body.data()),
                static_cast<long>(body.size()));
  return bio_string(b.get());
}

std::string PrivateKey::to_pkcs8_pem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8PrivateKey(b.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_string(b.get());
}

PublicKey PrivateKey::public_key() const {
  PublicKey pub;
  // Round-trip through DER so the public key object holds no private material.
  int n = i2d_PUBKEY(key_.get(), nullptr);
  std::string der(static_cast<size_t>(n > 0 ? n : 0), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key_.get(), &p);
  const auto* cp = reinterpret_cast<const unsigned char*>(der.data());
  pub.key_ = own(d2i_PUBKEY(nullptr, &cp, static_cast<long>(der.size())));
  pub.type_ = type_;
  return pub;
}

Result<std::string> PrivateKey::sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, digest_for(type_), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  std::string sig(len, '\0');
  ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return fail(ErrorCode::internal, "OpenSSL failed to sign with the {} key", key_type_name(type_));
  sig.resize(len);
  return sig;
}

namespace {

Result<std::string> prompt_tty(std::string_view prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::usage, "no password given and no terminal to ask on: set IMAGEGATE_PASSWORD");
  }
  struct termios old {};
  bool have_termios = ::tcgetattr(fd, &old) == 0;
  if (have_termios) {
    struct termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string pw;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') pw.push_back(c);
  if (have_termios) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return pw;
}

}  // namespace

Result<std::string> read_password(std::string_view prompt, bool confirm) {
  for (const char* var : {"IMAGEGATE_PASSWORD", "COSIGN_PASSWORD"}) {
    if (const char* v = std::getenv(var); v != nullptr) return std::string(v);
  }
  IG_ASSIGN(std::string pw, prompt_tty(prompt));
  if (confirm) {
    IG_ASSIGN(std::string again, prompt_tty("Enter password again: "));
    if (again != pw) return fail(ErrorCode::usage, "the two passwords differ: run the command again");
  }
  return pw;
}

}  // namespace ig::sign
