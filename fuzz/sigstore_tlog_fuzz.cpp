// The pieces of a transparency log entry that come as text or bytes inside a
// bundle: checkpoints (signed notes), entry bodies, DER certificates, RFC 3161
// timestamps and SCT lists. None may crash on hostile input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sign/keys.h"
#include "sign/sigstore_evidence.h"
#include "sign/sigstore_tlog.h"
#include "sign/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  static const ig::sign::LogKey log = [] {
    ig::sign::LogKey l;
    l.key = ig::sign::PrivateKey::generate_p256()->public_key();
    l.log_id = std::string(32, '\x01');
    return l;
  }();
  // Rekor v2 logs sign notes with Ed25519 (key hints computed from the name).
  static const ig::sign::LogKey ed25519_log = [] {
    ig::sign::LogKey l;
    std::string spki("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
    if (auto k = ig::sign::PublicKey::from_der(spki + std::string(32, '\x02'))) l.key = *k;
    l.log_id = std::string(32, '\x03');
    return l;
  }();
  (void)ig::sign::verify_checkpoint(in, log);
  (void)ig::sign::verify_checkpoint(in, ed25519_log);
  ig::sign::TlogEntry e;
  e.kind = "hashedrekord";
  e.version = "0.0.1";
  e.canonicalized_body = in;
  (void)ig::sign::verify_tlog_body(e, ig::sign::SignedContent{});
  e.kind = "intoto";
  e.version = "0.0.2";
  (void)ig::sign::verify_tlog_body(e, ig::sign::SignedContent{});
  e.kind = "hashedrekord";  // Rekor v2 bodies
  (void)ig::sign::verify_tlog_body(e, ig::sign::SignedContent{});
  e.kind = "dsse";
  (void)ig::sign::verify_tlog_body(e, ig::sign::SignedContent{});
  static const ig::sign::TrustedRoot root;
  (void)ig::sign::verify_rfc3161_timestamp(in, "sig", root);
  if (auto cert = ig::sign::parse_der_certificate(in)) {
    (void)ig::sign::certificate_emails(*cert);
    (void)ig::sign::certificate_uris(*cert);
    (void)ig::sign::certificate_extension_text(*cert, "1.3.6.1.4.1.57264.1.8");
    (void)ig::sign::certificate_summary(*cert);
    (void)ig::sign::verify_embedded_scts(*cert, *cert, root);
  }
  return 0;
}
