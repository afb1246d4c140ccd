// Verifies an imagegate bundle with @sigstore/verify and a public key.
// usage: node verify_bundle.js BUNDLE.json KEY.pub -> exit 0 when verified
const fs = require('fs');
const crypto = require('crypto');
const base = process.env.SIGSTORE_NODE_MODULES;
const { bundleFromJSON } = require(base + '/@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require(base + '/@sigstore/verify');
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const publicKey = crypto.createPublicKey(fs.readFileSync(process.argv[3], 'utf8'));
const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [],
  certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
const trust = toTrustMaterial(root, (hint) => ({ publicKey, validFor: () => true }));
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
try {
  verifier.verify(toSignedEntity(bundle));
  console.log('verified');
} catch (e) {
  console.error('not verified: ' + e.message);
  process.exit(1);
}
