#include "sign/sigstore_evidence.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>

#include "util/digest.h"

namespace ig::sign {

namespace {

constexpr size_t k_max_timestamp_size = 64 * 1024;

// A bounds-checked reader for the TLS encoding of RFC 6962 structures.
class TlsReader {
 public:
  explicit TlsReader(std::string_view data) : data_(data) {}
  bool read(size_t n, std::string_view& out) {
    if (n > data_.size() - pos_) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool read_uint(size_t bytes, uint64_t& out) {
    std::string_view s;
    if (!read(bytes, s)) return false;
    out = 0;
    for (unsigned char c : s) out = (out << 8) | c;
    return true;
  }
  bool read_vector(size_t len_bytes, std::string_view& out) {
    uint64_t n = 0;
    return read_uint(len_bytes, n) && read(static_cast<size_t>(n), out);
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct Sct {
  std::string_view log_id;
  uint64_t timestamp_ms = 0;
  std::string_view extensions;
  std::string_view signature;
  std::string_view raw_timestamp;
};

bool parse_sct(std::string_view data, Sct& sct) {
  TlsReader r(data);
  std::string_view version, algs;
  if (!r.read(1, version) || version[0] != 0) return false;
  if (!r.read(32, sct.log_id) || !r.read(8, sct.raw_timestamp)) return false;
  for (unsigned char c : sct.raw_timestamp) sct.timestamp_ms = (sct.timestamp_ms << 8) | c;
  return r.read_vector(2, sct.extensions) && r.read(2, algs) && r.read_vector(2, sct.signature) && r.done();
}

// Takes ownership of `buf`, which i2d_* filled with `n` bytes.
std::string i2d_string(int n, unsigned char* buf) {
  if (n <= 0 || buf == nullptr) return {};
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

std::string raw_sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

// The leaf's TBS with the SCT list extension removed: what the CT log signed.
Result<std::string> precert_tbs(const Certificate& leaf, int sct_index) {
  std::unique_ptr<X509, decltype(&X509_free)> pre(X509_dup(leaf.get()), X509_free);
  if (!pre) return fail(ErrorCode::internal, "cannot copy certificate");
  X509_EXTENSION_free(X509_delete_ext(pre.get(), sct_index));
  unsigned char* buf = nullptr;
  int n = i2d_re_X509_tbs(pre.get(), &buf);
  std::string tbs = i2d_string(n, buf);
  if (tbs.empty()) return fail(ErrorCode::invalid_signature, "cannot re-encode the precertificate");
  return tbs;
}

Result<std::string> sct_list(const Certificate& leaf, int index) {
  const ASN1_OCTET_STRING* ext = X509_EXTENSION_get_data(X509_get_ext(leaf.get(), index));
  const unsigned char* p = ASN1_STRING_get0_data(ext);
  ASN1_OCTET_STRING* inner = d2i_ASN1_OCTET_STRING(nullptr, &p, ASN1_STRING_length(ext));
  if (inner == nullptr) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "the certificate's SCT list extension is not an OCTET STRING");
  }
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(inner)), static_cast<size_t>(ASN1_STRING_length(inner)));
  ASN1_OCTET_STRING_free(inner);
  return out;
}

}  // namespace

Result<int> verify_embedded_scts(const Certificate& leaf, const Certificate& issuer, const TrustedRoot& root) {
  int index = X509_get_ext_by_NID(leaf.get(), NID_ct_precert_scts, -1);
  if (index < 0) return fail(ErrorCode::invalid_signature, "the certificate carries no embedded SCT");
  IG_ASSIGN(std::string list, sct_list(leaf, index));
  IG_ASSIGN(std::string tbs, precert_tbs(leaf, index));
  unsigned char* buf = nullptr;
  int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer.get()), &buf);
  std::string issuer_key = i2d_string(n, buf);
  std::string issuer_key_hash = raw_sha256(issuer_key);

  TlsReader outer(list);
  std::string_view scts;
  if (!outer.read_vector(2, scts) || !outer.done()) {
    return fail(ErrorCode::invalid_signature, "the certificate's SCT list is malformed");
  }
  TlsReader r(scts);
  int verified = 0;
  std::string why = "no SCT is from a CT log in the trusted root";
  while (!r.done()) {
    std::string_view one;
    Sct sct;
    if (!r.read_vector(2, one) || !parse_sct(one, sct)) {
      return fail(ErrorCode::invalid_signature, "the certificate's SCT list is malformed");
    }
    const LogKey* log = root.find_ctlog(sct.log_id);
    if (log == nullptr) continue;
    if (!log->valid.contains(static_cast<int64_t>(sct.timestamp_ms / 1000))) {
      why = fmt::format("the SCT's time is outside the validity of CT log {}", log->base_url);
      continue;
    }
    std::string signed_data;
    signed_data += std::string_view("\x00\x00", 2);  // v1, certificate_timestamp
    signed_data += sct.raw_timestamp;
    signed_data += std::string_view("\x00\x01", 2);  // precert_entry
    signed_data += issuer_key_hash;
    signed_data.push_back(static_cast<char>((tbs.size() >> 16) & 0xff));
    signed_data.push_back(static_cast<char>((tbs.size() >> 8) & 0xff));
    signed_data.push_back(static_cast<char>(tbs.size() & 0xff));
    signed_data += tbs;
    signed_data.push_back(static_cast<char>((sct.extensions.size() >> 8) & 0xff));
    signed_data.push_back(static_cast<char>(sct.extensions.size() & 0xff));
    signed_data += sct.extensions;
    if (log->key.verify(signed_data, sct.signature)) {
      ++verified;
    } else {
      why = fmt::format("the SCT signature does not verify with the key of CT log {}", log->base_url);
    }
  }
  if (verified == 0) return fail(ErrorCode::invalid_signature, "{}", why);
  return verified;
}

namespace {

struct TsDeleters {
  void operator()(TS_RESP* r) const { TS_RESP_free(r); }
  void operator()(PKCS7* p) const { PKCS7_free(p); }
  void operator()(TS_TST_INFO* t) const { TS_TST_INFO_free(t); }
  void operator()(TS_VERIFY_CTX* c) const { TS_VERIFY_CTX_free(c); }
};

// Verifies `token` against one authority at `when`; true on success.
bool verify_with(PKCS7* token, std::string_view signature, const Authority& tsa, int64_t when) {
  std::unique_ptr<TS_VERIFY_CTX, TsDeleters> ctx(TS_VERIFY_CTX_new());
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, tsa.chain.back().get());
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), static_cast<time_t>(when));
  TS_VERIFY_CTX_set_store(ctx.get(), store);
  STACK_OF(X509)* certs = sk_X509_new_null();
  for (size_t i = 0; i + 1 < tsa.chain.size(); ++i) {
    X509_up_ref(tsa.chain[i].get());
    sk_X509_push(certs, tsa.chain[i].get());
  }
  TS_VERIFY_CTX_set_certs(ctx.get(), certs);
  TS_VERIFY_CTX_set_data(ctx.get(), BIO_new_mem_buf(signature.data(), static_cast<int>(signature.size())));
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
  bool ok = TS_RESP_verify_token(ctx.get(), token) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

Result<int64_t> verify_rfc3161_timestamp(std::string_view der, std::string_view signature, const TrustedRoot& root) {
  if (der.empty() || der.size() > k_max_timestamp_size || signature.size() > INT_MAX) {
    return fail(ErrorCode::invalid_signature, "RFC 3161 timestamp of {} bytes is not plausible", der.size());
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<TS_RESP, TsDeleters> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  std::unique_ptr<PKCS7, TsDeleters> token;
  if (resp) {
    if (TS_RESP_get_token(resp.get()) == nullptr) {
      return fail(ErrorCode::invalid_signature, "RFC 3161 timestamp response holds no token (the TSA refused)");
    }
    token.reset(PKCS7_dup(TS_RESP_get_token(resp.get())));
  } else {
    p = reinterpret_cast<const unsigned char*>(der.data());
    token.reset(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  }
  ERR_clear_error();
  if (!token) return fail(ErrorCode::invalid_signature, "RFC 3161 timestamp is neither a TimeStampResp nor a token");
  std::unique_ptr<TS_TST_INFO, TsDeleters> info(PKCS7_to_TS_TST_INFO(token.get()));
  struct tm tm = {};
  if (!info || ASN1_TIME_to_tm(TS_TST_INFO_get_time(info.get()), &tm) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_signature, "RFC 3161 timestamp has no readable time");
  }
  int64_t when = static_cast<int64_t>(timegm(&tm));
  for (const auto& tsa : root.timestamp_authorities) {
    if (!tsa.valid.contains(when)) continue;
    if (verify_with(token.get(), signature, tsa, when)) return when;
  }
  return fail(ErrorCode::invalid_signature,
              "RFC 3161 timestamp at {} does not verify against any timestamp authority of the trusted root "
              "valid at that time (signature, imprint or chain)", when);
}

}  // namespace ig::sign
