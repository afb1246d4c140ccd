#!/usr/bin/env python3
"""The AWS side of tests/integration/aws_sinks.sh, with boto3 (independent of
imagegate's own code), a few calls per process since each start costs a
second:

  aws_fixture.py setup                 bucket, log group, topic, queues, rule;
                                       prints shell assignments
  aws_fixture.py read OUT SPEC...      one file OUT/<n> per SPEC, in order:
    list:BUCKET:PREFIX                 the keys, one a line
    get:BUCKET:KEY                     the object's bytes
    head:BUCKET:KEY                    HeadObject as JSON
    streams:GROUP                      the stream names, one a line
    groups:PREFIX                      the log group names, one a line
    logs:GROUP:STREAM                  the newest run in the stream, reassembled
    sqs:URL                            one message body (waits up to 5 s)
    sqs-empty:URL                      "empty" or "message"
  aws_fixture.py iam-user              a user allowed everything; prints KEY SECRET

Log events carry "[imagegate RUN I/N]\\n" then a piece (docs/aws.md); the
pieces of one RUN in the order of I are the report. The reader fails when
timestamps go back or parts are not 1..N in order.
"""
import json
import os
import re
import sys

import boto3

MARKER = re.compile(rb"\[imagegate (\S+) (\d+)/(\d+)\]\n")


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ["AWS_REGION"])


def setup():
    client("s3").create_bucket(Bucket="scan-logs")
    client("logs").create_log_group(logGroupName="/imagegate/checks")
    sqs = client("sqs")
    queues = {}
    for name in ("alerts", "verdicts"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queues[name] = (url, arn)
    topic = client("sns").create_topic(Name="image-alerts")["TopicArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queues["alerts"][1])
    events = client("events")
    events.put_rule(Name="imagegate-verdicts", EventPattern=json.dumps({"source": ["imagegate"]}))
    events.put_targets(Rule="imagegate-verdicts", Targets=[{"Id": "q", "Arn": queues["verdicts"][1]}])
    print(f"TOPIC={topic} ALERTS={queues['alerts'][0]} EVENTS={queues['verdicts'][0]}")


def reassemble(group, stream):
    c = client("logs")
    events, token = [], None
    while True:
        kw = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            kw["nextToken"] = token
        page = c.get_log_events(**kw)
        events += page["events"]
        if not page["events"] or page.get("nextForwardToken") in (None, token):
            break
        token = page["nextForwardToken"]
    runs, last_ts = {}, None
    for e in events:
        if last_ts is not None and e["timestamp"] < last_ts:
            sys.exit("events out of time order")
        last_ts = e["timestamp"]
        raw = e["message"].encode("utf-8")
        m = MARKER.match(raw)
        if not m:
            sys.exit("event without a marker: %r" % raw[:60])
        runs.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3)), raw[m.end():]))
    if not runs:
        sys.exit("no events in %s %s" % (group, stream))
    parts = runs[sorted(runs)[-1]]
    n = parts[0][1]
    if [p[0] for p in parts] != list(range(1, n + 1)) or any(p[1] != n for p in parts):
        sys.exit("parts %s, want 1..%d in order" % ([p[0] for p in parts], n))
    return b"".join(p[2] for p in parts)


def read_one(spec):
    kind, _, rest = spec.partition(":")
    if kind == "list":
        bucket, prefix = rest.split(":", 1)
        page = client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
        return "".join(o["Key"] + "\n" for o in page.get("Contents", [])).encode()
    if kind == "get":
        bucket, key = rest.split(":", 1)
        return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    if kind == "head":
        bucket, key = rest.split(":", 1)
        h = client("s3").head_object(Bucket=bucket, Key=key)
        h.pop("ResponseMetadata", None)
        return json.dumps(h, default=str).encode()
    if kind == "streams":
        page = client("logs").describe_log_streams(logGroupName=rest)
        return "".join(s["logStreamName"] + "\n" for s in page["logStreams"]).encode()
    if kind == "groups":
        page = client("logs").describe_log_groups(logGroupNamePrefix=rest)
        return "".join(g["logGroupName"] + "\n" for g in page["logGroups"]).encode()
    if kind == "logs":
        group, stream = rest.split(":", 1)
        return reassemble(group, stream)
    if kind in ("sqs", "sqs-empty"):
        sqs = client("sqs")
        wait = 5 if kind == "sqs" else 0
        msgs = sqs.receive_message(QueueUrl=rest, WaitTimeSeconds=wait, MaxNumberOfMessages=1).get("Messages", [])
        if kind == "sqs-empty":
            return b"empty" if not msgs else b"message"
        if not msgs:
            sys.exit("no message in " + rest)
        sqs.delete_message(QueueUrl=rest, ReceiptHandle=msgs[0]["ReceiptHandle"])
        return msgs[0]["Body"].encode()
    sys.exit("unknown spec " + spec)


def iam_user():
    iam = client("iam")
    iam.create_user(UserName="ci")
    iam.put_user_policy(UserName="ci", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="ci")["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup()
    elif sys.argv[1] == "iam-user":
        iam_user()
    elif sys.argv[1] == "read":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        for n, spec in enumerate(sys.argv[3:], 1):
            with open(os.path.join(out, str(n)), "wb") as f:
                f.write(read_one(spec))
    else:
        sys.exit("unknown command " + sys.argv[1])
