#include "cli/kms_keys.h"

#include "aws/kms.h"
#include "util/fs.h"

namespace ig::cli {

bool is_kms_key_ref(std::string_view ref) { return aws::is_kms_ref(ref); }

namespace {

struct KmsKey {
  aws::KmsKeyRef ref;
  std::shared_ptr<aws::CredentialSource> creds;
  aws::KmsPublicKey pub;
};

Result<KmsKey> fetch(const std::string& ref) {
  KmsKey k;
  IG_ASSIGN(k.ref, aws::parse_kms_ref(ref));
  k.creds = aws::default_credentials();
  IG_ASSIGN(k.pub, aws::kms_get_public_key(k.ref, k.creds));
  return k;
}

}  // namespace

Result<sign::PublicKey> kms_public_key(const std::string& ref) {
  IG_ASSIGN(KmsKey k, fetch(ref));
  auto key = sign::PublicKey::from_der(k.pub.der);
  if (!key) return fail(key.error().with_context(fmt::format("the public key of KMS key {}", k.ref.key_id)));
  return key;
}

Result<sign::Signer> kms_signer(const std::string& ref) {
  IG_ASSIGN(KmsKey k, fetch(ref));
  IG_ASSIGN(sign::PublicKey pub, sign::PublicKey::from_der(k.pub.der));
  IG_ASSIGN(std::string algorithm, aws::signing_algorithm_for(k.pub.key_spec));
  auto kref = k.ref;
  auto creds = k.creds;
  return sign::Signer{pub, [kref, creds, algorithm](std::string_view message) {
                        return aws::kms_sign(kref, creds, message, algorithm);
                      }};
}

Result<sign::PublicKey> load_public_key(const std::string& ref) {
  if (is_kms_key_ref(ref)) return kms_public_key(ref);
  IG_ASSIGN(std::string pem, read_file(ref, 1u << 20));
  auto key = sign::PublicKey::from_pem(pem);
  if (!key) return fail(key.error().with_context(fmt::format("public key {}", ref)));
  return key;
}

Result<sign::Signer> load_signer(const std::string& ref) {
  if (is_kms_key_ref(ref)) return kms_signer(ref);
  IG_ASSIGN(std::string pem, read_file(ref, 1u << 20));
  IG_ASSIGN(std::string password, sign::read_password("Enter password for private key: ", false));
  auto key = sign::PrivateKey::from_pem(pem, password);
  if (!key) return fail(key.error().with_context(fmt::format("signing key {}", ref)));
  return sign::local_signer(*key);
}

}  // namespace ig::cli
