#!/usr/bin/env python3
"""A reverse proxy in front of a real docker-registry that injects faults.

Used by tests/integration/registry_*.sh to check that imagegate retries,
backs off and resumes. It listens on 127.0.0.1 on a free port, which it writes
to --port-file once it is ready, and logs one line per request to --log:
"METHOD PATH RANGE-HEADER STATUS".

Modes (--mode, comma-separated):
  429:N      the first N requests get 429 with Retry-After: 0
  500        every request gets 500
  cut:K      the first GET of each blob sends the full Content-Length but only
             K bytes, then closes the connection
  norange    Range headers are dropped, so the registry answers 200, not 206
  badmanifest:TAG  GET/HEAD of manifest TAG returns a malformed JSON manifest
  bearer:USER:PASS a Bearer token service on /token (Basic USER:PASS required,
             or anonymous when USER is empty); registry requests without a
             token it issued get 401 with a Bearer challenge. The token comes as
             "access_token". Token requests are logged as "TOKEN scope user".
"""
import argparse
import base64
import http.client
import secrets
import urllib.parse
import http.server
import sys
import threading

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}
BAD_MANIFEST = b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": 42'


class State:
    def __init__(self, modes):
        self.lock = threading.Lock()
        self.requests = 0
        self.cut_done = set()
        self.too_many = 0
        self.always_500 = False
        self.cut = None
        self.norange = False
        self.bad_tag = None
        self.bearer = None
        self.tokens = set()
        for m in filter(None, modes.split(",")):
            name, _, arg = m.partition(":")
            if name == "429":
                self.too_many = int(arg)
            elif name == "500":
                self.always_500 = True
            elif name == "cut":
                self.cut = int(arg)
            elif name == "norange":
                self.norange = True
            elif name == "badmanifest":
                self.bad_tag = arg
            elif name == "bearer":
                user, _, password = arg.partition(":")
                self.bearer = (user, password)
            else:
                raise SystemExit(f"unknown mode {m}")


def make_handler(upstream, state, log):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def record(self, status):
            with state.lock:
                log.write(f"{self.command} {self.path} {self.headers.get('Range', '-')} {status}\n")
                log.flush()

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(status)

        def token_service(self, body):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            if self.command == "POST":  # OAuth2 refresh-token grant; PASS is the refresh token
                query = urllib.parse.parse_qs((body or b"").decode())
            scope = query.get("scope", [""])[0]
            user = "-"
            auth = self.headers.get("Authorization", "")
            if self.command == "POST":
                if query.get("grant_type") != ["refresh_token"] or query.get("refresh_token") != [state.bearer[1]]:
                    return self.reply(401, b'{"details":"bad refresh token"}')
                user = "refresh-token"
            elif auth.startswith("Basic "):
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                if state.bearer[0] and (user, password) != state.bearer:
                    return self.reply(401, b'{"details":"bad credentials"}')
            elif state.bearer[0]:
                return self.reply(401, b'{"details":"credentials required"}')
            token = secrets.token_hex(16)
            with state.lock:
                state.tokens.add(token)
                log.write(f"TOKEN {scope} {user}\n")
            body = ('{"access_token": "%s", "expires_in": 300}' % token).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])

        def needs_token(self):
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer ") and auth[7:] in state.tokens:
                return False
            parts = self.path.split("/")
            repo = "/".join(parts[2:-2]) if len(parts) > 4 else ""
            host = self.headers.get("Host")
            challenge = (f'Bearer realm="http://{host}/token",service="igtest"'
                         + (f',scope="repository:{repo}:pull"' if repo else ""))
            self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"token required"}]}',
                       [("WWW-Authenticate", challenge)])
            return True

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if state.bearer is not None:
                if self.path.startswith("/token"):
                    return self.token_service(body)
                if self.needs_token():
                    return
            with state.lock:
                state.requests += 1
                n = state.requests
            if n <= state.too_many:
                return self.reply(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                                  [("Retry-After", "0")])
            if state.always_500:
                return self.reply(500, b'{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}')
            if state.bad_tag and self.path.endswith("/manifests/" + state.bad_tag):
                return self.reply(200, BAD_MANIFEST,
                                  [("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if state.bearer is not None:
                headers.pop("Authorization", None)
            if state.norange:
                headers.pop("Range", None)
            conn = http.client.HTTPConnection(upstream, timeout=60)
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            cut = None
            if self.command == "GET" and "/blobs/sha256:" in self.path and state.cut is not None:
                with state.lock:
                    if self.path not in state.cut_done and len(data) > state.cut:
                        state.cut_done.add(self.path)
                        cut = state.cut
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            if cut is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data if cut is None else data[:cut])
            self.record(f"{resp.status}{'-cut' if cut is not None else ''}")
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True, help="host:port of the real registry")
    p.add_argument("--mode", default="")
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    a = p.parse_args()
    state = State(a.mode)
    log = open(a.log, "a")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(a.upstream, state, log))
    server.daemon_threads = True
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
