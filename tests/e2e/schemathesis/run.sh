#!/usr/bin/env bash
# docs/openapi.yaml checked against the running binary by schemathesis, as a signed-in user.
#
#   tests/e2e/schemathesis/run.sh VIBEWORK_BINARY [schemathesis run options]
#   tests/e2e/schemathesis/run.sh build/dev/vibework --include-path-regex '^/api/users'
#   ST_MAX_EXAMPLES=200 ST_SEED=7 tests/e2e/schemathesis/run.sh build/dev/vibework
#
# Installs schemathesis (PyPI, pinned below) into a venv under .local/ when it is missing, creates
# the MySQL database vibework_st_e2e_<pid>, runs `vibework migrate` on it, starts `vibework serve`
# on a free port, signs a user up with curl and runs `schemathesis run` on the served
# /openapi.json with that user's session cookie: no 5xx, every status, content type and body as
# documented. The routes that end the caller's session (sign-out, revoke-session(s),
# delete-user) get a pass of their own each, with a user of their own (options given on the
# command line go to the main pass only, and skip these). On exit it stops the
# server and drops the database; on failure it prints the server's log. Needs the local MariaDB,
# MongoDB (FerretDB), Redis, Pub/Sub emulator and Mailpit (scripts/services start).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
# Test cases per operation and phase: bounded, so the whole run takes a couple of minutes.
max_examples=${ST_MAX_EXAMPLES:-50}

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
for tool in python3 curl mysql flock; do
  command -v "$tool" >/dev/null || { say "$tool is missing; run scripts/bootstrap"; exit 1; }
done
[ -x "$binary" ] || { say "$binary does not exist (build the vibework target)"; exit 1; }

# --- schemathesis in .local/schemathesis-<version> (a venv), installed once ---------------------
venv=$root/.local/schemathesis-$SCHEMATHESIS_VERSION
st=$venv/bin/st
mkdir -p "$root/.local"
(
  flock -w 300 9 || { say "another run holds $root/.local/schemathesis.lock for 5 minutes"; exit 1; }
  if ! "$st" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || { say "python3 -m venv failed (apt-get install python3-venv; scripts/bootstrap does)"; exit 1; }
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
    "$st" --version >&2
  fi
) 9>"$root/.local/schemathesis.lock"

# --- the run's database, server and cleanup -----------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/vibework-st-e2e.XXXXXX")
database=vibework_st_e2e_$$
vw_pid=
st_pid=
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
  set +e
  trap - EXIT INT TERM HUP
  trap '' PIPE
  stop "$st_pid" -group
  stop "$vw_pid"
  if [ "$status" -ne 0 ]; then
    for log in migrate vibework; do
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

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
# Every optional auth route on, so its real answers are checked (not only "disabled"); cheap
# Argon2id (sign-up hashes often here; the cost is not what is tested). The notifications live
# in a MongoDB database of the run's own, as in notifications_e2e_test.
env HTTP_HOST=127.0.0.1 HTTP_PORT="$port" AUTH_URL="$url" \
  AUTH_SECRET="vibework-schemathesis-e2e-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
  AUTH_DELETE_USER_ENABLED=true AUTH_CHANGE_EMAIL_ENABLED=true \
  AUTH_ARGON2_MEMORY_KIB=8192 AUTH_ARGON2_ITERATIONS=1 AUTH_ARGON2_PARALLELISM=1 \
  MONGODB_URI="mongodb://127.0.0.1:27017/$database" SHUTDOWN_TIMEOUT_MS=2000 \
  "$binary" serve >"$work/vibework.log" 2>&1 &
vw_pid=$!
deadline=$((SECONDS + 30))
until curl -sf -o /dev/null --max-time 2 "$url/health/ready"; do
  kill -0 "$vw_pid" 2>/dev/null || { say "vibework exited before answering $url/health/ready"; exit 1; }
  if [ $SECONDS -ge $deadline ]; then
    say "vibework was not ready on $url within 30 s: $(curl -s --max-time 5 "$url/health/ready")"
    exit 1
  fi
  sleep 0.1
done

# sign_up TAG: a new user; prints its session cookie ("better-auth.session_token=...").
sign_up() {
  local email="st-$1-$$-$RANDOM@example.com" headers
  headers=$(curl -sS --max-time 10 -o /dev/null -D - -H 'Content-Type: application/json' \
    --data "{\"name\":\"Schemathesis $1\",\"email\":\"$email\",\"password\":\"correct horse battery\"}" \
    "$url/api/auth/sign-up/email")
  local cookie
  cookie=$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(better-auth\.session_token=[^;]*\).*/\1/p' | head -n1)
  [ -n "$cookie" ] || { say "sign-up of $email set no session cookie:"; printf '%s\n' "$headers" >&2; return 1; }
  printf '%s\n' "$cookie"
}

# The routes that end the caller's session: each gets a pass of its own (below).
session_enders=(/api/auth/sign-out /api/auth/revoke-session /api/auth/revoke-sessions /api/auth/delete-user)
excluded=("${session_enders[@]}")

# st_run COOKIE ARGS...: schemathesis on the served spec, in the background (so a SIGTERM reaches
# the trap at once) and in a process group of its own. The session cookie and a trusted Origin (a
# cookie-carrying write from anywhere else is a 403) go with every request; schemathesis does
# not make up credentials of its own.
st_run() {
  local cookie=$1
  shift
  (cd "$work" && exec setsid "$st" --no-color --config-file "$here/schemathesis.toml" run "$url/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples "$max_examples" --seed "${ST_SEED:-1}" \
    --generation-with-security-parameters false --generation-database none \
    --header "Cookie: $cookie" --header "Origin: $url" \
    --request-timeout 10 --wait-for-schema 10 "$@") &
  st_pid=$!
  wait "$st_pid"
}

started=$SECONDS
say "vibework on $url, database $database, schemathesis $SCHEMATHESIS_VERSION, $max_examples examples per operation"
cookie=$(sign_up main)
exclude_args=()
for path in "${excluded[@]}"; do exclude_args+=(--exclude-path "$path"); done
st_run "$cookie" "${exclude_args[@]}" "$@"
[ $# -eq 0 ] || { say "main pass passed in $((SECONDS - started)) s (options given: no session-ending passes)"; exit 0; }
for path in "${session_enders[@]}"; do
  say "a pass of its own, with a user of its own: $path"
  cookie=$(sign_up "$(basename "$path")")
  st_run "$cookie" --include-path "$path"
done
say "all passes passed in $((SECONDS - started)) s"
