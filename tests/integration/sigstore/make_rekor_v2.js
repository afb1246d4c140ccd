// Makes Sigstore bundles shaped as today's public instance makes them: Rekor
// v2 entries (hashedrekord and dsse 0.0.2) with no integrated time and no
// SET, a checkpoint co-signed by a witness whose line comes first, an Ed25519
// log key (PKIX_ED25519 in the trusted root), and an RFC 3161 timestamp for
// the time. @sigstore/mock cannot log such entries (its v2 log records the
// request, not the entry), so this script is the log: it builds the entry
// body, a Merkle tree of several leaves, the inclusion proof and the signed
// note. The certificate, SCT and timestamp still come from @sigstore/mock's
// Fulcio, CT log and TSA through @sigstore/sign. Every good bundle is checked
// with @sigstore/verify before imagegate sees it.
//
// usage: node make_rekor_v2.js OUTDIR   (NODE_PATH points at the npm cache)
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const nock = require('nock');
const mock = require('@sigstore/mock');
const sign = require('@sigstore/sign');
const { bundleToJSON, bundleFromJSON } = require('@sigstore/bundle');
const verify = require('@sigstore/verify');
const { RFC3161Timestamp } = require('@sigstore/core');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const out = process.argv[2];
const FULCIO = 'https://fulcio.mock.test';
const TSA_URL = 'https://tsa.mock.test';
const LOG_NAME = 'log2025-1.rekor.mock.test';
const WITNESS_NAME = 'witness.mock.test';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const b64 = (b) => Buffer.from(b).toString('base64');
const sha256 = (...parts) => { const h = crypto.createHash('sha256'); parts.forEach((p) => h.update(p)); return h.digest(); };
const write = (name, data) => fs.writeFileSync(path.join(out, name), data);
const writeJSON = (name, obj) => write(name, JSON.stringify(obj, null, 2) + '\n');
const ecKeyPair = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const clone = (o) => JSON.parse(JSON.stringify(o));

function token(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

// RFC 8785 for the shapes used here: objects with sorted keys, strings, arrays.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// RFC 6962 Merkle tree hash and audit path over leaves[begin, end).
const leafHash = (leaf) => sha256(Buffer.from([0]), leaf);
const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
function treeHash(leaves, begin, end) {
  if (end - begin === 1) return leafHash(leaves[begin]);
  const k = split(end - begin);
  return sha256(Buffer.from([1]), treeHash(leaves, begin, begin + k), treeHash(leaves, begin + k, end));
}
function auditPath(leaves, m, begin, end) {
  if (end - begin === 1) return [];
  const k = split(end - begin);
  if (m < k) return [...auditPath(leaves, m, begin, begin + k), treeHash(leaves, begin + k, end)];
  return [...auditPath(leaves, m - k, begin + k, end), treeHash(leaves, begin, begin + k)];
}

// An Ed25519 note signer and its C2SP key ID: SHA-256(name || 0x0A || 0x01 || key).
function noteSigner(name) {
  const kp = crypto.generateKeyPairSync('ed25519');
  const der = kp.publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  const keyId = sha256(Buffer.from(name + '\n'), Buffer.from([1]), raw);
  const line = (text) => `\u2014 ${name} ${b64(Buffer.concat([keyId.subarray(0, 4), crypto.sign(null, Buffer.from(text), kp.privateKey)]))}\n`;
  return { name, der, keyId, line };
}

// The Rekor v2 verifier of a signature: the certificate or the public key.
function verifierOf(bundleJSON, pubDer) {
  const cert = bundleJSON.verificationMaterial.certificate;
  if (cert && !pubDer) return { keyDetails: 'PKIX_ECDSA_P256_SHA_256', x509Certificate: { rawBytes: cert.rawBytes } };
  return { keyDetails: 'PKIX_ECDSA_P256_SHA_256', publicKey: { rawBytes: b64(pubDer) } };
}

function hashedRekordBody(bundleJSON, artifact, pubDer) {
  return canonical({
    apiVersion: '0.0.2', kind: 'hashedrekord',
    spec: { hashedRekordV002: {
      data: { algorithm: 'SHA2_256', digest: b64(sha256(artifact)) },
      signature: { content: bundleJSON.messageSignature.signature, verifier: verifierOf(bundleJSON, pubDer) },
    } },
  });
}

function dsseBody(bundleJSON) {
  const env = bundleJSON.dsseEnvelope;
  return canonical({
    apiVersion: '0.0.2', kind: 'dsse',
    spec: { dsseV002: {
      payloadHash: { algorithm: 'SHA2_256', digest: b64(sha256(Buffer.from(env.payload, 'base64'))) },
      signatures: [{ content: env.signatures[0].sig, verifier: verifierOf(bundleJSON) }],
    } },
  });
}

// Logs `bodies` among other entries and returns one tlog entry per body, each
// with its inclusion proof and the shared checkpoint: the witness signs first.
function logEntries(log, witness, bodies) {
  const leaves = [];
  for (let i = 0; i < 3; i++) leaves.push(Buffer.from(`{"other":"entry ${i}"}`));
  const at = bodies.map((body) => { leaves.push(Buffer.from(body)); return leaves.length - 1; });
  leaves.push(Buffer.from('{"other":"later entry"}'));
  const root = treeHash(leaves, 0, leaves.length);
  const text = `${LOG_NAME}\n${leaves.length}\n${b64(root)}\n`;
  const envelope = `${text}\n${witness.line(text)}${log.line(text)}`;
  return bodies.map((body, i) => ({
    logIndex: String(at[i]),
    logId: { keyId: b64(log.keyId) },
    kindVersion: { kind: JSON.parse(body).kind, version: '0.0.2' },
    inclusionProof: {
      logIndex: String(at[i]), rootHash: b64(root), treeSize: String(leaves.length),
      hashes: auditPath(leaves, at[i], 0, leaves.length).map(b64), checkpoint: { envelope },
    },
    canonicalizedBody: b64(body),
  }));
}

function trustedRoot(s, log, start) {
  const ecKey = (raw) => ({ rawBytes: b64(raw), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } });
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: `https://${LOG_NAME}`, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: b64(log.der), keyDetails: 'PKIX_ED25519', validFor: { start } },
      logId: { keyId: b64(log.keyId) },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: FULCIO,
      certChain: { certificates: [{ rawBytes: b64(s.ca.rootCertificate) }] }, validFor: { start },
    }],
    ctlogs: [{
      baseUrl: 'https://ctfe.mock.test', hashAlgorithm: 'SHA2_256', publicKey: ecKey(s.ctlog.publicKey),
      logId: { keyId: b64(s.ctlog.logID) },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: TSA_URL,
      certChain: { certificates: [{ rawBytes: b64(s.tsa.intCertificate) }, { rawBytes: b64(s.tsa.rootCertificate) }] },
      validFor: { start },
    }],
  };
}

function checkWithSigstoreJS(root, bundleJSON, data, keys) {
  const material = verify.toTrustMaterial(TrustedRoot.fromJSON(root), keys);
  const entity = verify.toSignedEntity(bundleFromJSON(bundleJSON), data);
  new verify.Verifier(material, { ctlogThreshold: keys ? 0 : 1 }).verify(entity);
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const artifact = Buffer.from('hello from imagegate\n');
  write('artifact.txt', artifact);
  const statement = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'artifact.txt', digest: { sha256: sha256(artifact).toString('hex') } }],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
    predicate: {},
  }));

  const ctlog = await mock.initializeCTLog(ecKeyPair());
  const s = { ctlog, ca: await mock.initializeCA(ecKeyPair(), ctlog), tsa: await mock.initializeTSA(ecKeyPair()) };
  nock.cleanAll();
  for (const [base, h] of [[FULCIO, mock.fulcioHandler(s.ca)], [TSA_URL, mock.tsaHandler(s.tsa)]]) {
    nock(base).persist().post(h.path).reply(async (_uri, body) => {
      const r = await h.fn(typeof body === 'string' ? body : JSON.stringify(body));
      return [r.statusCode, r.response, { 'Content-Type': r.contentType || 'text/plain' }];
    });
  }
  const fulcio = new sign.FulcioSigner({
    fulcioBaseURL: FULCIO, identityProvider: { getToken: async () => token({ sub: IDENTITY, iss: ISSUER }) },
  });
  const tsaOnly = [new sign.TSAWitness({ tsaBaseURL: TSA_URL })];
  const kp = ecKeyPair();
  const pubDer = kp.publicKey.export({ format: 'der', type: 'spki' });
  write('signing.pub', kp.publicKey.export({ format: 'pem', type: 'spki' }));
  const keySigner = {
    sign: async (data) => ({
      signature: crypto.sign('sha256', data, kp.privateKey),
      key: { $case: 'publicKey', publicKey: kp.publicKey.export({ format: 'pem', type: 'spki' }).toString(), hint: 'k' },
    }),
  };

  // The signatures and their timestamps; the log entries are added below.
  const msg = bundleToJSON(await new sign.MessageSignatureBundleBuilder({ signer: fulcio, witnesses: tsaOnly })
    .create({ data: artifact }));
  const dsse = bundleToJSON(await new sign.DSSEBundleBuilder({ signer: fulcio, witnesses: tsaOnly })
    .create({ data: statement, type: 'application/vnd.in-toto+json' }));
  const keyMsg = bundleToJSON(await new sign.MessageSignatureBundleBuilder({ signer: keySigner, witnesses: tsaOnly })
    .create({ data: artifact }));
  nock.cleanAll();

  for (const b of [msg, dsse, keyMsg]) {
    const vm = b.verificationMaterial;
    if (vm.x509CertificateChain) {
      vm.certificate = vm.x509CertificateChain.certificates[0];
      delete vm.x509CertificateChain;
    }
  }
  const log = noteSigner(LOG_NAME);
  const witness = noteSigner(WITNESS_NAME);
  const bundles = { 'message.v2.json': msg, 'dsse.v2.json': dsse, 'key_message.v2.json': keyMsg };
  const entries = logEntries(log, witness,
    [hashedRekordBody(msg, artifact), dsseBody(dsse), hashedRekordBody(keyMsg, artifact, pubDer)]);
  Object.values(bundles).forEach((b, i) => {
    b.mediaType = V03;
    b.verificationMaterial.tlogEntries = [entries[i]];
  });

  const start = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const root = trustedRoot(s, log, start);
  writeJSON('trusted_root.json', root);
  checkWithSigstoreJS(root, msg, artifact);
  checkWithSigstoreJS(root, dsse);
  checkWithSigstoreJS(root, keyMsg, artifact, (hint) => ({ publicKey: kp.publicKey, validFor: () => true, hint }));
  for (const [name, b] of Object.entries(bundles)) writeJSON(name, b);
  write('statement.json', statement);

  // The log and the TSA both stop being valid at the very second of the
  // timestamp: still valid then, since validFor.end is inclusive.
  const tsTime = RFC3161Timestamp.parse(Buffer.from(
    msg.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64')).signingTime;
  const ends = clone(root);
  const end = new Date(Math.floor(tsTime.getTime() / 1000) * 1000).toISOString();
  ends.tlogs[0].publicKey.validFor.end = end;
  ends.timestampAuthorities[0].validFor.end = end;
  writeJSON('trusted_root_ends_at_timestamp.json', ends);
  // One second earlier, neither covers the entry.
  const endedLog = clone(root);
  endedLog.tlogs[0].publicKey.validFor.end = new Date(Math.floor(tsTime.getTime() / 1000) * 1000 - 1000).toISOString();
  writeJSON('trusted_root_log_ended.json', endedLog);
  // The log signs with a different key: its line no longer verifies.
  const otherLog = clone(root);
  otherLog.tlogs[0].publicKey.rawBytes = b64(noteSigner(LOG_NAME).der);
  writeJSON('trusted_root_other_log_key.json', otherLog);

  // No timestamp: a Rekor v2 entry alone says nothing about when it was made.
  const noTsa = clone(msg);
  delete noTsa.verificationMaterial.timestampVerificationData;
  writeJSON('message_no_timestamp.v2.json', noTsa);
  // Only the witness signed the checkpoint.
  const witnessOnly = clone(msg);
  const env = witnessOnly.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint;
  env.envelope = env.envelope.split('\n').filter((l) => !l.startsWith(`\u2014 ${LOG_NAME} `)).join('\n');
  writeJSON('message_witness_only.v2.json', witnessOnly);
  // The entry records the DSSE bundle's signature, not this one.
  const swapped = clone(msg);
  swapped.verificationMaterial.tlogEntries = clone(dsse.verificationMaterial.tlogEntries);
  writeJSON('message_other_entry.v2.json', swapped);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
