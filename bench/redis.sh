#!/usr/bin/env bash
# Redis benchmark: GET and SET of 100-byte values through vibework's client vs redis-benchmark,
# against the same private redis-server in the same run. Prints both rates and the ratios.
#
# Fair by construction: redis-server is pinned to CPU 0; each client (redis-benchmark, or
# redis_bench with ONE I/O thread and one connection) runs alone, pinned to CPU 1. Rounds are
# interleaved and the median of each side is reported.
#
#   bench/redis.sh [--clients 50] [--requests 200000] [--pipeline 16] [--rounds 3] [--preset release]
#
# Without pipelining: redis-benchmark -c C (C connections, one request in flight each) vs C
# tasks awaiting one command at a time on vibework's client. With pipelining: redis-benchmark
# -P 16 vs C tasks each sending a Pipeline of 16 commands.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clients=50
requests=200000
pipeline=16
rounds=${ROUNDS:-3}
preset=release
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "redis.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in redis-server redis-benchmark redis-cli taskset; do
  command -v "$tool" >/dev/null || { echo "redis.sh: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
bench="$root/build/$preset/bench/redis/redis_bench"
if [ ! -x "$bench" ]; then
  echo "redis.sh: building redis_bench ($preset)" >&2
  cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" --target redis_bench >/dev/null
fi

work=$(mktemp -d /tmp/vibework-bench-redis.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
server_pid=$!
for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done

# "SET: 123456.78 requests per second" -> 123456.78 (redis-benchmark -q prints a line per test,
# with the summary after a carriage return; keep the last number before "requests").
rate_of() { tr '\r' '\n' | awk -v t="$1" '$1==t":" {r=$2} END {print r}'; }
rb() {  # test pipeline -> rate
  taskset -c 1 redis-benchmark -p "$port" -t "$1" -d 100 -c "$clients" -n "$requests" -P "$2" -q | rate_of "$(tr a-z A-Z <<<"$1")"
}
vw() {  # test pipeline [connections] -> rate
  taskset -c 1 "$bench" --port "$port" --test "$1" --clients "$clients" --requests "$requests" \
    --data-size 100 --pipeline "$2" --io-threads 1 --connections "${3:-1}" | rate_of "$(tr a-z A-Z <<<"$1")"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "warming up..."
rb set 1 >/dev/null; vw set 1 >/dev/null

declare -A results
for test in set get; do
  for p in 1 "$pipeline"; do
    rbs=(); vws=(); vwcs=()
    for round in $(seq 1 "$rounds"); do
      rbs+=("$(rb "$test" "$p")")
      vws+=("$(vw "$test" "$p")")
      line="$test -P $p round $round: redis-benchmark ${rbs[-1]} req/s | vibework ${vws[-1]} req/s"
      if [ "$p" = 1 ]; then
        # Same shape as redis-benchmark: C connections, one command in flight on each.
        vwcs+=("$(vw "$test" 1 "$clients")")
        line="$line | vibework, $clients connections ${vwcs[-1]} req/s"
      fi
      echo "$line"
    done
    results["$test,$p,rb"]=$(median "${rbs[@]}")
    results["$test,$p,vw"]=$(median "${vws[@]}")
    [ "$p" = 1 ] && results["$test,conns,rb"]=${results["$test,$p,rb"]} && results["$test,conns,vw"]=$(median "${vwcs[@]}")
  done
done

printf '\n%-6s %-9s %18s %18s %8s %8s\n' test pipeline redis-benchmark vibework ratio target
for test in set get; do
  for p in 1 conns "$pipeline"; do
    target=0.80; [ "$p" = "$pipeline" ] && target=0.70
    label="none"; [ "$p" = conns ] && label="none*"; [ "$p" = "$pipeline" ] && label="-P $p"
    awk -v t="$test" -v l="$label" -v a="${results[$test,$p,vw]}" -v b="${results[$test,$p,rb]}" -v g="$target" \
      'BEGIN { printf "%-6s %-9s %18.0f %18.0f %7.2fx %7.2fx\n", toupper(t), l, b, a, a/b, g }'
  done
done
echo "(median of $rounds rounds; -c $clients -n $requests -d 100; redis-server on CPU 0, each client alone on CPU 1;"
echo " vibework: one I/O thread, one connection, $clients concurrent tasks; none* = the same with $clients"
echo " connections, one command in flight on each, the shape redis-benchmark -c $clients has)"
