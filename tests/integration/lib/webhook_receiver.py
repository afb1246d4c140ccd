#!/usr/bin/env python3
"""A webhook receiver for the check suite: records every POST body as
OUT_DIR/<n>-<first path segment>.json and answers 200, except that the first
request to a path starting with /flaky gets 500 (to exercise retries).
Usage: webhook_receiver.py PORT OUT_DIR"""
import http.server
import os
import sys

port, out = int(sys.argv[1]), sys.argv[2]
state = {"n": 0, "flaky_failed": False}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        state["n"] += 1
        name = self.path.strip("/").split("/")[0] or "root"
        with open(os.path.join(out, "%03d-%s.json" % (state["n"], name)), "wb") as f:
            f.write(body)
        status = 200
        if self.path.startswith("/flaky") and not state["flaky_failed"]:
            state["flaky_failed"] = True
            status = 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
