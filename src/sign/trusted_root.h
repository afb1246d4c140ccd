// The Sigstore trusted root (trusted_root.json): which transparency logs, CT
// logs, certificate authorities and timestamp authorities a keyless signature
// may rely on, each with the time range in which it was trusted.
//
// Users pass this file explicitly (imagegate never fetches it: verification
// is offline). Format: sigstore/protobuf-specs TrustedRoot, protobuf JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/keys.h"
#include "sign/x509.h"
#include "util/error.h"

namespace ig::sign {

// [start, end] in unix seconds; no end means "still valid". The end is
// inclusive, as Sigstore clients read `validFor`: a log or TSA whose end is the
// entry's very second still vouches for it.
struct ValidityPeriod {
  int64_t start = 0;
  std::optional<int64_t> end;
  bool contains(int64_t t) const { return t >= start && (!end || t <= *end); }
};

// A transparency log or CT log key.
struct LogKey {
  std::string base_url;
  std::string log_id;  // raw bytes: the trusted root's keyId, else sha256 of the DER key
  PublicKey key;
  ValidityPeriod valid;
};

// A certificate authority or timestamp authority: its chain, leaf/intermediate
// first and root last, as the trusted root lists it.
struct Authority {
  std::string uri;
  std::vector<Certificate> chain;
  ValidityPeriod valid;
};

struct TrustedRoot {
  std::vector<LogKey> tlogs;
  std::vector<LogKey> ctlogs;
  std::vector<Authority> certificate_authorities;
  std::vector<Authority> timestamp_authorities;

  // The log whose id is `log_id` (raw bytes), or nullptr.
  const LogKey* find_tlog(std::string_view log_id) const;
  const LogKey* find_ctlog(std::string_view log_id) const;
};

// Parses trusted_root.json. invalid_signature error naming the field when it is
// malformed. Keys of types imagegate cannot use (e.g. a future algorithm) are
// skipped with a debug message rather than failing the whole root.
Result<TrustedRoot> parse_trusted_root(std::string_view json);

}  // namespace ig::sign
