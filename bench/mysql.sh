#!/usr/bin/env bash
# bench/mysql.sh — the typed API (bench/mysql/mysql_bench.cpp) against sysbench on the same
# server, at the same concurrency, alternating in one run so both see the same machine load.
#
#   bench/mysql.sh                       # 10 tasks, 5 s per run, 7 rounds, 2 and 1 I/O threads
#   BENCH_TASKS=50 BENCH_ROUNDS=7 bench/mysql.sh
#   BENCH_DIAGNOSTICS=1 bench/mysql.sh   # also sysbench's exact SQL through the raw API, and
#                                        # through one connection per task without the pool
#
# Each round runs sysbench and then vibework back to back; the machine's speed drifts between
# rounds (these are shared VMs), so the verdict is the median of the per-round ratios. The
# ratio of the medians is printed too.
#
# Server from MYSQL_HOST/PORT/USER/PASSWORD (defaults: 127.0.0.1:3306 root/password); it uses a
# scratch database (BENCH_DATABASE, default vibework_bench) that it drops and recreates.
# Targets: point select >= 0.85x sysbench oltp_point_select, insert >= 0.8x oltp_insert.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${MYSQL_HOST:-127.0.0.1}
[[ $HOST == localhost ]] && HOST=127.0.0.1
PORT=${MYSQL_PORT:-3306}
USER_=${MYSQL_USER:-root}
PASS=${MYSQL_PASSWORD:-password}
DB=${BENCH_DATABASE:-vibework_bench}
TASKS=${BENCH_TASKS:-10}
RUN_SECONDS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-7}
# vibework I/O threads to try: 2 = one per core (what `vibework serve` runs on this machine),
# 1 = the client on one core, leaving the other to the server.
IO_THREAD_SETS=${BENCH_IO_THREADS:-"2 1"}
TABLE_SIZE=${BENCH_TABLE_SIZE:-10000}

cmake --preset release >/dev/null 2>&1
if ! cmake --build --preset release --target mysql_bench -j2 >/tmp/vibework_mysql_bench_build.log 2>&1; then
  echo "building mysql_bench failed; see /tmp/vibework_mysql_bench_build.log" >&2
  exit 1
fi
BIN=build/release/bench/mysql/mysql_bench

mariadb -h"$HOST" -P"$PORT" -u"$USER_" -p"$PASS" -e \
  "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4"
SB=(sysbench --db-driver=mysql --mysql-host="$HOST" --mysql-port="$PORT" --mysql-user="$USER_"
    --mysql-password="$PASS" --mysql-db="$DB" --tables=1 --table-size="$TABLE_SIZE"
    --threads="$TASKS" --time="$RUN_SECONDS" --report-interval=0)
"${SB[@]}" oltp_point_select prepare >/dev/null

sysbench_rate() {  # "queries: N (R per sec.)" -> R
  "${SB[@]}" "$1" run | sed -n 's/.*queries: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p'
}
ours_rate() {
  MYSQL_HOST=$HOST MYSQL_PORT=$PORT MYSQL_USER=$USER_ MYSQL_PASSWORD=$PASS MYSQL_DATABASE=$DB \
    "$BIN" "$1" "$TASKS" "$RUN_SECONDS" "$IO_THREADS" "$TABLE_SIZE" | sed -n 's/.*rate=\([0-9.]*\)\/s.*/\1/p'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "server $HOST:$PORT, $TASKS concurrent tasks (sysbench: $TASKS threads; vibework: default pool of" \
     "${MYSQL_POOL_SIZE:-10} connections), $RUN_SECONDS s per run, $ROUNDS rounds, load: $(cut -d' ' -f1-3 /proc/loadavg)"
MODES=("point_select oltp_point_select 0.85" "insert oltp_insert 0.80")
if [[ ${BENCH_DIAGNOSTICS:-0} == 1 ]]; then
  MODES+=("point_select_raw oltp_point_select -" "point_select_connection oltp_point_select -")
fi
for IO_THREADS in $IO_THREAD_SETS; do
  echo "vibework with $IO_THREADS I/O threads:"
  for entry in "${MODES[@]}"; do
    read -r ours sb target <<<"$entry"
    sb_rates=() our_rates=() ratios=()
    for ((r = 1; r <= ROUNDS; r++)); do
      s=$(sysbench_rate "$sb")
      o=$(ours_rate "$ours")
      ratio=$(awk -v a="$o" -v b="$s" 'BEGIN {printf "%.3f", a / b}')
      sb_rates+=("$s")
      our_rates+=("$o")
      ratios+=("$ratio")
      printf '  %-23s round %d: sysbench %9.1f/s  vibework %9.1f/s  ratio %.2f\n' "$ours" "$r" "$s" "$o" "$ratio"
    done
    ms=$(median "${sb_rates[@]}")
    mo=$(median "${our_rates[@]}")
    printf '  %-23s MEDIAN:  sysbench %9.1f/s  vibework %9.1f/s  ratio %.2f (median of round ratios; ratio of medians %.2f)%s\n' \
      "$ours" "$ms" "$mo" "$(median "${ratios[@]}")" "$(awk -v a="$mo" -v b="$ms" 'BEGIN {print a / b}')" \
      "$([[ $target == - ]] && echo "" || echo " target >= $target")"
  done
done
mariadb -h"$HOST" -P"$PORT" -u"$USER_" -p"$PASS" -e "DROP DATABASE IF EXISTS \`$DB\`"
