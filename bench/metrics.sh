#!/usr/bin/env bash
# Metrics benchmark: what recording the http_* metrics costs on GET /health/live. Two vibework
# servers in the same run, one with METRICS_ENABLED=true (the default: every request records
# http_requests_total, the duration histogram and in-flight) and one with METRICS_ENABLED=false
# (the server gets no registry), measured in alternating rounds; prints both medians and the
# ratio. Target: metrics cost <= 3% of requests/s (ratio >= 0.97).
#
# Pinned like bench/http.sh: each server has one I/O thread on CPU 0 (they never run wrk at
# the same time), wrk runs on CPU 1, both write an access log line per request.
#
#   bench/metrics.sh [--duration 10] [--connections 50] [--rounds 5] [--preset release]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=10
connections=50
rounds=5
preset=release
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "metrics.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bench=metrics.sh
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_require wrk taskset curl python3
binary=$(bench_preset_binary "$preset")

work=$(mktemp -d /tmp/vibework-bench-metrics.XXXXXX)
pids=()
cleanup() {
  bench_stop_all
  rm -rf "$work"
}
trap cleanup EXIT


start_server() {  # name METRICS_ENABLED -> port on stdout
  local port
  port=$(free_port)
  HTTP_PORT=$port HTTP_THREADS=1 METRICS_ENABLED=$2 METRICS_PORT=0 env ${VW_ENV:-} \
    taskset -c 0 "$binary" serve > "$work/$1.log" 2>&1 &
  pids+=($!)
  echo "$port"
}
on_port=$(start_server with true)
off_port=$(start_server without false)
bench_wait_for "http://127.0.0.1:$on_port/health/live"
bench_wait_for "http://127.0.0.1:$off_port/health/live"
# A request is counted once its response is written: poll a moment for the first one.
counted=false
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$on_port/metrics" | grep -q '^http_requests_total{' && { counted=true; break; }
  sleep 0.1
done
$counted || { echo "metrics.sh: the 'with' server records no http_requests_total" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$off_port/metrics")" = 404 ] ||
  { echo "metrics.sh: the 'without' server serves /metrics" >&2; exit 1; }

run_wrk() {  # url -> rate
  taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

echo "warming up..."
run_wrk "http://127.0.0.1:$on_port/health/live" >/dev/null
run_wrk "http://127.0.0.1:$off_port/health/live" >/dev/null

# Alternating rounds (the order flips each round), median of each: load from elsewhere on the
# machine hits both alike.
on_rates=(); off_rates=()
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then
    on_rates+=("$(run_wrk "http://127.0.0.1:$on_port/health/live")")
    off_rates+=("$(run_wrk "http://127.0.0.1:$off_port/health/live")")
  else
    off_rates+=("$(run_wrk "http://127.0.0.1:$off_port/health/live")")
    on_rates+=("$(run_wrk "http://127.0.0.1:$on_port/health/live")")
  fi
  echo "round $round: with metrics ${on_rates[-1]} req/s | without ${off_rates[-1]} req/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
on_rate=$(median "${on_rates[@]}")
off_rate=$(median "${off_rates[@]}")

printf '\n%-16s %14s   (median of %s rounds)\n' server "requests/s" "$rounds"
printf '%-16s %14.0f\n' "with metrics" "$on_rate" "without metrics" "$off_rate"
# Each round's pair ran back to back, so its ratio cancels slower drift between rounds.
ratios=()
for i in "${!on_rates[@]}"; do ratios+=("$(awk -v a="${on_rates[$i]}" -v b="${off_rates[$i]}" 'BEGIN {print a/b}')"); done
paired=$(median "${ratios[@]}")
awk -v a="$on_rate" -v b="$off_rate" -v p="$paired" 'BEGIN {
  printf "\nthroughput ratio with/without, medians:        %.3f (cost %.1f%%)\n", a/b, (1-a/b)*100
  printf "throughput ratio with/without, paired median: %.3f (cost %.1f%%; target: cost <= 3%%)\n", p, (1-p)*100
}'
echo "(each round: wrk -t1 -c$connections -d${duration}s, servers on CPU 0, wrk on CPU 1, both logging each request)"
