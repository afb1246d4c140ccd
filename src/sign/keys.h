// Signing keys: generation, PEM and cosign/Sigstore encrypted key files, and the
// raw sign/verify primitives the image signature formats are built on.
//
// Private keys at rest use the format cosign writes: a PEM block labelled
// "ENCRYPTED SIGSTORE PRIVATE KEY" (or the older "ENCRYPTED COSIGN PRIVATE
// KEY") holding JSON {kdf: scrypt, cipher: nacl/secretbox, ciphertext} over
// the PKCS#8 DER of the key. See docs/signatures.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/error.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ig::sign {

enum class KeyType { ecdsa_p256, ecdsa_p384, ecdsa_p521, rsa, ed25519 };
const char* key_type_name(KeyType t);

class PublicKey {
 public:
  // Parses a PKIX "PUBLIC KEY" PEM (EC P-256/384/521, RSA >= 2048 bits, Ed25519).
  static Result<PublicKey> from_pem(std::string_view pem);
  // Parses DER SubjectPublicKeyInfo (as returned by AWS KMS GetPublicKey).
  static Result<PublicKey> from_der(std::string_view der);

  std::string to_pem() const;
  std::string to_der() const;
  KeyType type() const { return type_; }
  // "sha256:<hex>" of the DER SubjectPublicKeyInfo: a stable key id for output.
  std::string fingerprint() const;

  // Checks `signature` over `message`: ECDSA (ASN.1 DER) and RSA (PKCS#1 v1.5,
  // or PSS when `rsa_pss`) over SHA-256 (SHA-384/512 for P-384/P-521); Ed25519
  // over the message itself. Returns false on any mismatch or malformed input.
  bool verify(std::string_view message, std::string_view signature, bool rsa_pss = false) const;

  EVP_PKEY* raw() const { return key_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_ = KeyType::ecdsa_p256;
  friend class PrivateKey;
};

class PrivateKey {
 public:
  // A fresh ECDSA P-256 key, the type cosign generates.
  static Result<PrivateKey> generate_p256();

  // Reads a private key file's content: ENCRYPTED SIGSTORE / ENCRYPTED COSIGN
  // PRIVATE KEY (needs `password`), or plain PKCS#8 / EC / RSA PEM. Errors name
  // the cause: wrong password, unsupported KDF parameters, not a key.
  static Result<PrivateKey> from_pem(std::string_view pem, std::string_view password);

  // The key encrypted with `password` in the ENCRYPTED SIGSTORE PRIVATE KEY
  // format (scrypt N=32768 r=8 p=1, as cosign).
  Result<std::string> to_encrypted_pem(std::string_view password) const;
  std::string to_pkcs8_pem() const;

  PublicKey public_key() const;
  KeyType type() const { return type_; }

  // Signs `message` (ECDSA: SHA-256 digest, DER signature; Ed25519: pure).
  Result<std::string> sign(std::string_view message) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_ = KeyType::ecdsa_p256;
};

// Reads the key password: $IMAGEGATE_PASSWORD, then $COSIGN_PASSWORD (so
// existing cosign pipelines keep working), then a prompt on the terminal
// (twice when `confirm`). usage error when none is available.
Result<std::string> read_password(std::string_view prompt, bool confirm);

}  // namespace ig::sign
