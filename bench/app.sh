#!/usr/bin/env bash
# Application benchmark: the reference service's own routes beside its GET /health/live, in the
# same run, on fresh MySQL and MongoDB databases and a private Pub/Sub project on the emulator.
# Prints requests/s, p50/p99, vibework's CPU time per request, the event relay's lag and peak RSS:
#
#   health/live          GET /health/live, the reference
#   users/me             GET /api/users/me with a session cookie, profile cached in Redis
#                        (target: >= 0.4x health/live)
#   notifications list   GET /api/notifications?limit=20 over 200 notifications (FerretDB-bound)
#   mixed                80% that list, 20% POST /api/notifications (each create writes its event
#                        into the document; the relay publishes it to notifications-created)
#   relay                every create's event pulled from a subscription made before the run:
#                        lag = publish time - createdAt (p50/p99/max), events still unpublished
#                        when the load stopped, and how long they took to drain (target: bounded)
#   peak RSS             VmHWM of vibework at the end (target <= 64 MB)
#
# vibework runs pinned to CPU 0 with HTTP_THREADS=1, wrk pinned to CPU 1; MariaDB, FerretDB, Redis
# and the emulator are not pinned (they share the machine). The access log is off. Rounds
# interleave the measurements; medians are reported. It prints; it asserts nothing.
#
#   bench/app.sh [--binary PATH] [--duration 10] [--connections 50] [--rounds 3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=10
connections=50
rounds=${ROUNDS:-3}
binary=${VIBEWORK_BINARY:-}

bench=app.sh
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_options 2,21 "$@"
bench_require wrk taskset curl mysql python3
binary=$(bench_binary "$binary")
# shellcheck source=../scripts/lib/env.sh
source "$root/scripts/lib/env.sh"
events=$root/bench/app_events.py

work=$(mktemp -d /tmp/vibework-bench-app.XXXXXX)
database=vibework_app_bench_$$
project=vibework-app-bench-$$
pids=()
cleanup() {
  set +e
  trap - EXIT INT TERM
  bench_stop_all
  mysql_cli -e "DROP DATABASE IF EXISTS \`$database\`" 2>/dev/null
  python3 "$events" drop-database 127.0.0.1 27017 "$database" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mysql_cli -e "CREATE DATABASE \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
export MYSQL_DATABASE=$database
export MONGODB_URI=mongodb://127.0.0.1:27017/$database
export PUBSUB_PROJECT_ID=$project
"$binary" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

port=$(free_port)
base=http://127.0.0.1:$port
HTTP_HOST=127.0.0.1 HTTP_PORT=$port HTTP_THREADS=1 HTTP_ACCESS_LOG=false AUTH_URL=$base \
  AUTH_SECRET="vibework-app-bench-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" env ${VW_ENV:-} \
  taskset -c 0 "$binary" serve >"$work/vibework.log" 2>&1 &
vw_pid=$!
pids+=("$vw_pid")
deadline=$((SECONDS + 60))
until curl -sf -o /dev/null --max-time 2 "$base/health/ready"; do
  kill -0 "$vw_pid" 2>/dev/null || { echo "app.sh: vibework exited:" >&2; tail -20 "$work/vibework.log" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "app.sh: $base/health/ready did not answer 200 within 60 s" >&2; tail -20 "$work/vibework.log" >&2; exit 1; }
  sleep 0.1
done

# --- one user, one session cookie, 200 notifications to list ---------------------------------
curl -sf -o /dev/null -H 'content-type: application/json' -H "origin: $base" \
  -d '{"email":"bench@example.com","password":"bench password 12345","name":"bench"}' "$base/api/auth/sign-up/email" ||
  { echo "app.sh: sign-up failed" >&2; tail -20 "$work/vibework.log" >&2; exit 1; }
cookie=$(curl -sf -D - -o /dev/null -H 'content-type: application/json' -H "origin: $base" \
  -d '{"email":"bench@example.com","password":"bench password 12345"}' "$base/api/auth/sign-in/email" |
  tr -d '\r' | awk -F'[:;] *' 'tolower($1)=="set-cookie" && $2 ~ /^better-auth\.session_token=/ {print $2; exit}')
[ -n "$cookie" ] || { echo "app.sh: sign-in gave no session cookie" >&2; exit 1; }
create_body='{"type":"info","title":"bench","message":"a notification created by bench/app.sh","data":{"n":1}}'
for _ in $(seq 1 200); do
  curl -sf -o /dev/null -H 'content-type: application/json' -H "cookie: $cookie" -d "$create_body" "$base/api/notifications" ||
    { echo "app.sh: POST /api/notifications failed" >&2; tail -20 "$work/vibework.log" >&2; exit 1; }
done
page=$(curl -sf -H "cookie: $cookie" "$base/api/notifications?limit=20")
[ "$(grep -o '"id"' <<<"$page" | wc -l)" -eq 20 ] || { echo "app.sh: the list did not return 20 notifications: ${page:0:300}" >&2; exit 1; }
me=$(curl -sf -H "cookie: $cookie" "$base/api/users/me")
[[ $me == *'"email":"bench@example.com"'* ]] || { echo "app.sh: GET /api/users/me: $me" >&2; exit 1; }

# wrk scripts: the cookie on every request; the mixed one picks list or create per request and
# counts answers by status (a create is a 201), so the relay report knows how many events to expect.
# (wrk.format with its own headers does not add wrk.headers: the create names its cookie itself.)
cat >"$work/cookie.lua" <<LUA
wrk.headers["Cookie"] = "$cookie"
LUA
cat >"$work/mixed.lua" <<LUA
wrk.headers["Cookie"] = "$cookie"
local list = wrk.format("GET", "/api/notifications?limit=20")
local create = wrk.format("POST", "/api/notifications", {["Content-Type"] = "application/json", ["Origin"] = "$base", ["Cookie"] = "$cookie"}, '$create_body')
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() created = 0; listed = 0; other = 0 end
function request() if math.random() < 0.2 then return create end return list end
function response(status)
  if status == 201 then created = created + 1 elseif status == 200 then listed = listed + 1 else other = other + 1 end
end
function done()
  local c, l, o = 0, 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); l = l + t:get("listed"); o = o + t:get("other") end
  io.write(string.format("COUNTS %d %d %d\n", c, l, o))
end
LUA

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$vw_pid/stat"; }
# run_wrk seconds path [wrk args...] -> "rate p50_ms p99_ms non2xx cpu_us_per_request"
run_wrk() {
  local d=$1 path=$2 out before after
  shift 2
  before=$(cpu_ticks)
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${d}s" --latency "$@" "$base$path")
  after=$(cpu_ticks)
  [ -z "${WRK_OUT:-}" ] || printf '%s\n' "$out" >"$WRK_OUT"
  awk -v cpu=$((after - before)) -v hz="$ticks" '
    function ms(v) { if (v ~ /us$/) { sub(/us/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms/, "", v); return v + 0 }
                     sub(/s$/, "", v); return v * 1000 }
    /^Requests\/sec:/ { rate = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /requests in/ { total = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    END { printf "%s %s %s %d %.1f\n", rate, p50, p99, bad, total ? cpu / hz * 1e6 / total : 0 }' <<<"$out"
}

declare -A rate p50 p99 bad cpu
add() {  # key "rate p50 p99 bad cpu"
  local r a b n c
  read -r r a b n c <<<"$2"
  rate[$1]+="$r "; p50[$1]+="$a "; p99[$1]+="$b "; cpu[$1]+="$c "; bad[$1]=$(( ${bad[$1]:-0} + n ))
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "warming up..."
run_wrk 2 /health/live >/dev/null
run_wrk 2 /api/users/me -s "$work/cookie.lua" >/dev/null
run_wrk 2 "/api/notifications?limit=20" -s "$work/cookie.lua" >/dev/null

# How many notifications the user has (all unread): the mixed runs' creates are the growth of
# this count (wrk's own count misses the requests still in flight when it stops).
notification_count() { curl -sf -H "cookie: $cookie" "$base/api/notifications/unread-count" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])'; }
count_before=$(notification_count)

# The relay probe: a subscription made now sees every event the mixed runs cause.
python3 "$events" subscribe "$project" bench-probe
python3 "$events" collect "$project" bench-probe "$work/events.txt" "$work/events.stop" "$(date +%s.%N)" &
probe_pid=$!
pids+=("$probe_pid")
load_end=0

for round in $(seq 1 "$rounds"); do
  add live "$(run_wrk "$duration" /health/live)"
  add me "$(run_wrk "$duration" /api/users/me -s "$work/cookie.lua")"
  add list "$(run_wrk "$duration" "/api/notifications?limit=20" -s "$work/cookie.lua")"
  add mixed "$(WRK_OUT=$work/mixed.out run_wrk "$duration" "/api/notifications?limit=20" -s "$work/mixed.lua")"
  load_end=$(date +%s.%N)
  read -r created listed other < <(awk '/^COUNTS/ {print $2, $3, $4}' "$work/mixed.out")
  printf 'round %s: health/live %s | users/me %s | list %s | mixed %s req/s (%s created, %s listed, %s other)\n' "$round" \
    "$(awk '{print $NF}' <<<"${rate[live]}")" "$(awk '{print $NF}' <<<"${rate[me]}")" \
    "$(awk '{print $NF}' <<<"${rate[list]}")" "$(awk '{print $NF}' <<<"${rate[mixed]}")" "$created" "$listed" "$other"
done
# Creates wrk gave up on when it stopped may still be finishing: count once two reads a second
# apart agree (at most 30 s).
settled=$(notification_count)
for _ in $(seq 1 30); do
  sleep 1
  now=$(notification_count)
  [ "$now" = "$settled" ] && break
  settled=$now
done
created_total=$(( settled - count_before ))
echo "$created_total" >"$work/events.stop"
wait "$probe_pid" || true
read -r received lag50 lag99 lagmax backlog drain < <(python3 "$events" report "$work/events.txt" "$load_end")

rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$vw_pid/status")
m() { median ${rate[$1]}; }
printf '\n%-46s %10s %8s %8s %8s %12s   (median of %s rounds)\n' measurement "req/s" "p50 ms" "p99 ms" non-2xx "CPU us/req" "$rounds"
row() { printf '%-46s %10.0f %8.2f %8.2f %8s %12.1f\n' "$1" "$(m "$2")" "$(median ${p50[$2]})" "$(median ${p99[$2]})" "${bad[$2]}" "$(median ${cpu[$2]})"; }
row "GET /health/live" live
row "GET /api/users/me (Redis cache hit)" me
row "GET /api/notifications?limit=20" list
row "mixed: 80% list, 20% POST /api/notifications" mixed

awk -v me="$(m me)" -v live="$(m live)" -v rss="$rss_kb" -v got="$received" -v want="$created_total" \
  -v l50="$lag50" -v l99="$lag99" -v lmax="$lagmax" -v backlog="$backlog" -v drain="$drain" 'BEGIN {
  printf "\nusers/me / health/live:                  %8.2fx (target >= 0.4x)\n", me/live
  printf "events: %d created in the mixed runs, %d reached the subscription (lost: %d)\n", want, got, want - got
  printf "relay lag (publish - createdAt):          p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", l50, l99, lmax
  printf "backlog when the last mixed run stopped:  %d events, drained %.2f s later\n", backlog, drain
  printf "peak RSS (VmHWM):                         %.1f MB (target <= 64 MB)\n", rss/1024
}'
case $binary in */build/dev/*|*/build/asan/*) echo "NOTE: $binary is a Debug build; for figures that mean something use the release preset (--binary build/release/vibework)" ;; esac
echo "(wrk -t1 -c$connections -d${duration}s; vibework $(basename "$(dirname "$binary")") build on CPU 0, HTTP_THREADS=1, access log off; wrk on CPU 1; the services unpinned)"
