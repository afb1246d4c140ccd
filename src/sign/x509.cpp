#include "sign/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <climits>

namespace ig::sign {

namespace {

// Certificates larger than this are not X.509 certificates anyone issues;
// refusing them early bounds the work a hostile bundle can cause.
constexpr size_t k_max_certificate_size = 64 * 1024;

Certificate own(X509* c) { return Certificate(c, X509_free); }

struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};

int64_t asn1_time_to_unix(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::vector<std::string> general_names(const Certificate& cert, int type) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type != type) continue;
    const ASN1_IA5STRING* s = type == GEN_EMAIL ? n->d.rfc822Name : n->d.uniformResourceIdentifier;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string name_text(const X509_NAME* name) {
  char buf[256] = {};
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

}  // namespace

Result<Certificate> parse_der_certificate(std::string_view der) {
  if (der.empty() || der.size() > k_max_certificate_size) {
    return fail(ErrorCode::invalid_signature, "certificate of {} bytes is not a plausible X.509 certificate", der.size());
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* c = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (c == nullptr) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "certificate is not valid DER X.509");
  }
  Certificate cert = own(c);
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return fail(ErrorCode::invalid_signature, "certificate has trailing bytes after the DER structure");
  }
  return cert;
}

Result<std::vector<Certificate>> parse_pem_certificates(std::string_view pem) {
  std::vector<Certificate> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(std::min<size_t>(pem.size(), INT_MAX)));
  while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) out.push_back(own(c));
  BIO_free(bio);
  ERR_clear_error();
  if (out.empty()) {
    return fail(ErrorCode::invalid_signature, "no PEM CERTIFICATE block found");
  }
  return out;
}

std::string certificate_der(const Certificate& cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert.get(), &buf);
  if (n <= 0) return {};
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

Result<std::vector<Certificate>> verify_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                                              const std::vector<Certificate>& roots, int64_t unix_time,
                                              RequiredEku eku) {
  std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
  for (const auto& r : roots) X509_STORE_add_cert(store.get(), r.get());
  std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
  for (const auto& c : intermediates) sk_X509_push(untrusted.get(), c.get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return fail(ErrorCode::internal, "cannot set up certificate verification");
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(unix_time));
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "certificate {} does not chain to a trusted root at {}: {}",
                certificate_summary(leaf), unix_time, X509_verify_cert_error_string(err));
  }
  std::vector<Certificate> chain;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(built); ++i) {
    X509* c = sk_X509_value(built, i);
    X509_up_ref(c);
    chain.push_back(own(c));
  }
  if (eku != RequiredEku::none) {
    uint32_t want = eku == RequiredEku::code_signing ? XKU_CODE_SIGN : XKU_TIMESTAMP;
    uint32_t have = X509_get_extended_key_usage(leaf.get());
    if (have == UINT32_MAX || (have & want) == 0) {
      return fail(ErrorCode::invalid_signature, "certificate {} lacks the {} extended key usage", certificate_summary(leaf),
                  eku == RequiredEku::code_signing ? "code-signing" : "time-stamping");
    }
  }
  return chain;
}

Result<PublicKey> certificate_public_key(const Certificate& cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &buf);
  if (n <= 0) return fail(ErrorCode::invalid_signature, "certificate has no readable public key");
  std::string der(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  auto key = PublicKey::from_der(der);
  if (!key) return fail(ErrorCode::invalid_signature, "certificate public key: {}", key.error().message);
  return key;
}

std::vector<std::string> certificate_emails(const Certificate& cert) { return general_names(cert, GEN_EMAIL); }
std::vector<std::string> certificate_uris(const Certificate& cert) { return general_names(cert, GEN_URI); }

std::optional<std::string> certificate_extension_text(const Certificate& cert, std::string_view oid) {
  ASN1_OBJECT* obj = OBJ_txt2obj(std::string(oid).c_str(), 1);
  if (obj == nullptr) return std::nullopt;
  int idx = X509_get_ext_by_OBJ(cert.get(), obj, -1);
  ASN1_OBJECT_free(obj);
  if (idx < 0) return std::nullopt;
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert.get(), idx));
  const unsigned char* p = ASN1_STRING_get0_data(data);
  long len = ASN1_STRING_length(data);
  // Newer Fulcio extensions hold a DER UTF8String; the older ones raw text.
  const unsigned char* q = p;
  if (ASN1_UTF8STRING* s = d2i_ASN1_UTF8STRING(nullptr, &q, len); s != nullptr) {
    std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
    ASN1_UTF8STRING_free(s);
    if (q == p + len) return out;
  }
  ERR_clear_error();
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
}

int64_t certificate_not_before(const Certificate& cert) { return asn1_time_to_unix(X509_get0_notBefore(cert.get())); }
int64_t certificate_not_after(const Certificate& cert) { return asn1_time_to_unix(X509_get0_notAfter(cert.get())); }

bool certificate_is_self_signed(const Certificate& cert) {
  // EXFLAG_SS is set when subject == issuer and the key ids do not contradict;
  // the signature check makes it a real root, not just a self-issued name.
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_SS) == 0) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  return key != nullptr && X509_verify(cert.get(), key) == 1;
}

std::string certificate_summary(const Certificate& cert) {
  std::string subject = name_text(X509_get_subject_name(cert.get()));
  if (subject.empty()) {
    auto uris = certificate_uris(cert);
    auto emails = certificate_emails(cert);
    subject = !emails.empty() ? emails[0] : !uris.empty() ? uris[0] : "(no subject)";
  }
  return fmt::format("'{}' (issued by '{}')", subject, name_text(X509_get_issuer_name(cert.get())));
}

}  // namespace ig::sign
