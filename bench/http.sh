#!/usr/bin/env bash
# HTTP benchmark: wrk against vibework's GET /health/live and, in the same run, against nginx
# serving a static 200 from a location block. Prints both rates, p99 latencies, the ratios and
# vibework's peak RSS.
#
# Fair by construction: each server gets one core and one worker (vibework HTTP_THREADS=1,
# nginx worker_processes 1, both pinned to CPU 0), wrk runs pinned to CPU 1, and both servers
# write an access log line per request to a file.
#
#   bench/http.sh [--duration 10] [--connections 50] [--preset release]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=10
connections=50
preset=release
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "http.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bench=http.sh
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_require wrk nginx taskset
binary=$(bench_preset_binary "$preset")

work=$(mktemp -d /tmp/vibework-bench-http.XXXXXX)
pids=()
cleanup() {
  bench_stop_all
  rm -rf "$work"
}
trap cleanup EXIT


# --- nginx: one worker, a static 200 from a location block --------------------------------
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /health/live {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }
  }
}
CONF
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
bench_wait_for "http://127.0.0.1:$nginx_port/health/live"

# --- vibework: one I/O thread ---------------------------------------------------------------
vw_port=$(free_port)
HTTP_PORT=$vw_port HTTP_THREADS=1 env ${VW_ENV:-} taskset -c 0 "$binary" serve > "$work/vibework.log" 2>&1 &
vw_pid=$!
pids+=($vw_pid)
bench_wait_for "http://127.0.0.1:$vw_port/health/live"

run_wrk() {  # url -> "rate p99_ms"
  local out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "$1")
  local rate p99
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rate $p99"
}

echo "warming up..."
taskset -c 1 wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$nginx_port/health/live" >/dev/null
taskset -c 1 wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$vw_port/health/live" >/dev/null

# Interleaved rounds, median of each: load from elsewhere on the machine hits both alike.
rounds=${ROUNDS:-3}
nginx_rates=(); nginx_p99s=(); vw_rates=(); vw_p99s=()
for round in $(seq 1 "$rounds"); do
  read -r r p < <(run_wrk "http://127.0.0.1:$nginx_port/health/live"); nginx_rates+=("$r"); nginx_p99s+=("$p")
  read -r r p < <(run_wrk "http://127.0.0.1:$vw_port/health/live"); vw_rates+=("$r"); vw_p99s+=("$p")
  echo "round $round: nginx ${nginx_rates[-1]} req/s p99 ${nginx_p99s[-1]} ms | vibework ${vw_rates[-1]} req/s p99 ${vw_p99s[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
nginx_rate=$(median "${nginx_rates[@]}"); nginx_p99=$(median "${nginx_p99s[@]}")
vw_rate=$(median "${vw_rates[@]}"); vw_p99=$(median "${vw_p99s[@]}")
vw_rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$vw_pid/status")

printf '\n%-10s %14s %10s   (median of %s rounds)\n' server "requests/s" "p99 ms" "$rounds"
printf '%-10s %14.0f %10.2f\n' nginx "$nginx_rate" "$nginx_p99"
printf '%-10s %14.0f %10.2f\n' vibework "$vw_rate" "$vw_p99"
awk -v a="$vw_rate" -v b="$nginx_rate" -v c="$vw_p99" -v d="$nginx_p99" -v r="$vw_rss_kb" 'BEGIN {
  printf "\nthroughput ratio vibework/nginx: %.2fx (target >= 0.80x)\n", a/b
  printf "p99 ratio vibework/nginx:        %.2fx (target <= 2.00x)\n", c/d
  printf "vibework peak RSS:               %.1f MB (target <= 30 MB)\n", r/1024
}'
echo "(each round: wrk -t1 -c$connections -d${duration}s, servers on CPU 0, wrk on CPU 1, both logging each request)"
