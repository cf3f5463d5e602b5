#!/usr/bin/env bash
# vibework's auth driven by the official Better-Auth client, beside a Better-Auth 1.7 Node
# server (server.mjs) on the same fresh MySQL database with the same secret.
#
#   tests/e2e/better-auth-client/run.sh VIBEWORK_BINARY [node --test arguments]
#   TARGETS=vibework tests/e2e/better-auth-client/run.sh build/dev/vibework client.test.mjs
#
# Installs the npm dependencies when node_modules is missing or older than the lockfile, creates
# the database vibework_ba_e2e_<pid>, runs `vibework migrate` on it, starts `vibework serve` (twice:
# the second with AUTH_REQUIRE_EMAIL_VERIFICATION=true) and the Node server on free ports, waits
# until all answer, runs the tests (node:test), and on exit stops the servers and drops the
# database. Exits non-zero on any failure and then prints the servers' logs. Needs the local
# MariaDB and Mailpit (scripts/services start; MAILPIT_URL, default http://127.0.0.1:8025, is its
# HTTP API, SMTP_URL its SMTP side); Node >= 20 and npm.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [ $# -lt 1 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
binary=$1
shift
[[ $binary == /* ]] || binary=$PWD/$binary
# shellcheck source=../../../scripts/lib/env.sh
source "$root/scripts/lib/env.sh"

say() { echo "run.sh: $*" >&2; }
for tool in node npm curl mysql flock; do
  command -v "$tool" >/dev/null || { say "$tool is missing; run scripts/bootstrap"; exit 1; }
done

[ -x "$binary" ] || { say "$binary does not exist (build the vibework target)"; exit 1; }

# --- dependencies: npm ci when node_modules is missing or older than the lockfile ----------
(
  flock -w 300 9 || { say "another run holds $here/.npm.lock for 5 minutes"; exit 1; }
  stamp=$here/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    say "installing npm dependencies (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$stamp"
  fi
) 9>"$here/.npm.lock"

# --- the run's database, servers and cleanup -------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/vibework-ba-e2e.XXXXXX")
database=vibework_ba_e2e_$$
vw_pid=
strict_pid=
node_pid=
tests_pid=
mysql_cli() { MYSQL_PWD=$MYSQL_PASSWORD mysql --protocol=tcp -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" --connect-timeout=10 "$@"; }

stop() {  # pid [-group]: SIGTERM, up to 10 s to exit, then SIGKILL (to its process group with -group)
  local pid=$1 target=$1 i
  [ -n "$pid" ] || return 0
  [ "${2:-}" = -group ] && target=-$pid
  kill -TERM -- "$target" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  set +e  # every step of the cleanup runs, whatever an earlier one did
  trap - EXIT INT TERM HUP
  trap '' PIPE  # a closed stdout (run.sh | head) must not stop the cleanup half-way
  stop "$tests_pid" -group
  stop "$vw_pid"
  stop "$strict_pid"
  stop "$node_pid"
  if [ "$status" -ne 0 ]; then
    for log in migrate vibework vibework-strict node; do
      [ -s "$work/$log.log" ] || continue
      echo "----- $log log (last 200 lines) -----" >&2
      tail -n 200 "$work/$log.log" >&2
    done
  fi
  mysql_cli -e "DROP DATABASE IF EXISTS \`$database\`" 2>/dev/null || say "could not drop database $database"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

mysql_cli -e "CREATE DATABASE \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
export MYSQL_DATABASE=$database
export MYSQL_MIGRATIONS_DIR=$root/migrations
if ! "$binary" migrate >"$work/migrate.log" 2>&1; then
  say "vibework migrate failed"
  exit 1
fi

# Three free ports, held open together so they differ.
read -r vw_port node_port strict_port < <(node -e '
  const net = require("node:net");
  const open = (n, ports = []) => {
    if (n === 0) { console.log(ports.map((s) => s.address().port).join(" ")); ports.forEach((s) => s.close()); return; }
    const s = net.createServer().listen(0, "127.0.0.1", () => open(n - 1, [...ports, s]));
  };
  open(3);')
vw_url=http://127.0.0.1:$vw_port
node_url=http://127.0.0.1:$node_port
strict_url=http://127.0.0.1:$strict_port
secret="vibework-better-auth-e2e-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# No Redis session cache here: the Node server (and the tests) change session rows behind
# vibework's back, which a shared cache would not see for up to its TTL (the README says so).
# Mail goes through SMTP_URL (scripts/lib/env.sh: the local Mailpit), polled every 200 ms; the
# links in it point at each instance's own AUTH_URL. A second vibework on the same database
# requires verified emails (sign-up mails a link; unverified sign-ins get 403).
vw_env=(AUTH_SESSION_CACHE_TTL=0 HTTP_HOST=127.0.0.1 AUTH_SECRET="$secret" AUTH_TRUSTED_ORIGINS="$node_url"
  AUTH_DELETE_USER_ENABLED=true MAIL_POLL_INTERVAL_MS=200 SHUTDOWN_TIMEOUT_MS=2000)
env "${vw_env[@]}" HTTP_PORT="$vw_port" AUTH_URL="$vw_url" "$binary" serve >"$work/vibework.log" 2>&1 &
vw_pid=$!
env "${vw_env[@]}" HTTP_PORT="$strict_port" AUTH_URL="$strict_url" AUTH_REQUIRE_EMAIL_VERIFICATION=true \
  "$binary" serve >"$work/vibework-strict.log" 2>&1 &
strict_pid=$!
(cd "$here" && PORT=$node_port HOST=127.0.0.1 AUTH_SECRET=$secret VIBEWORK_URL=$vw_url NODE_ENV=development \
  exec node server.mjs) >"$work/node.log" 2>&1 &
node_pid=$!

wait_for() {  # name url pid: poll until it answers 200, the process dies, or 30 s pass
  local name=$1 url=$2 pid=$3 deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    kill -0 "$pid" 2>/dev/null || { say "$name exited before answering $url"; return 1; }
    [ $SECONDS -lt $deadline ] || { say "$name did not answer $url within 30 s"; return 1; }
    sleep 0.1
  done
}
wait_for vibework "$vw_url/api/auth/ok" "$vw_pid"
wait_for "vibework (AUTH_REQUIRE_EMAIL_VERIFICATION)" "$strict_url/api/auth/ok" "$strict_pid"
wait_for "the Node Better-Auth server" "$node_url/api/auth/ok" "$node_pid"
ba_version=$(cd "$here" && node -p 'JSON.parse(require("fs").readFileSync("node_modules/better-auth/package.json")).version')
say "vibework on $vw_url (and requiring verified emails on $strict_url), Better-Auth $ba_version on $node_url, database $database"

[ $# -gt 0 ] || set -- client.test.mjs shared-db.test.mjs email.test.mjs
cd "$here"
# In the background and waited for, so a SIGTERM (ctest's timeout) reaches the trap at once;
# in a process group of its own, so stopping it also stops the runner's per-file processes.
VIBEWORK_URL=$vw_url VIBEWORK_STRICT_URL=$strict_url NODE_URL=$node_url AUTH_SECRET=$secret \
  MAILPIT_URL=${MAILPIT_URL:-http://127.0.0.1:${MAILPIT_UI_PORT:-8025}} setsid node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=spec "$@" &
tests_pid=$!
wait "$tests_pid"
