#!/usr/bin/env bash
# Auth benchmark: vibework's Better-Auth routes against Better-Auth 1.7 itself on Node (the
# server of tests/e2e/better-auth-client, on the same fresh MySQL database, same secret), in the
# same run. Prints requests/s, p99 latencies and the ratios, each with what was measured:
#
#   get-session        GET /api/auth/get-session with a valid session cookie, vibework vs Node
#                      (targets: >= 50x requests/s, p99 <= 1/20 of Node's)
#   health/live        vibework's own GET /health/live, same settings (get-session >= 0.5x of it)
#   sign-in            POST /api/auth/sign-in/email with a right password, vibework (Argon2id
#                      m=19456 KiB t=2 p=1) against the ceiling 1 core / one Argon2id hash time,
#                      the hash timed in this run; Node (its default scrypt) shown beside
#   under a flood      get-session p99 while a sign-in flood runs against the same server
#   peak RSS           VmHWM of each server at the end
#
# Fair by construction: each server runs pinned to CPU 0 (vibework HTTP_THREADS=1 and
# AUTH_HASH_THREADS=1; Node is one process, its libuv pool pinned with it), wrk runs pinned to
# CPU 1, the rounds interleave the servers and the medians are reported. MariaDB is not pinned
# (it shares the machine with both). vibework's access log is off (Node's Better-Auth writes none).
# It prints; it asserts nothing.
#
#   bench/auth.sh [--binary PATH] [--duration 10] [--connections 50] [--rounds 3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/tests/e2e/better-auth-client
duration=10
connections=50
rounds=${ROUNDS:-3}
signin_connections=8
binary=${VIBEWORK_BINARY:-}

bench=auth.sh
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_options 2,21 "$@"
bench_require wrk taskset node npm curl mysql flock
binary=$(bench_binary "$binary")
# shellcheck source=../scripts/lib/env.sh
source "$root/scripts/lib/env.sh"

(
  flock -w 300 9 || { echo "auth.sh: $here/.npm.lock is held" >&2; exit 1; }
  stamp=$here/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    echo "auth.sh: installing the Node server's dependencies (npm ci)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$stamp"
  fi
) 9>"$here/.npm.lock"

work=$(mktemp -d /tmp/vibework-bench-auth.XXXXXX)
database=vibework_ba_bench_$$
pids=()
cleanup() {
  set +e
  trap - EXIT INT TERM
  bench_stop_all
  mysql_cli -e "DROP DATABASE IF EXISTS \`$database\`" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mysql_cli -e "CREATE DATABASE \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
export MYSQL_DATABASE=$database
"$binary" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

wait_for() {  # url pid: until it answers, the process exits, or 30 s pass
  local deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    kill -0 "$2" 2>/dev/null || { echo "auth.sh: the server for $1 exited" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "auth.sh: $1 did not answer within 30 s" >&2; return 1; }
    sleep 0.05
  done
}
vw_port=$(free_port)
node_port=$(free_port)
while [ "$node_port" = "$vw_port" ]; do node_port=$(free_port); done
vw=http://127.0.0.1:$vw_port
nd=http://127.0.0.1:$node_port
secret="vibework-auth-bench-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

HTTP_HOST=127.0.0.1 HTTP_PORT=$vw_port HTTP_THREADS=1 AUTH_HASH_THREADS=1 HTTP_ACCESS_LOG=false \
  AUTH_SECRET=$secret AUTH_URL=$vw AUTH_TRUSTED_ORIGINS=$nd env ${VW_ENV:-} \
  taskset -c 0 "$binary" serve >"$work/vibework.log" 2>&1 &
vw_pid=$!
pids+=("$vw_pid")
(cd "$here" && PORT=$node_port HOST=127.0.0.1 AUTH_SECRET=$secret VIBEWORK_URL=$vw NODE_ENV=production \
  exec taskset -c 0 node server.mjs) >"$work/node.log" 2>&1 &
node_pid=$!
pids+=("$node_pid")
wait_for "$vw/health/live" "$vw_pid"
wait_for "$nd/api/auth/ok" "$node_pid"

# --- one user per server (each signs in with its own hash format), one session cookie each ---
password="bench password 12345"
sign_up() {  # base email
  curl -sf -o /dev/null -H 'content-type: application/json' -H "origin: $1" \
    -d "{\"email\":\"$2\",\"password\":\"$password\",\"name\":\"bench\"}" "$1/api/auth/sign-up/email"
}
session_cookie() {  # base email -> "better-auth.session_token=..."
  curl -sf -D - -o /dev/null -H 'content-type: application/json' -H "origin: $1" \
    -d "{\"email\":\"$2\",\"password\":\"$password\"}" "$1/api/auth/sign-in/email" |
    tr -d '\r' | awk -F'[:;] *' 'tolower($1)=="set-cookie" && $2 ~ /^better-auth\.session_token=/ {print $2; exit}'
}
vw_email=bench-vw-$$@example.com
node_email=bench-node-$$@example.com
sign_up "$vw" "$vw_email" || { echo "auth.sh: sign-up on vibework failed" >&2; tail -20 "$work/vibework.log" >&2; exit 1; }
sign_up "$nd" "$node_email" || { echo "auth.sh: sign-up on Node failed" >&2; tail -20 "$work/node.log" >&2; exit 1; }
vw_cookie=$(session_cookie "$vw" "$vw_email")
node_cookie=$(session_cookie "$nd" "$node_email")
for pair in "$vw|$vw_cookie" "$nd|$node_cookie"; do
  body=$(curl -sf -H "cookie: ${pair#*|}" "${pair%%|*}/api/auth/get-session")
  [[ $body == *'"session"'* ]] || { echo "auth.sh: get-session on ${pair%%|*} gave no session: $body" >&2; exit 1; }
done
for server in vw node; do
  base=$vw email=$vw_email
  [ $server = node ] && base=$nd email=$node_email
  cat >"$work/signin-$server.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"email":"$email","password":"$password","rememberMe":true}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "$base"
LUA
done

# --- one Argon2id hash (m=19456 KiB t=2 p=1), timed here pinned to CPU 0, median of 21 -------
# With the library vibework links (the system libargon2, through a tiny C loop) when a C compiler
# and libargon2's header are there; also with @node-rs/argon2 (the Rust argon2 crate), for scale.
cat >"$work/argon2_time.c" <<'C'
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static int cmp(const void* a, const void* b) { double x = *(const double*)a, y = *(const double*)b; return (x > y) - (x < y); }
int main(void) {
  char out[128], salt[16] = "0123456789abcdef", pw[32];
  double t[21];
  for (int i = -3; i < 21; i++) {
    struct timespec a, b;
    snprintf(pw, sizeof pw, "bench password %d", i);
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (argon2id_hash_encoded(2, 19456, 1, pw, 20, salt, 16, 32, out, sizeof out) != ARGON2_OK) return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (i >= 0) t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  }
  qsort(t, 21, sizeof t[0], cmp);
  printf("%.2f\n", t[10]);
  return 0;
}
C
hash_lib_ms=
if cc -O2 -o "$work/argon2_time" "$work/argon2_time.c" -largon2 2>/dev/null; then
  hash_lib_ms=$(taskset -c 0 "$work/argon2_time")
fi
hash_rs_ms=$(cd "$here" && taskset -c 0 node -e '
  const { hashSync } = require("@node-rs/argon2");
  const opts = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
  for (let i = 0; i < 3; i++) hashSync("warm up", opts);
  const times = [];
  for (let i = 0; i < 21; i++) { const t = process.hrtime.bigint(); hashSync("bench password " + i, opts); times.push(Number(process.hrtime.bigint() - t) / 1e6); }
  times.sort((a, b) => a - b);
  console.log(times[10].toFixed(2));')
if [ -n "$hash_lib_ms" ]; then
  hash_ms=$hash_lib_ms hash_how="system libargon2, the library vibework links; @node-rs/argon2: $hash_rs_ms ms"
else
  hash_ms=$hash_rs_ms hash_how="@node-rs/argon2 (no C compiler or argon2.h for a libargon2 loop)"
fi

run_wrk() {  # connections seconds url [wrk args...] -> "rate p99_ms non2xx"
  local c=$1 d=$2 url=$3 out rate p99 bad
  shift 3
  out=$(taskset -c 1 wrk -t1 -c"$c" -d"${d}s" --latency "$@" "$url")
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  echo "$rate $p99 ${bad:-0}"
}
get_session() { run_wrk "$connections" "$duration" "$1/api/auth/get-session" -H "Cookie: $2"; }
sign_in() { run_wrk "$signin_connections" "$2" "$1/api/auth/sign-in/email" -s "$work/signin-$3.lua"; }

echo "warming up..."
get_session "$nd" "$node_cookie" >/dev/null
get_session "$vw" "$vw_cookie" >/dev/null
run_wrk "$connections" 2 "$vw/health/live" >/dev/null
sign_in "$nd" 2 node >/dev/null
sign_in "$vw" 2 vw >/dev/null

declare -A rate p99 bad
add() {  # key "rate p99 bad"
  local r p b
  read -r r p b <<<"$2"
  rate[$1]+="$r "; p99[$1]+="$p "; bad[$1]=$(( ${bad[$1]:-0} + b ))
}
median() { printf '%s\n' $@ | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

for round in $(seq 1 "$rounds"); do
  add node_gs "$(get_session "$nd" "$node_cookie")"
  add vw_gs "$(get_session "$vw" "$vw_cookie")"
  add vw_live "$(run_wrk "$connections" "$duration" "$vw/health/live")"
  add node_si "$(sign_in "$nd" "$duration" node)"
  add vw_si "$(sign_in "$vw" "$duration" vw)"
  # get-session while a sign-in flood runs against the same server (both wrk on CPU 1).
  for server in node vw; do
    base=$vw cookie=$vw_cookie
    [ $server = node ] && base=$nd cookie=$node_cookie
    sign_in "$base" $((duration + 1)) "$server" >"$work/flood-$server" &
    flood=$!
    add "${server}_gs_flood" "$(get_session "$base" "$cookie")"
    wait "$flood"
    add "${server}_si_flood" "$(cat "$work/flood-$server")"
  done
  printf 'round %s: get-session node %s vibework %s req/s | health/live %s | sign-in node %s vibework %s req/s\n' "$round" \
    "$(awk '{print $NF}' <<<"${rate[node_gs]}")" "$(awk '{print $NF}' <<<"${rate[vw_gs]}")" "$(awk '{print $NF}' <<<"${rate[vw_live]}")" \
    "$(awk '{print $NF}' <<<"${rate[node_si]}")" "$(awk '{print $NF}' <<<"${rate[vw_si]}")"
done

vw_rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$vw_pid/status")
node_rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$node_pid/status")
m() { median ${rate[$1]}; }
mp() { median ${p99[$1]}; }

printf '\n%-44s %12s %10s %8s   (median of %s rounds)\n' measurement "requests/s" "p99 ms" "non-2xx" "$rounds"
row() { printf '%-44s %12.0f %10.2f %8s\n' "$1" "$(m "$2")" "$(mp "$2")" "${bad[$2]}"; }
row "node     GET get-session (cookie)" node_gs
row "vibework GET get-session (cookie)" vw_gs
row "vibework GET /health/live" vw_live
row "node     POST sign-in/email (scrypt)" node_si
row "vibework POST sign-in/email (Argon2id)" vw_si
row "node     GET get-session, sign-in flood on" node_gs_flood
row "vibework GET get-session, sign-in flood on" vw_gs_flood
row "node     POST sign-in/email, the flood" node_si_flood
row "vibework POST sign-in/email, the flood" vw_si_flood

awk -v vg="$(m vw_gs)" -v ng="$(m node_gs)" -v vp="$(mp vw_gs)" -v np="$(mp node_gs)" -v vl="$(m vw_live)" \
  -v vs="$(m vw_si)" -v ns="$(m node_si)" -v h="$hash_ms" -v vfp="$(mp vw_gs_flood)" -v nfp="$(mp node_gs_flood)" \
  -v vr="$vw_rss_kb" -v nr="$node_rss_kb" -v how="$hash_how" 'BEGIN {
  printf "\nget-session throughput vibework/node:          %8.1fx (target >= 50x)\n", vg/ng
  printf "get-session p99 vibework/node:                 %8.3fx (target <= 0.05x, i.e. 1/20)\n", vp/np
  printf "get-session / health/live, vibework:           %8.2fx (target >= 0.5x)\n", vg/vl
  printf "one Argon2id hash (m=19456 KiB t=2 p=1):       %8.2f ms (median of 21 on CPU 0; %s)\n", h, how
  printf "sign-in ceiling, 1 core / one hash:            %8.1f req/s\n", 1000/h
  printf "vibework sign-in / that ceiling:               %8.2fx\n", vs/(1000/h)
  printf "sign-in throughput vibework/node:              %8.2fx (Argon2id vs Better-Auth scrypt N=16384 r=16)\n", vs/ns
  printf "get-session p99 under a sign-in flood:         vibework %.2f ms, node %.2f ms (%.3fx)\n", vfp, nfp, (nfp ? vfp/nfp : 0)
  printf "peak RSS (VmHWM):                              vibework %.1f MB, node %.1f MB\n", vr/1024, nr/1024
}'
case $binary in */build/dev/*|*/build/asan/*) echo "NOTE: $binary is a Debug build; for figures that mean something use the release preset (--binary build/release/vibework)" ;; esac
echo "(get-session and health: wrk -t1 -c$connections -d${duration}s; sign-in: -c$signin_connections; servers on CPU 0, wrk on CPU 1; vibework $(basename "$(dirname "$binary")") build, HTTP_THREADS=1, AUTH_HASH_THREADS=1; Node $(node --version) NODE_ENV=production, Better-Auth $(cd "$here" && node -p 'JSON.parse(require("fs").readFileSync("node_modules/better-auth/package.json")).version'))"
