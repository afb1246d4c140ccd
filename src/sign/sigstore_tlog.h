// Transparency log (Rekor) evidence: the signed entry timestamp, the RFC 6962
// Merkle inclusion proof, the signed checkpoint (a "signed note") and the
// match between the logged entry body and the bundle's own signature.
//
// Each check is a pure function of the entry and a trusted log key, so that
// they can be unit-tested without a log. Failures are invalid_signature errors
// whose messages name the check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sign/sigstore_bundle.h"
#include "sign/trusted_root.h"
#include "util/error.h"

namespace ig::sign {

// RFC 6962 hashes: SHA-256(0x00 || leaf) and SHA-256(0x01 || left || right), raw.
std::string merkle_leaf_hash(std::string_view leaf);
std::string merkle_node_hash(std::string_view left, std::string_view right);

// RFC 9162 2.1.3.2: checks that `leaf_hash` at `index` in a tree of
// `tree_size` leaves hashes up through `proof` to `root`.
Result<void> verify_merkle_inclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                                     const std::vector<std::string>& proof, std::string_view root);

struct Checkpoint {
  std::string origin;
  int64_t tree_size = 0;
  std::string root_hash;  // raw bytes
};

// The 4-byte key hints under which `log` may sign a note as `name`: the C2SP
// signed-note key ID SHA-256(name || 0x0A || 0x01 || raw key)[:4] for an
// Ed25519 key (Rekor v2), and the first 4 bytes of the log id (Rekor v1, and
// trusted roots whose log id is the note key ID).
std::vector<std::string> note_key_hints(const LogKey& log, std::string_view name);

// Verifies a signed note ("origin\nsize\nbase64 root\n...\n\n— name base64(keyhint||sig)\n")
// against `log`: one signature line whose key hint is one of `log`'s must
// verify over the note text. Other lines (witness co-signatures, other logs)
// are ignored, wherever they stand. Returns the parsed checkpoint.
Result<Checkpoint> verify_checkpoint(std::string_view note, const LogKey& log);

// Verifies the SET: the log's signature over canonical JSON
// {"body","integratedTime","logID","logIndex"} of the entry.
Result<void> verify_signed_entry_timestamp(const TlogEntry& entry, const LogKey& log);

// Verifies the inclusion proof and its checkpoint; both must name the same root.
Result<void> verify_inclusion_proof(const TlogEntry& entry, const LogKey& log);

// Checks that `log` was trusted when `entry` was logged: at its integrated time
// when it has one (Rekor v1), else at every time in `timestamps` (verified RFC
// 3161 times: Rekor v2 entries carry no time of their own). Fails naming the
// entry when the log was not valid then, or when there is no time at all.
Result<void> verify_log_validity(const TlogEntry& entry, const LogKey& log, const std::vector<int64_t>& timestamps);

// What the bundle says was signed, to compare with what the log recorded.
struct SignedContent {
  std::string signature;      // raw signature bytes
  std::string digest_hex;     // sha256 of the artifact (message signature) or of the DSSE payload
  std::string pae_digest_hex; // DSSE only: sha256 of PAE(payloadType, payload), what a Rekor v2
                              // hashedrekord entry over an envelope records
  std::string signer_der;     // DER of the leaf certificate or of the public key
  bool signer_is_certificate = false;
};

// Checks that the entry's canonicalized body (hashedrekord 0.0.1, intoto 0.0.2
// or dsse 0.0.1 from Rekor v1; hashedrekord or dsse 0.0.2 from Rekor v2)
// records exactly `content`, and that its kind/version match the entry's
// kindVersion.
Result<void> verify_tlog_body(const TlogEntry& entry, const SignedContent& content);

}  // namespace ig::sign
