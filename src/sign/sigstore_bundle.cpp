#include "sign/sigstore_bundle.h"

#include "sign/sigstore_json.h"

namespace ig::sign {

namespace {

using pbjson::json;

// Real bundles carry one or two of each; the caps bound the work per bundle.
constexpr size_t k_max_entries = 32;
constexpr size_t k_max_proof_hashes = 64;  // a Merkle tree of 2^64 leaves

Result<int> bundle_minor_version(std::string_view media_type) {
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.1") return 1;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.2") return 2;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.3" || media_type == k_bundle_media_type_v03) {
    return 3;
  }
  return fail(ErrorCode::invalid_signature,
              "bundle media type '{}' is not a known Sigstore bundle version (0.1, 0.2, 0.3)", media_type);
}

Result<const json*> array(const json& obj, std::string_view key, std::string_view path, size_t max) {
  const json* m = pbjson::member(obj, key);
  if (m == nullptr) return nullptr;
  if (!m->is_array()) return fail(ErrorCode::invalid_signature, "{}.{} is not an array", path, key);
  if (m->size() > max) return fail(ErrorCode::invalid_signature, "{}.{} has {} items, more than {}", path, key, m->size(), max);
  return m;
}

Result<InclusionProof> parse_inclusion_proof(const json& j, const std::string& path) {
  InclusionProof p;
  IG_ASSIGN(p.log_index, pbjson::int64(j, "logIndex", path));
  IG_ASSIGN(p.tree_size, pbjson::int64(j, "treeSize", path));
  IG_ASSIGN(p.root_hash, pbjson::bytes(j, "rootHash", path));
  IG_ASSIGN(const json* hashes, array(j, "hashes", path, k_max_proof_hashes));
  if (hashes != nullptr) {
    for (size_t i = 0; i < hashes->size(); ++i) {
      const json& h = (*hashes)[i];
      if (!h.is_string()) return fail(ErrorCode::invalid_signature, "{}.hashes[{}] is not a string", path, i);
      IG_ASSIGN(std::string raw, pbjson::decode_bytes(h.get<std::string>(), fmt::format("{}.hashes[{}]", path, i)));
      p.hashes.push_back(std::move(raw));
    }
  }
  if (const json* cp = pbjson::member(j, "checkpoint"); cp != nullptr) {
    IG_ASSIGN(p.checkpoint, pbjson::string(*cp, "envelope", path + ".checkpoint"));
  }
  return p;
}

Result<TlogEntry> parse_tlog_entry(const json& j, const std::string& path) {
  TlogEntry e;
  IG_ASSIGN(e.log_index, pbjson::int64(j, "logIndex", path));
  IG_ASSIGN(const json* log_id, pbjson::object(j, "logId", path));
  IG_ASSIGN(e.log_id, pbjson::bytes(*log_id, "keyId", path + ".logId"));
  IG_ASSIGN(const json* kv, pbjson::object(j, "kindVersion", path));
  IG_ASSIGN(e.kind, pbjson::string(*kv, "kind", path + ".kindVersion"));
  IG_ASSIGN(e.version, pbjson::string(*kv, "version", path + ".kindVersion"));
  IG_ASSIGN(e.integrated_time, pbjson::int64(j, "integratedTime", path));
  if (const json* promise = pbjson::member(j, "inclusionPromise"); promise != nullptr) {
    IG_ASSIGN(e.signed_entry_timestamp, pbjson::bytes(*promise, "signedEntryTimestamp", path + ".inclusionPromise"));
  }
  if (const json* proof = pbjson::member(j, "inclusionProof"); proof != nullptr) {
    IG_ASSIGN(e.inclusion_proof, parse_inclusion_proof(*proof, path + ".inclusionProof"));
  }
  IG_ASSIGN(e.canonicalized_body, pbjson::bytes(j, "canonicalizedBody", path));
  return e;
}

Result<void> parse_verification_material(const json& vm, SigstoreBundle& b) {
  const std::string path = "verificationMaterial";
  if (const json* chain = pbjson::member(vm, "x509CertificateChain"); chain != nullptr) {
    IG_ASSIGN(const json* certs, array(*chain, "certificates", path + ".x509CertificateChain", k_max_entries));
    for (size_t i = 0; certs != nullptr && i < certs->size(); ++i) {
      IG_ASSIGN(std::string der, pbjson::bytes((*certs)[i], "rawBytes", fmt::format("{}.x509CertificateChain.certificates[{}]", path, i)));
      b.certificates.push_back(std::move(der));
    }
    if (b.certificates.empty()) return fail(ErrorCode::invalid_signature, "{}.x509CertificateChain has no certificates", path);
  } else if (const json* cert = pbjson::member(vm, "certificate"); cert != nullptr) {
    IG_ASSIGN(std::string der, pbjson::bytes(*cert, "rawBytes", path + ".certificate"));
    b.certificates.push_back(std::move(der));
  } else if (const json* key = pbjson::member(vm, "publicKey"); key != nullptr) {
    b.public_key_hint = pbjson::string_or(*key, "hint", "");
  } else {
    return fail(ErrorCode::invalid_signature, "{} has no certificate, certificate chain or public key", path);
  }
  IG_ASSIGN(const json* entries, array(vm, "tlogEntries", path, k_max_entries));
  for (size_t i = 0; entries != nullptr && i < entries->size(); ++i) {
    IG_ASSIGN(TlogEntry e, parse_tlog_entry((*entries)[i], fmt::format("{}.tlogEntries[{}]", path, i)));
    // v0.1 promised an SET; from v0.2 on the inclusion proof is what counts.
    if (b.minor_version == 1 && e.signed_entry_timestamp.empty()) {
      return fail(ErrorCode::invalid_signature, "{}.tlogEntries[{}]: bundle v0.1 requires an inclusion promise", path, i);
    }
    if (b.minor_version >= 2 && !e.inclusion_proof) {
      return fail(ErrorCode::invalid_signature, "{}.tlogEntries[{}]: bundle v0.{} requires an inclusion proof", path, i,
                  b.minor_version);
    }
    b.tlog_entries.push_back(std::move(e));
  }

  if (const json* tvd = pbjson::member(vm, "timestampVerificationData"); tvd != nullptr) {
    IG_ASSIGN(const json* ts, array(*tvd, "rfc3161Timestamps", path + ".timestampVerificationData", k_max_entries));
    for (size_t i = 0; ts != nullptr && i < ts->size(); ++i) {
      IG_ASSIGN(std::string der, pbjson::bytes((*ts)[i], "signedTimestamp",
                                               fmt::format("{}.timestampVerificationData.rfc3161Timestamps[{}]", path, i)));
      b.rfc3161_timestamps.push_back(std::move(der));
    }
  }
  return {};
}

Result<DsseEnvelope> parse_dsse(const json& j) {
  const std::string path = "dsseEnvelope";
  DsseEnvelope d;
  IG_ASSIGN(d.payload, pbjson::bytes(j, "payload", path));
  IG_ASSIGN(d.payload_type, pbjson::string(j, "payloadType", path));
  IG_ASSIGN(const json* sigs, array(j, "signatures", path, k_max_entries));
  for (size_t i = 0; sigs != nullptr && i < sigs->size(); ++i) {
    std::string p = fmt::format("{}.signatures[{}]", path, i);
    DsseSignature s;
    s.keyid = pbjson::string_or((*sigs)[i], "keyid", "");
    IG_ASSIGN(s.sig, pbjson::bytes((*sigs)[i], "sig", p));
    d.signatures.push_back(std::move(s));
  }
  if (d.signatures.size() != 1) {
    return fail(ErrorCode::invalid_signature, "{} has {} signatures; a Sigstore bundle carries exactly one", path,
                d.signatures.size());
  }
  return d;
}

Result<MessageSignature> parse_message_signature(const json& j) {
  const std::string path = "messageSignature";
  MessageSignature m;
  if (const json* md = pbjson::member(j, "messageDigest"); md != nullptr) {
    IG_ASSIGN(m.digest_algorithm, pbjson::string(*md, "algorithm", path + ".messageDigest"));
    IG_ASSIGN(m.digest, pbjson::bytes(*md, "digest", path + ".messageDigest"));
  }
  IG_ASSIGN(m.signature, pbjson::bytes(j, "signature", path));
  return m;
}

}  // namespace

const std::string& SigstoreBundle::signature_bytes() const {
  return message_signature ? message_signature->signature : dsse_envelope->signatures.front().sig;
}

Result<SigstoreBundle> parse_sigstore_bundle(std::string_view text) {
  if (text.size() > k_max_bundle_size) {
    return fail(ErrorCode::invalid_signature, "bundle of {} bytes is larger than the {} byte limit", text.size(),
                k_max_bundle_size);
  }
  IG_ASSIGN(json j, pbjson::parse(text, "bundle"));
  SigstoreBundle b;
  IG_ASSIGN(b.media_type, pbjson::string(j, "mediaType", "bundle"));
  IG_ASSIGN(b.minor_version, bundle_minor_version(b.media_type));
  IG_ASSIGN(const json* vm, pbjson::object(j, "verificationMaterial", "bundle"));
  IG_TRY(parse_verification_material(*vm, b));
  const json* ms = pbjson::member(j, "messageSignature");
  const json* dsse = pbjson::member(j, "dsseEnvelope");
  if ((ms == nullptr) == (dsse == nullptr)) {
    return fail(ErrorCode::invalid_signature, "bundle must hold exactly one of messageSignature and dsseEnvelope");
  }
  if (ms != nullptr) {
    IG_ASSIGN(b.message_signature, parse_message_signature(*ms));
  } else {
    IG_ASSIGN(b.dsse_envelope, parse_dsse(*dsse));
  }
  return b;
}

}  // namespace ig::sign
