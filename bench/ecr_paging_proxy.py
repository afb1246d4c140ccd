#!/usr/bin/env python3
"""Pages DescribeImageScanFindings for the ECR findings benchmark: moto
(5.2.1) ignores maxResults and nextToken and answers every request with the
whole seeded result, so this proxy forwards each request to moto unchanged
and, for DescribeImageScanFindings only, hands out the enhanced findings
PAGE at a time, with nextToken "o<offset>" as a real service pages them.
Usage: ecr_paging_proxy.py PORT MOTO_URL PAGE"""
import http.server
import json
import sys
import urllib.error
import urllib.request

port, moto, page = int(sys.argv[1]), sys.argv[2].rstrip("/"), int(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        req = urllib.request.Request(moto + self.path, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        token = None
        if target.endswith(".DescribeImageScanFindings"):
            req = json.loads(body)
            token = req.pop("nextToken", None)
            body = json.dumps(req).encode()
        status, headers, out = self.forward(body)
        if target.endswith(".DescribeImageScanFindings") and status == 200:
            doc = json.loads(out)
            findings = doc.get("imageScanFindings", {}).get("enhancedFindings", [])
            start = int(token[1:]) if token else 0
            doc["imageScanFindings"]["enhancedFindings"] = findings[start:start + page]
            doc.pop("nextToken", None)
            if start + page < len(findings):
                doc["nextToken"] = "o%d" % (start + page)
            out = json.dumps(doc).encode()
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
