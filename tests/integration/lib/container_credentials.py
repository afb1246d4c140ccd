#!/usr/bin/env python3
"""An ECS/Lambda-style container credentials endpoint for the AWS suites:
GET /creds answers the JSON credentials document when the Authorization header
equals TOKEN, else 401; every request is logged to LOG (path and whether the
token matched). Writes its port to PORT_FILE once listening.
Usage: container_credentials.py PORT_FILE LOG TOKEN ACCESS_KEY SECRET"""
import datetime
import http.server
import json
import sys

port_file, log, token, access_key, secret = sys.argv[1:6]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == token
        with open(log, "a") as f:
            f.write("%s %s\n" % (self.path, "authorized" if ok else "refused"))
        if self.path != "/creds" or not ok:
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        body = json.dumps({"AccessKeyId": access_key, "SecretAccessKey": secret, "Token": "container-session",
                           "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402  (after the bind, so the port file appears only when listening)
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
