// X.509 chain building and RFC 3161 timestamp checks with OpenSSL.
#include "sign/notation_x509.h"

#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "sign/notation_envelope.h"

namespace ig::sign::notation {

namespace {

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};

// A store holding `anchors` as trusted certificates.
X509_STORE* make_store(const std::vector<CertPtr>& anchors) {
  X509_STORE* store = X509_STORE_new();
  if (!store) return nullptr;
  for (const auto& a : anchors) X509_STORE_add_cert(store, a.get());
  return store;
}

STACK_OF(X509) * make_stack(const std::vector<CertPtr>& certs, size_t from) {
  STACK_OF(X509)* sk = sk_X509_new_null();
  for (size_t i = from; sk && i < certs.size(); ++i) {
    X509_up_ref(certs[i].get());
    sk_X509_push(sk, certs[i].get());
  }
  return sk;
}

std::optional<int64_t> asn1_to_unix(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

Result<std::vector<CertPtr>> parse_der_chain(const std::vector<std::string>& der) {
  std::vector<CertPtr> out;
  for (size_t i = 0; i < der.size(); ++i) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der[i].data());
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der[i].size()));
    if (!x || p != reinterpret_cast<const unsigned char*>(der[i].data()) + der[i].size()) {
      X509_free(x);
      ERR_clear_error();
      return fail(ErrorCode::invalid_signature, "certificate {} of the envelope's chain is not DER X.509", i);
    }
    out.emplace_back(x, X509_free);
  }
  if (out.empty()) return fail(ErrorCode::invalid_signature, "the envelope carries no certificate");
  return out;
}

Result<std::vector<CertPtr>> build_chain(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors) {
  std::unique_ptr<X509_STORE, StoreFree> store(make_store(anchors));
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(make_stack(chain, 1));
  if (!store || !ctx || !untrusted ||
      X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get()) != 1) {
    return fail(ErrorCode::internal, "OpenSSL could not set up certificate verification: {}", openssl_reason());
  }
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "the certificate chain does not lead to the trust store: {}",
                X509_verify_cert_error_string(err));
  }
  std::vector<CertPtr> built;
  STACK_OF(X509)* sk = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(sk); ++i) {
    X509* x = sk_X509_value(sk, i);
    X509_up_ref(x);
    built.emplace_back(x, X509_free);
  }
  return built;
}

Result<void> check_signing_certificate(X509* leaf) {
  uint32_t flags = X509_get_extension_flags(leaf);
  if (flags & EXFLAG_INVALID) return fail(ErrorCode::invalid_signature, "the signing certificate has invalid extensions");
  if (flags & EXFLAG_CA) return fail(ErrorCode::invalid_signature, "the signing certificate is a CA certificate");
  if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE)) {
    return fail(ErrorCode::invalid_signature, "the signing certificate's key usage lacks digitalSignature");
  }
  if ((flags & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN)) {
    return fail(ErrorCode::invalid_signature, "the signing certificate's extended key usage lacks codeSigning");
  }
  return {};
}

Result<void> check_validity(const std::vector<CertPtr>& chain, int64_t lo, int64_t hi) {
  for (const auto& c : chain) {
    auto nb = asn1_to_unix(X509_get0_notBefore(c.get()));
    auto na = asn1_to_unix(X509_get0_notAfter(c.get()));
    if (!nb || !na) return fail(ErrorCode::invalid_signature, "certificate '{}' has unreadable validity times", name_text(c.get(), false));
    if (lo < *nb || hi > *na) {
      return fail(ErrorCode::invalid_signature, "certificate '{}' is valid from {} to {}, which does not cover the signing time",
                  name_text(c.get(), false), format_rfc3339(*nb), format_rfc3339(*na));
    }
  }
  return {};
}

DistinguishedName subject_dn(X509* cert) {
  DistinguishedName dn;
  X509_NAME* name = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    std::string type;
    if (nid == NID_stateOrProvinceName) type = "ST";
    else if (nid != NID_undef && OBJ_nid2sn(nid)) type = OBJ_nid2sn(nid);
    char oid[80];
    if (type.empty()) {
      OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(e), 1);
      type = oid;
    }
    for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n < 0) continue;
    dn.emplace_back(type, std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(n)));
    OPENSSL_free(utf8);
  }
  return dn;
}

std::string name_text(X509* cert, bool issuer) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, issuer ? X509_get_issuer_name(cert) : X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n > 0 ? n : 0));
  BIO_free(bio);
  return out;
}

bool has_revocation_info(const std::vector<CertPtr>& chain) {
  for (const auto& c : chain) {
    STACK_OF(OPENSSL_STRING)* ocsp = X509_get1_ocsp(c.get());
    bool has_ocsp = ocsp && sk_OPENSSL_STRING_num(ocsp) > 0;
    X509_email_free(ocsp);
    int crit = 0;
    void* cdp = X509_get_ext_d2i(c.get(), NID_crl_distribution_points, &crit, nullptr);
    bool has_crl = cdp != nullptr;
    CRL_DIST_POINTS_free(static_cast<CRL_DIST_POINTS*>(cdp));
    if (has_ocsp || has_crl) return true;
  }
  return false;
}

namespace {

struct Pkcs7Free {
  void operator()(PKCS7* p) const { PKCS7_free(p); }
};
struct TsCtxFree {
  void operator()(TS_VERIFY_CTX* c) const { TS_VERIFY_CTX_free(c); }
};
struct TstInfoFree {
  void operator()(TS_TST_INFO* t) const { TS_TST_INFO_free(t); }
};

int64_t accuracy_seconds(TS_TST_INFO* info) {
  TS_ACCURACY* acc = TS_TST_INFO_get_accuracy(info);
  if (!acc) return 0;
  int64_t secs = 0;
  if (const ASN1_INTEGER* s = TS_ACCURACY_get_seconds(acc)) secs = ASN1_INTEGER_get(s);
  // Sub-second parts round up to a whole second of uncertainty.
  if (TS_ACCURACY_get_millis(acc) || TS_ACCURACY_get_micros(acc)) ++secs;
  return secs < 0 ? 0 : secs;
}

}  // namespace

Result<std::pair<int64_t, int64_t>> verify_timestamp(const std::string& token_der, const std::string& signature,
                                                     const std::vector<CertPtr>& tsa_anchors) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token_der.data());
  std::unique_ptr<PKCS7, Pkcs7Free> token(d2i_PKCS7(nullptr, &p, static_cast<long>(token_der.size())));
  if (!token) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "the timestamp countersignature is not an RFC 3161 TimeStampToken");
  }
  std::unique_ptr<TS_VERIFY_CTX, TsCtxFree> ctx(TS_VERIFY_CTX_new());
  X509_STORE* store = make_store(tsa_anchors);
  BIO* data = BIO_new_mem_buf(signature.data(), static_cast<int>(signature.size()));
  if (!ctx || !store || !data) {
    X509_STORE_free(store);
    BIO_free(data);
    return fail(ErrorCode::internal, "OpenSSL could not set up timestamp verification");
  }
  // The context owns the store and the BIO from here on.
  TS_VERIFY_CTX_set_store(ctx.get(), store);
  TS_VERIFY_CTX_set_data(ctx.get(), data);
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
  if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
    return fail(ErrorCode::invalid_signature,
                "the timestamp countersignature does not verify against the policy's tsa trust store, or does not "
                "cover this signature: {}",
                openssl_reason());
  }
  std::unique_ptr<TS_TST_INFO, TstInfoFree> info(PKCS7_to_TS_TST_INFO(token.get()));
  if (!info) return fail(ErrorCode::invalid_signature, "the timestamp token has no readable TSTInfo");
  struct tm tm {};
  if (ASN1_TIME_to_tm(TS_TST_INFO_get_time(info.get()), &tm) != 1) {
    return fail(ErrorCode::invalid_signature, "the timestamp token's genTime is unreadable");
  }
  int64_t t = static_cast<int64_t>(timegm(&tm));
  int64_t acc = accuracy_seconds(info.get());
  return std::make_pair(t - acc, t + acc);
}

}  // namespace ig::sign::notation
