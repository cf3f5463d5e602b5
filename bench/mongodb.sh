#!/usr/bin/env bash
# MongoDB benchmark: insert one notification and find one by id through the Model API, and the
# same two operations done with the plain mongo-c-driver in a tight loop, in the same run
# against the same server (interleaved rounds, medians). Prints both rates and the ratios;
# target >= 0.85x for both. Exit status 1 when a ratio is below target.
#
#   bench/mongodb.sh [--tasks 16] [--seconds 5] [--rounds 5] [--io-threads 1] [--preset release] [--private]
#
# --private starts a FerretDB of its own on a free port (data in /tmp, removed afterwards), so
# other programs using the shared server cannot skew the numbers; otherwise MONGODB_URI (default
# mongodb://localhost:27017/vibework, as scripts/services runs it) is used. Either way the
# benchmark writes only to the database vibework_bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tasks=16
seconds=5
rounds=5
io_threads=1
preset=release
private=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --io-threads) io_threads=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --private) private=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "mongodb.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

binary="$root/build/$preset/bench/mongodb/mongodb_bench"
echo "mongodb.sh: building mongodb_bench ($preset)" >&2
cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" --target mongodb_bench >/dev/null

work=""
ferret_pid=""
cleanup() {
  if [ -n "$ferret_pid" ]; then kill "$ferret_pid" 2>/dev/null || true; wait "$ferret_pid" 2>/dev/null || true; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

if [ "$private" = 1 ]; then
  ferretdb=${FERRETDB_BIN:-$(go env GOPATH 2>/dev/null)/bin/ferretdb}
  [ -x "$ferretdb" ] || { echo "mongodb.sh: ferretdb not found (set FERRETDB_BIN or run scripts/bootstrap)" >&2; exit 1; }
  work=$(mktemp -d /tmp/vibework-bench-mongodb.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/data"
  "$ferretdb" --handler=sqlite --sqlite-url="file:$work/data/" --listen-addr="127.0.0.1:$port" \
    --debug-addr=127.0.0.1:0 --telemetry=disable --log-level=WARN >"$work/ferretdb.log" 2>&1 &
  ferret_pid=$!
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  export MONGODB_URI="mongodb://127.0.0.1:$port/vibework"
  echo "mongodb.sh: private FerretDB on 127.0.0.1:$port" >&2
else
  export MONGODB_URI=${MONGODB_URI:-mongodb://localhost:27017/vibework}
fi

echo "mongodb.sh: $tasks tasks, $rounds rounds of ${seconds}s per operation and side" >&2
"$binary" "$tasks" "$seconds" "$rounds" "$io_threads"
