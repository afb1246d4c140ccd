#!/usr/bin/env python3
"""A stand-in for Amazon Inspector's SBOM export, because moto (5.2.1) does not
implement CreateSbomExport or GetSbomExport. It follows the inspector2 API
reference (REST-JSON: POST /sbomexport/create with reportFormat,
resourceFilterCriteria and s3Destination {bucketName, keyPrefix, kmsKeyArn},
answering {reportId}; POST /sbomexport/get with {reportId}, answering status
IN_PROGRESS once for the first export, to show imagegate waits, and
SUCCEEDED after that) and writes the export, a small SBOM of
the requested format, into moto's S3 with SSE-KMS as Inspector would, under
<keyPrefix>/SBOM_EXPORT_<reportId>/. Requests are not signature-checked here.

A create whose keyPrefix contains "lose-objects" succeeds without writing
anything, so the suite can show that imagegate refuses to report an object
that is not this export's.
Usage: inspector_sbom_server.py PORT S3_ENDPOINT_URL"""
import http.server
import json
import sys
import uuid

import boto3

port, s3_url = int(sys.argv[1]), sys.argv[2]
s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1")
reports = {}


def sbom(fmt, resource_id):
    if fmt == "SPDX_2_3":
        return {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": resource_id,
                "dataLicense": "CC0-1.0", "packages": []}
    return {"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
            "metadata": {"component": {"type": "container", "name": resource_id}}, "components": []}


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", doc.get("__type", "ValidationException"))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path == "/sbomexport/create":
            fmt = req.get("reportFormat")
            dest = req.get("s3Destination") or {}
            if fmt not in ("CYCLONEDX_1_4", "SPDX_2_3") or not dest.get("bucketName") or not dest.get("kmsKeyArn"):
                return self.answer(400, {"__type": "ValidationException", "message": "bad request"})
            report_id = str(uuid.uuid4())
            # Only the first export is seen IN_PROGRESS: one wait shows the polling, more only cost time.
            reports[report_id] = {"req": req, "polled": 0 if not reports else 1}
            return self.answer(200, {"reportId": report_id})
        if self.path == "/sbomexport/get":
            rep = reports.get(req.get("reportId"))
            if rep is None:
                return self.answer(404, {"__type": "ResourceNotFoundException", "message": "no such report"})
            rep["polled"] += 1
            r = rep["req"]
            dest = r["s3Destination"]
            if rep["polled"] == 1:
                return self.answer(200, {"reportId": req["reportId"], "status": "IN_PROGRESS"})
            if rep["polled"] >= 2 and not rep.get("written") and "lose-objects" not in dest.get("keyPrefix", ""):
                rid = r["resourceFilterCriteria"]["resourceId"][0]["value"]
                key = "%s/SBOM_EXPORT_%s/%s.json" % (dest.get("keyPrefix", "").rstrip("/"), req["reportId"],
                                                     rid.rsplit("/", 1)[-1].replace(":", "_"))
                rep["written"] = True
                s3.put_object(Bucket=dest["bucketName"], Key=key, Body=json.dumps(sbom(r["reportFormat"], rid)),
                              ServerSideEncryption="aws:kms", SSEKMSKeyId=dest["kmsKeyArn"])
            return self.answer(200, {"reportId": req["reportId"], "status": "SUCCEEDED", "format": r["reportFormat"],
                                     "s3Destination": dest})
        self.answer(404, {"__type": "UnknownOperationException", "message": self.path})

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
