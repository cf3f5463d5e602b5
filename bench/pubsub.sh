#!/usr/bin/env bash
# Pub/Sub benchmark against the emulator: vibework (bench_pubsub, release build) beside the same
# workload driven by @google-cloud/pubsub (bench/pubsub/node/bench.js), plus the emulator's own
# ceiling: the same messages posted by curl in batches of 1000 (no client library at all).
#
#   bench/pubsub.sh                      # defaults below; the emulator on $PUBSUB_EMULATOR_HOST
#   MESSAGES=100000 ROUNDS=5 bench/pubsub.sh
#
# Prints one JSON line per run and a summary table: medians over ROUNDS; the order of the clients
# rotates every round and each client warms up once first (the emulator is a JVM), so no client
# is favoured by going first. "node, batches of 1000" is the Node client tuned like vibework's
# default batching, to separate the batching choice from the client itself.
set -euo pipefail
cd "$(dirname "$0")/.."

export PUBSUB_EMULATOR_HOST="${PUBSUB_EMULATOR_HOST:-localhost:8085}"
export PUBSUB_PROJECT_ID="${PUBSUB_PROJECT_ID:-vibework-project}"
MESSAGES="${MESSAGES:-50000}"
SIZE="${SIZE:-200}"
CONCURRENCY="${CONCURRENCY:-1000}"
LATENCY_MESSAGES="${LATENCY_MESSAGES:-5000}"
RATE="${RATE:-1000}"
ROUNDS="${ROUNDS:-5}"
ARGS=(--messages "$MESSAGES" --size "$SIZE" --concurrency "$CONCURRENCY" --latency-messages "$LATENCY_MESSAGES" --rate "$RATE")

if ! curl -sf -o /dev/null "http://$PUBSUB_EMULATOR_HOST/v1/projects/$PUBSUB_PROJECT_ID/topics"; then
  echo "the Pub/Sub emulator at $PUBSUB_EMULATOR_HOST does not answer; start it: scripts/services start" >&2
  exit 1
fi

echo "building bench_pubsub (release)..." >&2
cmake --preset release >/dev/null
cmake --build --preset release --target bench_pubsub >/dev/null
BENCH=build/release/bench/pubsub/bench_pubsub

if [ ! -d bench/pubsub/node/node_modules/@google-cloud/pubsub ]; then
  echo "installing @google-cloud/pubsub..." >&2
  (cd bench/pubsub/node && npm install --no-audit --no-fund --silent)
fi

# The emulator's ceiling: the same 200-byte messages, 1000 per request, posted with curl.
ceiling() {
  local parallel=$1 topic="bench-curl-$RANDOM$RANDOM" base="http://$PUBSUB_EMULATOR_HOST/v1/projects/$PUBSUB_PROJECT_ID"
  local batch requests start end
  batch=$(mktemp)
  python3 - "$SIZE" >"$batch" <<'PY'
import base64, json, sys
m = {"data": base64.b64encode(b"x" * int(sys.argv[1])).decode(), "attributes": {"i": "0"}}
print(json.dumps({"messages": [m] * 1000}))
PY
  curl -sf -o /dev/null -X PUT "$base/topics/$topic"
  curl -sf -o /dev/null -X PUT -H 'content-type: application/json' \
    -d "{\"topic\":\"projects/$PUBSUB_PROJECT_ID/topics/$topic\"}" "$base/subscriptions/$topic-sub"
  requests=$(( (MESSAGES + 999) / 1000 ))
  start=$(date +%s.%N)
  seq 1 "$requests" | xargs -P "$parallel" -I{} curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
    --data-binary @"$batch" "$base/topics/$topic:publish"
  end=$(date +%s.%N)
  curl -sf -o /dev/null -X DELETE "$base/subscriptions/$topic-sub"
  curl -sf -o /dev/null -X DELETE "$base/topics/$topic"
  rm -f "$batch"
  python3 -c "import json; print(json.dumps({'client': 'curl, 1000 per request, $parallel in parallel', 'publish_msgs_per_s': round($requests * 1000 / ($end - $start))}))"
}

run_client() {
  case $1 in
    vibework) "$BENCH" "${ARGS[@]}" ;;
    node) node bench/pubsub/node/bench.js "${ARGS[@]}" ;;
    node1000) node bench/pubsub/node/bench.js "${ARGS[@]}" --batch-max-messages 1000 ;;
    curl1) ceiling 1 ;;
    curl4) ceiling 4 ;;
  esac
}

echo "warming up the emulator..." >&2
WARM=(--messages 5000 --latency-messages 500 --rate "$RATE" --size "$SIZE")
"$BENCH" "${WARM[@]}" >/dev/null
node bench/pubsub/node/bench.js "${WARM[@]}" >/dev/null

results=$(mktemp)
clients=(vibework node node1000 curl1 curl4)
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  n=${#clients[@]}
  for i in $(seq 0 $((n - 1))); do
    run_client "${clients[$(( (i + round) % n ))]}" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by = {}
for r in runs:
    by.setdefault(r["client"], []).append(r)
def med(client, key):
    values = [r[key] for r in by.get(client, []) if key in r]
    return statistics.median(values) if values else float("nan")
vw, node = "vibework", "node @google-cloud/pubsub"
print()
print("| client | publish msg/s | e2e p50 ms | e2e p99 ms |")
print("| --- | ---: | ---: | ---: |")
for client in by:
    p50, p99 = med(client, "e2e_p50_ms"), med(client, "e2e_p99_ms")
    lat = lambda v: "-" if v != v else f"{v:.1f}"
    print(f"| {client} | {med(client, 'publish_msgs_per_s'):.0f} | {lat(p50)} | {lat(p99)} |")
print()
print(f"publish throughput vibework / node: {med(vw, 'publish_msgs_per_s') / med(node, 'publish_msgs_per_s'):.2f}x")
print(f"e2e p99 latency node / vibework:   {med(node, 'e2e_p99_ms') / med(vw, 'e2e_p99_ms'):.2f}x (higher = vibework faster)")
ceil = max(med(c, "publish_msgs_per_s") for c in by if c.startswith("curl"))
print(f"emulator ceiling (best curl):      {ceil:.0f} msg/s; vibework reaches {med(vw, 'publish_msgs_per_s') / ceil:.0%}, node {med(node, 'publish_msgs_per_s') / ceil:.0%}")
PY
rm -f "$results"
