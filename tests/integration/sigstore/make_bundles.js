// Makes real Sigstore bundles with sigstore-js against @sigstore/mock's CA, CT
// log, Rekor and TSA (nock intercepts their HTTP, so nothing leaves the
// machine), plus the trusted_root.json that trusts exactly those services.
// Every good bundle is checked with @sigstore/verify before imagegate sees it,
// so a failure in imagegate's suite is imagegate's, not the fixture's.
//
// usage: node make_bundles.js OUTDIR   (NODE_PATH points at the npm cache)
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const nock = require('nock');
const mock = require('@sigstore/mock');
const sign = require('@sigstore/sign');
const { bundleToJSON, bundleFromJSON } = require('@sigstore/bundle');
const verify = require('@sigstore/verify');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const out = process.argv[2];
const FULCIO = 'https://fulcio.mock.test';
const REKOR = 'https://rekor.mock.test';
const TSA_URL = 'https://tsa.mock.test';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

function keyPair() {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}
const b64 = (b) => Buffer.from(b).toString('base64');
const write = (name, data) => fs.writeFileSync(path.join(out, name), data);
const writeJSON = (name, obj) => write(name, JSON.stringify(obj, null, 2) + '\n');

// An unsigned JWT: the mock Fulcio decodes the claims without checking them.
function token(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

// One set of mock services. `clock` backdates what the CA issues (for the
// expired-certificate case) while Rekor keeps the real time.
async function services(caClock) {
  const ctlog = await mock.initializeCTLog(keyPair());
  const ca = await mock.initializeCA(keyPair(), ctlog, caClock);
  const tlogKeys = keyPair();
  const tlog = await mock.initializeTLog(REKOR, tlogKeys);
  const tsa = await mock.initializeTSA(keyPair());
  return { ctlog, ca, tlog, tsa };
}

function intercept(s) {
  nock.cleanAll();
  const handlers = [
    [FULCIO, mock.fulcioHandler(s.ca)],
    [REKOR, mock.rekorHandler(s.tlog)],
    [TSA_URL, mock.tsaHandler(s.tsa)],
  ];
  for (const [base, h] of handlers) {
    nock(base).persist().post(h.path).reply(async (_uri, body) => {
      const r = await h.fn(typeof body === 'string' ? body : JSON.stringify(body));
      return [r.statusCode, r.response, { 'Content-Type': r.contentType || 'text/plain' }];
    });
  }
}

function trustedRoot(s) {
  const start = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const key = (raw) => ({ rawBytes: b64(raw), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } });
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: REKOR, hashAlgorithm: 'SHA2_256', publicKey: key(s.tlog.publicKey),
      logId: { keyId: b64(crypto.createHash('sha256').update(s.tlog.publicKey).digest()) },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: FULCIO,
      certChain: { certificates: [{ rawBytes: b64(s.ca.rootCertificate) }] }, validFor: { start },
    }],
    ctlogs: [{
      baseUrl: 'https://ctfe.mock.test', hashAlgorithm: 'SHA2_256', publicKey: key(s.ctlog.publicKey),
      logId: { keyId: b64(s.ctlog.logID) },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: TSA_URL,
      certChain: { certificates: [{ rawBytes: b64(s.tsa.intCertificate) }, { rawBytes: b64(s.tsa.rootCertificate) }] },
      validFor: { start },
    }],
  };
}

function fulcioSigner(claims) {
  return new sign.FulcioSigner({
    fulcioBaseURL: FULCIO,
    identityProvider: { getToken: async () => token(claims) },
  });
}

// A key-based signer: the bundle carries only a key hint.
function keySigner(kp, hint) {
  return {
    sign: async (data) => ({
      signature: crypto.sign('sha256', data, kp.privateKey),
      key: { $case: 'publicKey', publicKey: kp.publicKey.export({ format: 'pem', type: 'spki' }).toString(), hint },
    }),
  };
}

const witnesses = (opts = {}) => {
  const w = [];
  if (opts.tlog !== false) w.push(new sign.RekorWitness({ rekorBaseURL: REKOR, entryType: opts.entryType }));
  if (opts.tsa) w.push(new sign.TSAWitness({ tsaBaseURL: TSA_URL }));
  return w;
};

function checkWithSigstoreJS(root, bundleJSON, data, keys) {
  const material = verify.toTrustMaterial(TrustedRoot.fromJSON(root), keys);
  const entity = verify.toSignedEntity(bundleFromJSON(bundleJSON), data);
  new verify.Verifier(material, { ctlogThreshold: keys ? 0 : 1 }).verify(entity);
}

// The same signature in each bundle layout: v0.1 and v0.2 carry a certificate
// chain (v0.1 needs a SET, v0.2 an inclusion proof), v0.3 a single certificate.
const MEDIA_TYPES = {
  'v01': 'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'v02': 'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'v03': 'application/vnd.dev.sigstore.bundle.v0.3+json',
};
function asVersion(bundleJSON, version) {
  const b = JSON.parse(JSON.stringify(bundleJSON));
  b.mediaType = MEDIA_TYPES[version];
  const vm = b.verificationMaterial;
  if (version === 'v03' && vm.x509CertificateChain) {
    vm.certificate = vm.x509CertificateChain.certificates[0];
    delete vm.x509CertificateChain;
  } else if (version !== 'v03' && vm.certificate) {
    vm.x509CertificateChain = { certificates: [vm.certificate] };
    delete vm.certificate;
  }
  return b;
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const claims = { sub: IDENTITY, iss: ISSUER };
  const artifact = Buffer.from('hello from imagegate\n');
  write('artifact.txt', artifact);
  const statement = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'artifact.txt', digest: { sha256: crypto.createHash('sha256').update(artifact).digest('hex') } }],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
    predicate: {},
  }));

  const s = await services();
  intercept(s);
  const root = trustedRoot(s);
  writeJSON('trusted_root.json', root);

  const msg = await new sign.MessageSignatureBundleBuilder({ signer: fulcioSigner(claims), witnesses: witnesses({ tsa: true }) })
    .create({ data: artifact });
  const msgJSON = bundleToJSON(msg);
  for (const v of Object.keys(MEDIA_TYPES)) {
    const b = asVersion(msgJSON, v);
    checkWithSigstoreJS(root, b, artifact);
    writeJSON(`message.${v}.json`, b);
  }

  // DSSE over an in-toto statement, logged as an "intoto" entry (the mock
  // Rekor cannot produce real "dsse" entry bodies), with a timestamp too.
  const dsse = await new sign.DSSEBundleBuilder({ signer: fulcioSigner(claims), witnesses: witnesses({ entryType: 'intoto', tsa: true }) })
    .create({ data: statement, type: 'application/vnd.in-toto+json' });
  const dsseJSON = asVersion(bundleToJSON(dsse), 'v03');
  checkWithSigstoreJS(root, dsseJSON);
  writeJSON('dsse.v03.json', dsseJSON);
  write('statement.json', statement);

  // With IG_IMAGE_DIGEST (sha256 hex of an image manifest), also a DSSE
  // bundle whose statement names that image, as cosign keyless signs images.
  if (process.env.IG_IMAGE_DIGEST) {
    const imageStatement = Buffer.from(JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: process.env.IG_IMAGE_NAME || 'image', digest: { sha256: process.env.IG_IMAGE_DIGEST } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    }));
    const img = await new sign.DSSEBundleBuilder({ signer: fulcioSigner(claims), witnesses: witnesses({ entryType: 'intoto', tsa: true }) })
      .create({ data: imageStatement, type: 'application/vnd.in-toto+json' });
    const imgJSON = asVersion(bundleToJSON(img), 'v03');
    checkWithSigstoreJS(root, imgJSON);
    writeJSON('image_dsse.v03.json', imgJSON);
  }

  // Key-based: a key hint instead of a certificate, logged in Rekor.
  const kp = keyPair();
  write('signing.pub', kp.publicKey.export({ format: 'pem', type: 'spki' }));
  const keyMsg = await new sign.MessageSignatureBundleBuilder({ signer: keySigner(kp, 'test-key'), witnesses: witnesses() })
    .create({ data: artifact });
  checkWithSigstoreJS(root, bundleToJSON(keyMsg), artifact,
    (hint) => ({ publicKey: kp.publicKey, validFor: () => true, hint }));
  writeJSON('key_message.v03.json', bundleToJSON(keyMsg));
  const keyDsse = await new sign.DSSEBundleBuilder({ signer: keySigner(kp, 'test-key'), witnesses: witnesses({ tlog: false }) })
    .create({ data: statement, type: 'application/vnd.in-toto+json' });
  writeJSON('key_dsse_notlog.v03.json', bundleToJSON(keyDsse));

  // Expired: the CA's clock is an hour behind Rekor's, so at integratedTime
  // the ten-minute certificate has long expired.
  const old = await services(new Date(Date.now() - 3600 * 1000));
  intercept(old);
  const expired = await new sign.MessageSignatureBundleBuilder({ signer: fulcioSigner(claims), witnesses: witnesses() })
    .create({ data: artifact });
  writeJSON('expired.v03.json', asVersion(bundleToJSON(expired), 'v03'));
  writeJSON('trusted_root_expired.json', trustedRoot(old));

  // A second, unrelated set of services: its trusted root trusts nothing the
  // good bundles used.
  const other = await services();
  writeJSON('trusted_root_other.json', trustedRoot(other));
  // Only the CA differs: the log and CT keys are the good ones.
  const otherCA = trustedRoot(s);
  otherCA.certificateAuthorities = trustedRoot(other).certificateAuthorities;
  writeJSON('trusted_root_other_ca.json', otherCA);
  // Only the transparency log differs (timestamps are checked before logs).
  const otherLog = trustedRoot(s);
  otherLog.tlogs = trustedRoot(other).tlogs;
  writeJSON('trusted_root_other_log.json', otherLog);
  nock.cleanAll();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
