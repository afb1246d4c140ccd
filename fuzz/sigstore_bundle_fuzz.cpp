// Sigstore bundles arrive from registries and users: parsing them, and running
// the whole verification over whatever parses, must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sign/sigstore_bundle.h"
#include "sign/sigstore_verify.h"
#include "sign/trusted_root.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto bundle = ig::sign::parse_sigstore_bundle(in);
  if (!bundle) return 0;
  static const ig::sign::TrustedRoot root;
  ig::sign::VerifyBundleOptions opts;
  opts.trusted_root = &root;
  opts.certificate_identity = "someone@example.com";
  opts.certificate_oidc_issuer_regexp = "^https://";
  auto artifact = ig::sign::BundleArtifact::from_bytes("artifact");
  auto v = ig::sign::verify_bundle(in, artifact, opts);
  (void)v.to_json().dump();
  return 0;
}
