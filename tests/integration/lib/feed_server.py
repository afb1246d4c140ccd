#!/usr/bin/env python3
"""A static HTTP server for a mirror of advisory feeds, with faults on demand.

Used by tests/integration/db_update.sh. Serves the files under --root with a
strong ETag (the SHA-256 of the content) and Last-Modified, answers 304 to a
matching If-None-Match (or, without one, If-Modified-Since), and listens on
127.0.0.1 on a free port, written to --port-file once ready. One line per
request goes to --log: "METHOD PATH STATUS BYTES-SENT".

Faults are read from --faults (a JSON file re-read on each request, so a test
can change them between runs): {"/url/path": {"mode": M, "count": N}}; the
first N requests for the path (all, without count) get:
  500        HTTP 500
  truncate   the full Content-Length, half the body, then the connection closes
  badlength  a Content-Length 100 bytes larger than the body, then the
             connection closes after the body
  hang       the request is logged and never answered (the connection stays
             open until the client goes away)
"""
import argparse
import email.utils
import hashlib
import http.server
import json
import os
import threading
import urllib.parse

LOCK = threading.Lock()
SERVED = {}  # path -> faulty responses given so far


def fault_for(faults_file, path):
    try:
        with open(faults_file) as f:
            faults = json.load(f)
    except (OSError, ValueError):
        return None
    rule = faults.get(path)
    if not rule:
        return None
    with LOCK:
        n = SERVED.get(path, 0)
        if "count" in rule and n >= rule["count"]:
            return None
        SERVED[path] = n + 1
    return rule["mode"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status, sent):
        with LOCK, open(self.server.log, "a") as f:
            f.write(f"{self.command} {self.path} {status} {sent}\n")

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        fault = fault_for(self.server.faults, self.path)
        if fault == "hang":
            self.record("hang", 0)
            threading.Event().wait()
        if fault == "500":
            body = b"internal error\n"
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.record(500, len(body))
            return
        file = os.path.realpath(os.path.join(self.server.root, path.lstrip("/")))
        if not file.startswith(self.server.root + os.sep) or not os.path.isfile(file):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.record(404, 0)
            return
        with open(file, "rb") as f:
            data = f.read()
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        modified = email.utils.formatdate(os.stat(file).st_mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm is not None and inm == etag) or (inm is None and ims == modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            self.record(304, 0)
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        if fault == "truncate":
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            self.record("200-truncated", len(data) // 2)
            return
        if fault == "badlength":
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True
            self.record("200-badlength", len(data))
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.record(200, len(data))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--faults", required=True)
    a = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.root = os.path.realpath(a.root)
    server.log = a.log
    server.faults = a.faults
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
