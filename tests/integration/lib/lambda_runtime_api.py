#!/usr/bin/env python3
"""The AWS Lambda Runtime API (2018-06-01) for tests of `imagegate lambda`,
with CloudFormation behind it.

Lambda's side of a custom runtime, as the AWS Lambda Developer Guide
describes it:
  GET  /2018-06-01/runtime/invocation/next          hands out the next event
                                                    (waits until one is queued)
  POST /2018-06-01/runtime/invocation/ID/response   records the result (202)
  POST /2018-06-01/runtime/invocation/ID/error      records the error (202)
  POST /2018-06-01/runtime/init/error               records an init error (202)
CloudFormation's side: PUT /cfn/ID records the body a direct Lambda-backed
custom resource sends to its ResponseURL, and a real moto_server (started
in this process) answers DescribeStacks. moto never rolls a stack back, so
the test sets a stack's status in moto's backend directly.

The test drives it through /test/...:
  POST /test/enqueue        body: an event; "@ID@" in it becomes the request id;
                            answers the id
  GET  /test/result/ID      waits (at most 120 s) for the answer to ID and
                            returns {"kind", "body", "error_type", "cfn"}
  POST /test/stack          body {"name", "status"}: creates the stack in
                            moto, sets its status, answers the StackId
Writes {"runtime": PORT, "moto": PORT} to --port-file once it listens.
"""
import argparse
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUEUE = []
RESULTS = {}
CFN = {}
INIT_ERRORS = []
COND = threading.Condition()
IDS = itertools.count(1)
MOTO = {}


def moto_stack(name, status):
    import boto3
    from moto.cloudformation.models import cloudformation_backends

    cf = boto3.client(
        "cloudformation",
        endpoint_url=f"http://127.0.0.1:{MOTO['port']}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    sid = cf.create_stack(StackName=name, TemplateBody='{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}')["StackId"]
    cloudformation_backends["123456789012"]["us-east-1"].stacks[sid].status = status
    return sid


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode("utf-8") if n else ""

    def reply(self, status, text="", headers=None):
        data = text.encode("utf-8")
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/2018-06-01/runtime/invocation/next":
            with COND:
                while not QUEUE:
                    COND.wait()
                rid, event = QUEUE.pop(0)
            deadline = int(time.time() * 1000) + 600000
            self.reply(200, event, {
                "Lambda-Runtime-Aws-Request-Id": rid,
                "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:imagegate",
                "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                "Content-Type": "application/json",
            })
        elif self.path.startswith("/test/result/"):
            rid = self.path.rsplit("/", 1)[1]
            end = time.monotonic() + 120
            with COND:
                while rid not in RESULTS and time.monotonic() < end:
                    COND.wait(end - time.monotonic())
                result = dict(RESULTS.get(rid, {"kind": "none"}))
                result["cfn"] = CFN.get(rid)
            self.reply(200, json.dumps(result), {"Content-Type": "application/json"})
        else:
            self.reply(404, "no such path")

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        text = self.body()
        if self.path == "/test/enqueue":
            rid = f"req-{next(IDS)}"
            with COND:
                QUEUE.append((rid, text.replace("@ID@", rid)))
                COND.notify_all()
            self.reply(200, rid)
        elif self.path == "/test/stack":
            req = json.loads(text)
            self.reply(200, moto_stack(req["name"], req["status"]))
        elif parts[:3] == ["2018-06-01", "runtime", "invocation"] and len(parts) == 5:
            rid, kind = parts[3], parts[4]
            if kind not in ("response", "error"):
                self.reply(404, "no such path")
                return
            with COND:
                RESULTS[rid] = {
                    "kind": kind,
                    "body": text,
                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type", ""),
                }
                COND.notify_all()
            self.reply(202, '{"status":"OK"}')
        elif self.path == "/2018-06-01/runtime/init/error":
            INIT_ERRORS.append(text)
            self.reply(202, '{"status":"OK"}')
        else:
            self.reply(404, "no such path")

    def do_PUT(self):
        parts = self.path.strip("/").split("/")
        text = self.body()
        if len(parts) == 2 and parts[0] == "cfn":
            # A presigned URL is signed without a Content-Type.
            with COND:
                CFN[parts[1]] = {"body": text, "content_type": self.headers.get("Content-Type")}
                COND.notify_all()
            self.reply(200, "")
        else:
            self.reply(404, "no such path")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    try:
        from moto.server import ThreadedMotoServer
        import boto3  # noqa: F401  (moto_stack uses it)
    except ImportError:
        MOTO["port"] = None  # the test then skips the rollback cases
    else:
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        MOTO["port"] = moto.get_host_and_port()[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"runtime": server.server_address[1], "moto": MOTO["port"]}, f)
    import os

    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
