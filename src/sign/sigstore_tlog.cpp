#include "sign/sigstore_tlog.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "sign/sigstore_json.h"
#include "sign/x509.h"
#include "util/base64.h"
#include "util/digest.h"

namespace ig::sign {

namespace {

using pbjson::json;

std::string sha256_raw(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestUpdate(ctx, c.data(), c.size());
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string hex(std::string_view raw) {
  return to_hex({reinterpret_cast<const unsigned char*>(raw.data()), raw.size()});
}

// The em dash that starts each signature line of a signed note.
constexpr std::string_view k_note_dash = "\xE2\x80\x94 ";
// Signature lines read per note, as Go's note package caps them.
constexpr size_t k_max_note_signatures = 100;

Result<int64_t> parse_size(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v < 0) {
    return fail(ErrorCode::invalid_signature, "checkpoint: tree size '{}' is not a number", s);
  }
  return v;
}

// Lines of `text` split at '\n' (the last one may be empty).
std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The signer in a Rekor body: base64 of a PEM certificate or public key,
// sometimes base64 once more (intoto entries).
Result<std::string> signer_der_from_body(std::string_view b64, std::string_view path) {
  IG_ASSIGN(std::string pem, pbjson::decode_bytes(b64, path));
  if (!pem.starts_with("-----BEGIN")) {
    IG_ASSIGN(pem, pbjson::decode_bytes(pem, path));
  }
  if (pem.find("CERTIFICATE-----") != std::string::npos) {
    IG_ASSIGN(auto certs, parse_pem_certificates(pem));
    return certificate_der(certs.front());
  }
  auto key = PublicKey::from_pem(pem);
  if (!key) return fail(ErrorCode::invalid_signature, "{} is neither a PEM certificate nor a public key", path);
  return key->to_der();
}

const json* at(const json& j, std::initializer_list<std::string_view> path) {
  const json* cur = &j;
  for (auto key : path) {
    cur = pbjson::member(*cur, key);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string text_at(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = at(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// The (signature, digest hex, signer) triple an entry body records.
struct LoggedContent {
  std::string signature;
  std::string digest_hex;
  std::string signer_der;
};

// The signer a Rekor v2 `Verifier` names: a DER certificate or DER public key.
Result<std::string> signer_der_from_verifier(const json* verifier, std::string_view path) {
  if (verifier == nullptr) return fail(ErrorCode::invalid_signature, "{} has no verifier", path);
  if (const json* cert = pbjson::member(*verifier, "x509Certificate"); cert != nullptr) {
    IG_ASSIGN(std::string der, pbjson::bytes(*cert, "rawBytes", std::string(path) + ".x509Certificate"));
    IG_ASSIGN(Certificate c, parse_der_certificate(der));
    return certificate_der(c);
  }
  if (const json* key = pbjson::member(*verifier, "publicKey"); key != nullptr) {
    IG_ASSIGN(std::string der, pbjson::bytes(*key, "rawBytes", std::string(path) + ".publicKey"));
    IG_ASSIGN(PublicKey k, PublicKey::from_der(der));
    return k.to_der();
  }
  return fail(ErrorCode::invalid_signature, "{} names neither a certificate nor a public key", path);
}

// The hex digest of a Rekor v2 HashOutput, which must be SHA-256.
Result<std::string> digest_hex_from_hash_output(const json* h, std::string_view path) {
  if (h == nullptr) return fail(ErrorCode::invalid_signature, "{} is missing", path);
  std::string algorithm = pbjson::string_or(*h, "algorithm", "");
  if (algorithm != "SHA2_256") {
    return fail(ErrorCode::invalid_signature, "{} uses digest algorithm '{}' (SHA2_256 is supported)", path, algorithm);
  }
  IG_ASSIGN(std::string raw, pbjson::bytes(*h, "digest", path));
  return hex(raw);
}

// A Rekor v2 Signature: {content, verifier}.
Result<LoggedContent> logged_v2_signature(const json& sig, std::string_view path, std::string digest_hex) {
  LoggedContent c;
  IG_ASSIGN(c.signature, pbjson::bytes(sig, "content", path));
  IG_ASSIGN(c.signer_der, signer_der_from_verifier(pbjson::member(sig, "verifier"), std::string(path) + ".verifier"));
  c.digest_hex = std::move(digest_hex);
  return c;
}

// Rekor v2 bodies (apiVersion 0.0.2): spec.hashedRekordV002 {data, signature}
// or spec.dsseV002 {payloadHash, signatures[]}, bytes in base64.
Result<LoggedContent> logged_content_v2(const json& body, std::string_view kind) {
  if (kind == "hashedrekord") {
    const json* spec = at(body, {"spec", "hashedRekordV002"});
    if (spec == nullptr) return fail(ErrorCode::invalid_signature, "hashedrekord 0.0.2 entry has no spec.hashedRekordV002");
    IG_ASSIGN(std::string digest, digest_hex_from_hash_output(pbjson::member(*spec, "data"), "hashedRekordV002.data"));
    const json* sig = pbjson::member(*spec, "signature");
    if (sig == nullptr) return fail(ErrorCode::invalid_signature, "hashedrekord 0.0.2 entry records no signature");
    return logged_v2_signature(*sig, "hashedRekordV002.signature", std::move(digest));
  }
  const json* spec = at(body, {"spec", "dsseV002"});
  if (spec == nullptr) return fail(ErrorCode::invalid_signature, "dsse 0.0.2 entry has no spec.dsseV002");
  IG_ASSIGN(std::string digest, digest_hex_from_hash_output(pbjson::member(*spec, "payloadHash"), "dsseV002.payloadHash"));
  const json* sigs = pbjson::member(*spec, "signatures");
  if (sigs == nullptr || !sigs->is_array() || sigs->size() != 1) {
    return fail(ErrorCode::invalid_signature, "dsse 0.0.2 entry must record exactly one signature");
  }
  return logged_v2_signature((*sigs)[0], "dsseV002.signatures[0]", std::move(digest));
}

Result<LoggedContent> logged_content(const json& body, std::string_view kind, std::string_view version) {
  if ((kind == "hashedrekord" || kind == "dsse") && version == "0.0.2") return logged_content_v2(body, kind);
  LoggedContent c;
  if (kind == "hashedrekord" && version == "0.0.1") {
    IG_ASSIGN(c.signature, pbjson::decode_bytes(text_at(body, {"spec", "signature", "content"}), "hashedrekord signature"));
    c.digest_hex = text_at(body, {"spec", "data", "hash", "value"});
    IG_ASSIGN(c.signer_der, signer_der_from_body(text_at(body, {"spec", "signature", "publicKey", "content"}),
                                                 "hashedrekord public key"));
    return c;
  }
  if (kind == "intoto" && version == "0.0.2") {
    const json* sigs = at(body, {"spec", "content", "envelope", "signatures"});
    if (sigs == nullptr || !sigs->is_array() || sigs->size() != 1) {
      return fail(ErrorCode::invalid_signature, "intoto entry must record exactly one signature");
    }
    IG_ASSIGN(std::string sig_b64, pbjson::decode_bytes(text_at((*sigs)[0], {"sig"}), "intoto signature"));
    IG_ASSIGN(c.signature, pbjson::decode_bytes(sig_b64, "intoto signature"));
    c.digest_hex = text_at(body, {"spec", "content", "payloadHash", "value"});
    IG_ASSIGN(c.signer_der, signer_der_from_body(text_at((*sigs)[0], {"publicKey"}), "intoto public key"));
    return c;
  }
  if (kind == "dsse" && version == "0.0.1") {
    const json* sigs = at(body, {"spec", "signatures"});
    if (sigs == nullptr || !sigs->is_array() || sigs->size() != 1) {
      return fail(ErrorCode::invalid_signature, "dsse entry must record exactly one signature");
    }
    IG_ASSIGN(c.signature, pbjson::decode_bytes(text_at((*sigs)[0], {"signature"}), "dsse signature"));
    c.digest_hex = text_at(body, {"spec", "payloadHash", "value"});
    IG_ASSIGN(c.signer_der, signer_der_from_body(text_at((*sigs)[0], {"verifier"}), "dsse verifier"));
    return c;
  }
  return fail(ErrorCode::invalid_signature, "transparency log entry kind {} {} is not supported (hashedrekord 0.0.1 "
              "and 0.0.2, intoto 0.0.2, dsse 0.0.1 and 0.0.2 are)", kind, version);
}

}  // namespace

std::string merkle_leaf_hash(std::string_view leaf) { return sha256_raw(std::string_view("\x00", 1), leaf); }

std::string merkle_node_hash(std::string_view left, std::string_view right) {
  return sha256_raw("\x01", left, right);
}

Result<void> verify_merkle_inclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                                     const std::vector<std::string>& proof, std::string_view root) {
  if (index < 0 || tree_size <= 0 || index >= tree_size) {
    return fail(ErrorCode::invalid_signature, "inclusion proof: leaf index {} is outside a tree of {} leaves", index,
                tree_size);
  }
  uint64_t fn = static_cast<uint64_t>(index);
  uint64_t sn = static_cast<uint64_t>(tree_size - 1);
  std::string r(leaf_hash);
  for (const auto& p : proof) {
    if (p.size() != 32) return fail(ErrorCode::invalid_signature, "inclusion proof: a hash is {} bytes, not 32", p.size());
    if (sn == 0) return fail(ErrorCode::invalid_signature, "inclusion proof is longer than the tree is deep");
    if ((fn & 1) != 0 || fn == sn) {
      r = merkle_node_hash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return fail(ErrorCode::invalid_signature, "inclusion proof is shorter than the tree is deep");
  if (r != root) {
    return fail(ErrorCode::invalid_signature, "inclusion proof does not lead to the root hash {} (computed {})",
                hex(root), hex(r));
  }
  return {};
}

std::vector<std::string> note_key_hints(const LogKey& log, std::string_view name) {
  std::vector<std::string> hints{log.log_id.substr(0, 4)};
  if (log.key.type() == KeyType::ed25519) {
    unsigned char raw[64];
    size_t n = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(log.key.raw(), raw, &n) == 1) {
      std::string id = sha256_raw(name, std::string_view("\n\x01", 2),
                                  std::string_view(reinterpret_cast<const char*>(raw), n));
      hints.push_back(id.substr(0, 4));
    }
  }
  return hints;
}

Result<Checkpoint> verify_checkpoint(std::string_view note, const LogKey& log) {
  size_t split = note.find("\n\n");
  if (split == std::string_view::npos) return fail(ErrorCode::invalid_signature, "checkpoint has no signature block");
  std::string_view text = note.substr(0, split + 1);
  auto body = lines(text);
  if (body.size() < 4) return fail(ErrorCode::invalid_signature, "checkpoint has fewer than 3 lines");
  Checkpoint cp;
  cp.origin = std::string(body[0]);
  IG_ASSIGN(cp.tree_size, parse_size(body[1]));
  IG_ASSIGN(cp.root_hash, pbjson::decode_bytes(body[2], "checkpoint root hash"));
  bool matched = false;
  size_t signatures = 0;
  // Co-signed notes carry a line per witness, in any order: only the lines
  // under one of the log's own key hints are tried, the rest are not ours.
  for (auto line : lines(note.substr(split + 2))) {
    if (!line.starts_with(k_note_dash) || ++signatures > k_max_note_signatures) continue;
    line.remove_prefix(k_note_dash.size());
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos) continue;
    auto raw = base64_decode(line.substr(sp + 1), "checkpoint signature");
    if (!raw || raw->size() < 5) continue;
    auto hints = note_key_hints(log, line.substr(0, sp));
    if (std::find(hints.begin(), hints.end(), std::string_view(*raw).substr(0, 4)) == hints.end()) continue;
    matched = true;
    if (log.key.verify(text, std::string_view(*raw).substr(4))) return cp;
  }
  std::string log_name = log.base_url.empty() ? hex(log.log_id) : log.base_url;
  if (matched) return fail(ErrorCode::invalid_signature, "checkpoint signature does not verify with the log key of {}", log_name);
  return fail(ErrorCode::invalid_signature, "checkpoint carries no signature by the log {} ({} signature line(s), none "
              "under its key hint)", log_name, signatures);
}

Result<void> verify_signed_entry_timestamp(const TlogEntry& entry, const LogKey& log) {
  if (entry.signed_entry_timestamp.empty()) return fail(ErrorCode::invalid_signature, "entry has no signed entry timestamp");
  json payload = {{"body", base64_encode(entry.canonicalized_body)},
                  {"integratedTime", entry.integrated_time},
                  {"logID", hex(entry.log_id)},
                  {"logIndex", entry.log_index}};
  IG_ASSIGN(std::string canonical, pbjson::canonical_json(payload));
  if (!log.key.verify(canonical, entry.signed_entry_timestamp)) {
    return fail(ErrorCode::invalid_signature, "signed entry timestamp of log entry {} does not verify with the key of {}",
                entry.log_index, log.base_url.empty() ? hex(log.log_id) : log.base_url);
  }
  return {};
}

Result<void> verify_inclusion_proof(const TlogEntry& entry, const LogKey& log) {
  if (!entry.inclusion_proof) return fail(ErrorCode::invalid_signature, "entry has no inclusion proof");
  const InclusionProof& p = *entry.inclusion_proof;
  IG_TRY(verify_merkle_inclusion(p.log_index, p.tree_size, merkle_leaf_hash(entry.canonicalized_body), p.hashes,
                                 p.root_hash));
  if (p.checkpoint.empty()) return fail(ErrorCode::invalid_signature, "inclusion proof has no signed checkpoint");
  IG_ASSIGN(Checkpoint cp, verify_checkpoint(p.checkpoint, log));
  if (cp.root_hash != p.root_hash || cp.tree_size != p.tree_size) {
    return fail(ErrorCode::invalid_signature, "checkpoint names root {} of {} leaves, the inclusion proof root {} of {}",
                hex(cp.root_hash), cp.tree_size, hex(p.root_hash), p.tree_size);
  }
  return {};
}

Result<void> verify_log_validity(const TlogEntry& entry, const LogKey& log, const std::vector<int64_t>& timestamps) {
  std::string where = fmt::format("log index {}", entry.log_index);
  std::string log_name = log.base_url.empty() ? hex(log.log_id) : log.base_url;
  if (entry.integrated_time != 0) {
    if (!log.valid.contains(entry.integrated_time)) {
      return fail(ErrorCode::invalid_signature, "{}: integrated at {}, outside the validity of log {}", where,
                  pbjson::format_rfc3339(entry.integrated_time), log_name);
    }
    return {};
  }
  if (timestamps.empty()) {
    return fail(ErrorCode::invalid_signature, "{}: the entry has no integrated time (a Rekor v2 entry) and the bundle no "
                "verified RFC 3161 timestamp, so when it was logged is unknown; sign with a timestamp authority "
                "(cosign does by default with Rekor v2)", where);
  }
  for (int64_t t : timestamps) {
    if (!log.valid.contains(t)) {
      return fail(ErrorCode::invalid_signature, "{}: timestamped at {}, outside the validity of log {}", where,
                  pbjson::format_rfc3339(t), log_name);
    }
  }
  return {};
}

Result<void> verify_tlog_body(const TlogEntry& entry, const SignedContent& content) {
  IG_ASSIGN(json body, pbjson::parse(entry.canonicalized_body, "transparency log entry body"));
  std::string kind = pbjson::string_or(body, "kind", "");
  std::string version = pbjson::string_or(body, "apiVersion", "");
  if (kind != entry.kind || version != entry.version) {
    return fail(ErrorCode::invalid_signature, "log entry body is {} {} but the bundle says {} {}", kind, version,
                entry.kind, entry.version);
  }
  IG_ASSIGN(LoggedContent logged, logged_content(body, kind, version));
  if (logged.signature != content.signature) {
    return fail(ErrorCode::invalid_signature, "the log entry records a different signature than the bundle's");
  }
  // Rekor v2 logs a DSSE envelope as hashedrekord 0.0.2 over its PAE (rekor-v2 spec 6.1.4);
  // only that kind/version may bind an envelope that way.
  const bool dsse_as_hashedrekord = !content.pae_digest_hex.empty() && kind == "hashedrekord" && version == "0.0.2";
  const std::string& signed_digest = dsse_as_hashedrekord ? content.pae_digest_hex : content.digest_hex;
  if (logged.digest_hex != signed_digest) {
    return fail(ErrorCode::invalid_signature, "the log entry records digest {} but the bundle signs {}",
                logged.digest_hex, signed_digest);
  }
  if (logged.signer_der != content.signer_der) {
    return fail(ErrorCode::invalid_signature, "the log entry records a different {} than the bundle's",
                content.signer_is_certificate ? "certificate" : "public key");
  }
  return {};
}

}  // namespace ig::sign
