#!/usr/bin/env python3
"""Event-lag probe for bench/app.sh: a pull subscription on the emulator's notifications-created.

  app_events.py subscribe PROJECT SUBSCRIPTION
      creates the subscription (before the load starts, so it sees every event)
  app_events.py collect PROJECT SUBSCRIPTION OUT_FILE STOP_FILE SINCE_EPOCH
      pulls and acks until STOP_FILE holds a number N and N events created after SINCE_EPOCH
      have arrived (or 120 s pass after it appears); writes one line per such event to OUT_FILE:
      "<createdAt epoch s> <publishTime epoch s> <arrival epoch s>"
  app_events.py report OUT_FILE LOAD_END_EPOCH
      prints "received lag_p50_ms lag_p99_ms lag_max_ms backlog_at_end drain_s"
  app_events.py drop-database HOST PORT NAME
      drops the bench's MongoDB database (one OP_MSG, so no driver is needed)

The lag is publishTime (the emulator's clock when the relay published) minus the event's
createdAt (the server's clock when the notification was written): how long an event waits in
the outbox. Both clocks are this machine's.
"""
import base64
import datetime
import json
import os
import socket
import struct
import sys
import time
import urllib.request

HOST = os.environ.get("PUBSUB_EMULATOR_HOST", "localhost:8085")


def call(path, body, timeout=30):
    request = urllib.request.Request(
        f"http://{HOST}/v1/{path}", data=json.dumps(body).encode(), method="PUT" if body.get("topic") else "POST",
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"{}")


def epoch(text):
    # RFC 3339 with up to nanoseconds and a Z; Python 3.11 parses up to microseconds.
    text = text.rstrip("Z")
    if "." in text:
        whole, fraction = text.split(".")
        text = f"{whole}.{fraction[:6].ljust(6, '0')}"
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()


def subscribe(project, subscription):
    call(f"projects/{project}/subscriptions/{subscription}",
         {"topic": f"projects/{project}/topics/notifications-created", "ackDeadlineSeconds": 60})


def collect(project, subscription, out_file, stop_file, since):
    since = float(since)
    seen = set()
    stop_seen_at = None
    with open(out_file, "w") as out:
        while True:
            expected = None
            if os.path.exists(stop_file):
                text = open(stop_file).read().strip()
                if text:
                    expected = int(text)
                    stop_seen_at = stop_seen_at or time.time()
            if expected is not None and (len(seen) >= expected or time.time() - stop_seen_at > 120):
                return
            try:
                answer = call(f"projects/{project}/subscriptions/{subscription}:pull",
                              {"maxMessages": 1000, "returnImmediately": True}, timeout=10)
            except OSError as error:
                print(f"app_events.py: pull failed: {error}", file=sys.stderr)
                time.sleep(0.2)
                continue
            received = answer.get("receivedMessages", [])
            now = time.time()
            for item in received:
                message = item["message"]
                event_id = message.get("attributes", {}).get("vibework-id", message["messageId"])
                if event_id in seen:
                    continue
                data = json.loads(base64.b64decode(message["data"]))
                if epoch(data["createdAt"]) < since:
                    continue  # an event of the seeding, before the measured runs
                seen.add(event_id)
                out.write(f"{epoch(data['createdAt'])} {epoch(message['publishTime'])} {now}\n")
            out.flush()
            if received:
                call(f"projects/{project}/subscriptions/{subscription}:acknowledge",
                     {"ackIds": [item["ackId"] for item in received]})
            else:
                time.sleep(0.05)


def report(out_file, load_end):
    rows = [tuple(map(float, line.split())) for line in open(out_file) if line.strip()]
    if not rows:
        print("0 0 0 0 0 0")
        return
    lags = sorted((published - created) * 1000 for created, published, _ in rows)

    def percentile(p):
        return lags[min(len(lags) - 1, int(p * len(lags)))]

    backlog = sum(1 for _, published, _ in rows if published > load_end)
    drain = max(0.0, max(published for _, published, _ in rows) - load_end)
    print(f"{len(rows)} {percentile(0.5):.1f} {percentile(0.99):.1f} {lags[-1]:.1f} {backlog} {drain:.2f}")


def drop_database(host, port, name):
    def cstring(text):
        return text.encode() + b"\x00"
    elements = (b"\x10" + cstring("dropDatabase") + struct.pack("<i", 1)
                + b"\x02" + cstring("$db") + struct.pack("<i", len(name) + 1) + cstring(name))
    document = struct.pack("<i", len(elements) + 5) + elements + b"\x00"
    body = struct.pack("<I", 0) + b"\x00" + document  # flagBits, section kind 0
    header = struct.pack("<iiii", 16 + len(body), 1, 0, 2013)  # OP_MSG
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(header + body)
        length = struct.unpack("<i", connection.recv(4))[0]
        remaining = length - 4
        while remaining > 0:
            chunk = connection.recv(remaining)
            if not chunk:
                break
            remaining -= len(chunk)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "subscribe":
        subscribe(*args)
    elif command == "collect":
        collect(*args)
    elif command == "drop-database":
        drop_database(*args)
    elif command == "report":
        report(args[0], float(args[1]))
    else:
        sys.exit(f"app_events.py: unknown command {command}")
