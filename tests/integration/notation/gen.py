#!/usr/bin/env python3
"""Notation test material made with the openssl CLI, independent of imagegate.

  gen.py pki DIR
      Test CAs, signing certificates and a TSA under DIR, and a Notation trust
      store at DIR/store/x509/{ca,signingAuthority,tsa}/<name>/.
  gen.py sign DIR OUT --format jws|cose --digest D --size N --media-type T [options]
      Writes a Notation signature envelope over {targetArtifact: descriptor}.
  gen.py push HOST REPO ENVELOPE --digest D --size N --media-type T [--legacy]
      Pushes ENVELOPE as a Notation signature of the image over the registry
      API, and makes the referrers fallback tag (sha256-<hex>) list it alone.

Signatures come from `openssl dgst -sign`; ECDSA's DER output is converted to
the raw r||s form both envelope formats use. CBOR is written by hand (a few
lines) so no extra Python package is needed.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import urllib.request

PAYLOAD_CTY = "application/vnd.cncf.notary.payload.v1+json"
SUBJECT = "/C=US/ST=WA/L=Seattle/O=example.io/OU=Build/CN=builder"
OTHER_SUBJECT = "/C=US/ST=WA/O=other.io/CN=someone"
AWS_PROFILE = "arn:aws:signer:us-west-2:123456789012:/signing-profiles/ig_test/abcdef1234"
AWS_JOB = "arn:aws:signer:us-west-2:123456789012:/signing-jobs/1a2b3c4d-0000-1111-2222-333344445555"


def openssl(*args, data=None):
    return subprocess.run(("openssl",) + args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=True).stdout


# Every certificate is valid from a fixed date long past to one far ahead, so
# no signing time or timestamp a test makes (under load, or with the clock
# moved by faketime) falls outside it. `openssl req -x509 -days` and
# `openssl x509 -req` start at the current second, which a timestamp's
# accuracy window can precede; `openssl ca` takes explicit dates.
NOT_BEFORE = "20200101000000Z"
NOT_AFTER = "20491231235959Z"


def ca_sign(d, name, ca, extensions):
    with open(f"{d}/{name}.ext", "w") as f:
        f.write(extensions)
    with open(f"{d}/openssl-ca.cnf", "w") as f:
        f.write(f"""[ ca ]
default_ca = test_ca
[ test_ca ]
database = {d}/ca-index.txt
new_certs_dir = {d}/ca-issued
serial = {d}/ca-serial
default_md = sha256
policy = any_dn
unique_subject = no
email_in_dn = no
[ any_dn ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
""")
    os.makedirs(f"{d}/ca-issued", exist_ok=True)
    if not os.path.exists(f"{d}/ca-index.txt"):
        open(f"{d}/ca-index.txt", "w").close()
        with open(f"{d}/ca-serial", "w") as f:
            f.write("1000\n")
    issuer = ["-selfsign", "-keyfile", f"{d}/{name}.key"] if ca is None else \
        ["-cert", f"{d}/{ca}.crt", "-keyfile", f"{d}/{ca}.key"]
    openssl("ca", "-batch", "-config", f"{d}/openssl-ca.cnf", "-preserveDN", "-notext", "-startdate", NOT_BEFORE,
            "-enddate", NOT_AFTER, *issuer, "-extfile", f"{d}/{name}.ext", "-in", f"{d}/{name}.csr",
            "-out", f"{d}/{name}.crt")


def make_ca(d, name, subj):
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", subj, "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr")
    ca_sign(d, name, None, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
            "subjectKeyIdentifier=hash\n")


def make_leaf(d, name, subj, ca, key="ec", eku="codeSigning", extra=""):
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if key == "ec" else ["-newkey", "rsa:3072"]
    openssl("req", "-new", *newkey, "-nodes", "-subj", subj, "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr")
    ca_sign(d, name, ca, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            f"extendedKeyUsage=critical,{eku}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n{extra}")


def install(d, kind, store, ca):
    os.makedirs(f"{d}/store/x509/{kind}/{store}", exist_ok=True)
    with open(f"{d}/{ca}.crt") as src, open(f"{d}/store/x509/{kind}/{store}/{ca}.pem", "w") as dst:
        dst.write(src.read())


def cmd_pki(d):
    os.makedirs(d, exist_ok=True)
    make_ca(d, "root", "/C=US/ST=WA/O=example.io/CN=Test Root")
    make_leaf(d, "signer", SUBJECT, "root")
    make_leaf(d, "rsa_signer", SUBJECT, "root", key="rsa")
    make_leaf(d, "other_signer", OTHER_SUBJECT, "root")
    make_leaf(d, "ocsp_signer", SUBJECT, "root", extra="authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp\n")
    make_ca(d, "rogue", "/C=US/ST=WA/O=example.io/CN=Rogue Root")
    make_leaf(d, "rogue_signer", SUBJECT, "rogue")
    make_ca(d, "aws_root", "/C=US/ST=WA/L=Seattle/O=Amazon/OU=AWS Signer/CN=Test AWS Signer Root")
    make_leaf(d, "aws_signer", "/C=US/ST=WA/L=Seattle/O=Amazon/OU=AWS Signer/CN=ig_test", "aws_root")
    make_ca(d, "tsa_root", "/C=US/ST=WA/O=example.io/CN=Test TSA Root")
    make_leaf(d, "tsa", "/C=US/ST=WA/O=example.io/CN=Test TSA", "tsa_root", eku="timeStamping")
    install(d, "ca", "test", "root")
    install(d, "signingAuthority", "aws", "aws_root")
    install(d, "tsa", "test-tsa", "tsa_root")
    with open(f"{d}/tsa.cnf", "w") as f:
        f.write(f"""[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = {d}/tsaserial
signer_cert = {d}/tsa.crt
signer_key = {d}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
""")
    with open(f"{d}/tsaserial", "w") as f:
        f.write("01\n")


def der_ecdsa_to_raw(der, n):
    # SEQUENCE { INTEGER r, INTEGER s } with short or long length forms.
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        length = der[i + 1]
        out += der[i + 2:i + 2 + length].lstrip(b"\x00").rjust(n, b"\x00")
        i += 2 + length
    return out


def sign(key, data, rsa):
    if rsa:
        return openssl("dgst", "-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
                       "-sign", key, data=data)
    return der_ecdsa_to_raw(openssl("dgst", "-sha256", "-sign", key, data=data), 32)


def cert_der(path):
    return openssl("x509", "-in", path, "-outform", "DER")


def timestamp(d, signature):
    with tempfile.TemporaryDirectory() as t:
        with open(f"{t}/sig", "wb") as f:
            f.write(signature)
        openssl("ts", "-query", "-data", f"{t}/sig", "-sha256", "-cert", "-no_nonce", "-out", f"{t}/q.tsq")
        openssl("ts", "-reply", "-config", f"{d}/tsa.cnf", "-queryfile", f"{t}/q.tsq", "-token_out",
                "-out", f"{t}/token.der")
        with open(f"{t}/token.der", "rb") as f:
            return f.read()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def rfc3339(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def cbor(v):
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | ai]) + struct.pack(fmt, n)
        raise ValueError(n)
    if isinstance(v, Tag):
        return head(6, v.tag) + cbor(v.value)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(type(v))


def signed_attributes(a, now):
    """Signed attributes as (label, value) with times as Unix seconds, and crit."""
    attrs = {"io.cncf.notary.signingScheme": a.scheme}
    crit = ["io.cncf.notary.signingScheme"]
    if a.scheme == "notary.x509":
        attrs["io.cncf.notary.signingTime"] = now
    else:
        attrs["io.cncf.notary.authenticSigningTime"] = now
        crit.append("io.cncf.notary.authenticSigningTime")
    if a.expiry_offset is not None:
        attrs["io.cncf.notary.expiry"] = now + a.expiry_offset
        crit.append("io.cncf.notary.expiry")
    if a.aws:
        attrs["com.amazonaws.signer.signingProfileVersion"] = AWS_PROFILE
        attrs["com.amazonaws.signer.signingJob"] = AWS_JOB
        attrs["io.cncf.notary.verificationPlugin"] = "com.amazonaws.signer.notation.plugin"
        crit += ["com.amazonaws.signer.signingProfileVersion", "com.amazonaws.signer.signingJob",
                 "io.cncf.notary.verificationPlugin"]
    if a.unknown_critical:
        attrs["com.example.mustUnderstand"] = "yes"
        crit.append("com.example.mustUnderstand")
    return attrs, crit


TIME_LABELS = ("io.cncf.notary.signingTime", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry")


def make_jws(a, payload, chain, key, rsa, now):
    attrs, crit = signed_attributes(a, now)
    hdr = {"alg": "PS384" if rsa else "ES256", "cty": PAYLOAD_CTY, "crit": crit}
    for k, v in attrs.items():
        hdr[k] = rfc3339(v) if k in TIME_LABELS else v
    protected = b64url(json.dumps(hdr).encode())
    payload64 = b64url(payload)
    sig = sign(key, f"{protected}.{payload64}".encode(), rsa)
    header = {"x5c": [base64.b64encode(c).decode() for c in chain], "io.cncf.notary.signingAgent": "ig-test/1.0"}
    if a.timestamp:
        header["io.cncf.notary.timestampSignature"] = base64.b64encode(timestamp(a.dir, sig)).decode()
    if a.tamper:
        payload64 = b64url(payload.replace(b'"size"', b'"annotations":{"x":"y"},"size"'))
    return json.dumps({"payload": payload64, "protected": protected, "header": header,
                       "signature": b64url(sig)}).encode()


def make_cose(a, payload, chain, key, rsa, now):
    attrs, crit = signed_attributes(a, now)
    hdr = {1: -38 if rsa else -7, 2: crit, 3: PAYLOAD_CTY}
    for k, v in attrs.items():
        hdr[k] = Tag(1, v) if k in TIME_LABELS else v
    protected = cbor(hdr)
    sig = sign(key, cbor(["Signature1", protected, b"", payload]), rsa)
    unprotected = {33: chain, "io.cncf.notary.signingAgent": "ig-test/1.0"}
    if a.timestamp:
        unprotected["io.cncf.notary.timestampSignature"] = timestamp(a.dir, sig)
    if a.tamper:
        payload = payload.replace(b'"size"', b'"annotations":{"x":"y"},"size"')
    return cbor(Tag(18, [protected, unprotected, payload, sig]))


def cmd_sign(a):
    d = a.dir
    payload = json.dumps({"targetArtifact": {"mediaType": a.media_type, "digest": a.digest,
                                             "size": a.size}}).encode()
    ca = {"signer": "root", "rsa_signer": "root", "other_signer": "root", "ocsp_signer": "root",
          "rogue_signer": "rogue", "aws_signer": "aws_root"}[a.signer]
    chain = [cert_der(f"{d}/{a.signer}.crt"), cert_der(f"{d}/{ca}.crt")]
    rsa = a.signer == "rsa_signer"
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    make = make_jws if a.format == "jws" else make_cose
    with open(a.out, "wb") as f:
        f.write(make(a, payload, chain, f"{d}/{a.signer}.key", rsa, now))


def http(method, url, body=b"", content_type=None):
    req = urllib.request.Request(url, data=body if method in ("POST", "PUT") else None, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req) as resp:
        return resp.headers, resp.read()


def upload_blob(base, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    headers, _ = http("POST", f"{base}/v2/{repo}/blobs/uploads/")
    loc = headers["Location"]
    if loc.startswith("/"):
        loc = base + loc
    sep = "&" if "?" in loc else "?"
    http("PUT", f"{loc}{sep}digest={digest}", data, "application/octet-stream")
    return {"digest": digest, "size": len(data)}


def cmd_push(a):
    base = f"http://{a.host}"
    with open(a.envelope, "rb") as f:
        envelope = f.read()
    media = "application/jose+json" if a.envelope.endswith(".jws") else "application/cose"
    layer = dict(mediaType=media, **upload_blob(base, a.repo, envelope))
    config_type = "application/vnd.cncf.notary.signature" if a.legacy else "application/vnd.oci.empty.v1+json"
    config = dict(mediaType=config_type, **upload_blob(base, a.repo, b"{}"))
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}
    if not a.legacy:
        manifest["artifactType"] = "application/vnd.cncf.notary.signature"
    manifest.update({"config": config, "layers": [layer],
                     "subject": {"mediaType": a.media_type, "digest": a.digest, "size": a.size},
                     "annotations": {"io.cncf.notary.x509chain.thumbprint#S256": "[]"}})
    body = json.dumps(manifest).encode()
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    http("PUT", f"{base}/v2/{a.repo}/manifests/{digest}", body, manifest["mediaType"])
    entry = {"mediaType": manifest["mediaType"], "digest": digest, "size": len(body),
             "annotations": manifest["annotations"]}
    if not a.legacy:
        entry["artifactType"] = manifest["artifactType"]
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": [entry]}).encode()
    tag = a.digest.replace(":", "-")
    http("PUT", f"{base}/v2/{a.repo}/manifests/{tag}", index, "application/vnd.oci.image.index.v1+json")
    print(digest)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    pk = sub.add_parser("pki")
    pk.add_argument("dir")
    s = sub.add_parser("sign")
    s.add_argument("dir")
    s.add_argument("out")
    s.add_argument("--format", choices=["jws", "cose"], required=True)
    s.add_argument("--digest", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--media-type", default="application/vnd.oci.image.manifest.v1+json")
    s.add_argument("--signer", default="signer")
    s.add_argument("--scheme", default="notary.x509")
    s.add_argument("--expiry-offset", type=int)
    s.add_argument("--aws", action="store_true")
    s.add_argument("--timestamp", action="store_true")
    s.add_argument("--tamper", action="store_true")
    s.add_argument("--unknown-critical", action="store_true")
    u = sub.add_parser("push")
    u.add_argument("host")
    u.add_argument("repo")
    u.add_argument("envelope")
    u.add_argument("--digest", required=True)
    u.add_argument("--size", type=int, required=True)
    u.add_argument("--media-type", default="application/vnd.oci.image.manifest.v1+json")
    u.add_argument("--legacy", action="store_true")
    a = p.parse_args()
    if a.cmd == "push":
        cmd_push(a)
    elif a.cmd == "pki":
        cmd_pki(a.dir)
    else:
        cmd_sign(a)


if __name__ == "__main__":
    sys.exit(main())
