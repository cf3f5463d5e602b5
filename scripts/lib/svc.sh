# shellcheck shell=bash
# Per-service knowledge for scripts/services: where each server's binary is, how to
# initialise its data dir, the command line that runs it in the foreground, and a REAL
# request that proves it answers (not just an open port).
#
# Every service <s> in $SVC_ALL defines:
#   svc_<s>_env_addr        -> "host port" from the service's own env var (with default)
#   svc_<s>_bin             -> path of the server binary, or return 1 with a hint on stderr
#   svc_<s>_init DIR PORT   -> prepare DIR/data before the first start (may be a no-op)
#   svc_<s>_run DIR PORT    -> exec the server in the foreground (logs to stdout/stderr)
#   svc_<s>_probe HOST PORT [DIR] -> 0 when the server answers a real request
#   svc_<s>_ready PORT DIR  -> 0 when a freshly launched server is up enough for after_start
#                              (usually the probe; MariaDB: its Unix socket, before users exist)
#   svc_<s>_after_start DIR PORT  -> one-off setup once it answers (may be a no-op)
#   svc_<s>_match           -> a string the server's /proc cmdline contains (pid reuse guard)
#   svc_<s>_timeout         -> seconds to wait for readiness
# Sourced after common.sh.

# shellcheck disable=SC2034  # used by scripts/services
SVC_ALL=(mariadb ferretdb redis pubsub mailpit)   # lifecycle order of the C++ layer

# svc_canonical NAME: accept the names people actually type.
svc_canonical() {
  case $1 in
    mariadb|mysql) echo mariadb ;;
    ferretdb|mongodb|mongo) echo ferretdb ;;
    redis) echo redis ;;
    pubsub|pubsub-emulator|emulator) echo pubsub ;;
    mailpit|mail|smtp) echo mailpit ;;
    *) return 1 ;;
  esac
}

# svc_env_var S: which variable sets S's address, with its value (for error messages).
svc_env_var() {
  case $1 in
    mariadb) echo "MYSQL_PORT='${MYSQL_PORT:-}'" ;;
    ferretdb) echo "MONGODB_URI='${MONGODB_URI:-}'" ;;
    redis) echo "REDIS_URL='${REDIS_URL:-}'" ;;
    pubsub) echo "PUBSUB_EMULATOR_HOST='${PUBSUB_EMULATOR_HOST:-}'" ;;
    mailpit) echo "SMTP_URL='${SMTP_URL:-}'" ;;
  esac
}

# probes talk to servers that may be SIGSTOPped by a test: always bound them.
PROBE_TIMEOUT=${PROBE_TIMEOUT:-5}

# ============================================================================ mariadb
svc_mariadb_env_addr() {
  printf '%s %s\n' "${MYSQL_HOST:-127.0.0.1}" "${MYSQL_PORT:-3306}"
}
svc_mariadb_bin() {
  command -v mariadbd 2>/dev/null || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; } ||
    { echo "mariadbd not found (package mariadb-server; run scripts/bootstrap)" >&2; return 1; }
}
svc_mariadb_match() { echo mariadbd; }
svc_mariadb_timeout() { echo 30; }

# The Unix socket path must fit in sun_path (108 bytes); long checkout paths get a /tmp name.
svc_mariadb_socket() {
  local sock=$1/mysqld.sock
  if ((${#sock} > 100)); then
    sock=/tmp/vibework-mysqld-$(printf '%s' "$1" | md5sum | cut -c1-12).sock
  fi
  printf '%s\n' "$sock"
}

# Our own config file, so nothing from /etc/mysql (datadir, socket, port) leaks in.
svc_mariadb_write_cnf() {
  local dir=$1 port=$2
  cat >"$dir/my.cnf" <<EOF
# Written by scripts/services on every start; edit scripts/lib/svc.sh instead.
[mysqld]
user                           = $(id -un)
datadir                        = $dir/data
socket                         = $(svc_mariadb_socket "$dir")
pid-file                       = $dir/mariadbd.pid
port                           = $port
bind-address                   = 127.0.0.1
skip-name-resolve
log-error                      = $dir/log/mariadb.err.log
character-set-server           = utf8mb4
collation-server               = utf8mb4_unicode_ci
# tests open a pool per suite and benchmarks open many; the default 151 is too tight
max_connections                = 500
# dev/test speed: flush the redo log once a second, not per commit (an OS crash may lose ~1s)
innodb_flush_log_at_trx_commit = 2
innodb_buffer_pool_size        = 256M
innodb_log_file_size           = 128M
skip-log-bin
performance_schema             = OFF
EOF
}

svc_mariadb_init() {
  local dir=$1 port=$2
  svc_mariadb_write_cnf "$dir" "$port"
  [[ -d $dir/data/mysql ]] && return 0
  info "mariadb: initialising a new data directory in $dir/data"
  rm -rf "$dir/data" && mkdir -p "$dir/data"
  # Socket auth for the OS user running this: the setup below logs in over the socket
  # without knowing any password (as root, or as an account named after a non-root
  # OS user); TCP users get their password in svc_mariadb_after_start.
  if ! mariadb-install-db --defaults-file="$dir/my.cnf" --user="$(id -un)" \
       --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" --skip-test-db \
       >"$dir/log/install.log" 2>&1; then
    err "mariadb: mariadb-install-db failed"
    tail_log "$dir/log/install.log"
    rm -rf "$dir/data"   # half-initialised: let the next start try again from scratch
    return 1
  fi
}

svc_mariadb_run() {
  local dir=$1 bin
  bin=$(svc_mariadb_bin)
  # --defaults-file must be the first option
  exec "$bin" --defaults-file="$dir/my.cnf"
}

# Over TCP with the credentials the application uses: exactly what the C++ pool does.
svc_mariadb_probe() {
  local host=$1 port=$2
  [[ $host == localhost ]] && host=127.0.0.1   # "localhost" would mean the Unix socket
  MYSQL_PWD=${MYSQL_PASSWORD:-password} timeout "$PROBE_TIMEOUT" \
    mariadb --no-defaults --protocol=TCP -h"$host" -P"$port" -u"${MYSQL_USER:-root}" \
    --connect-timeout=2 -N -B -e 'SELECT 1' >/dev/null 2>&1
}

svc_mariadb_ready() { svc_mariadb_socket_sql "$2" -e 'SELECT 1' >/dev/null 2>&1; }

# The client honours MYSQL_HOST (scripts/test exports 127.0.0.1) over --socket and even
# over --protocol=SOCKET, which would silently turn this into a TCP login: drop it.
svc_mariadb_socket_sql() {
  local dir=$1; shift
  timeout "$PROBE_TIMEOUT" env -u MYSQL_HOST -u MYSQL_TCP_PORT -u MYSQL_PWD \
    mariadb --no-defaults --protocol=SOCKET -hlocalhost --socket="$(svc_mariadb_socket "$dir")" \
    -u"$(id -un)" --connect-timeout=2 -N -B "$@"
}

# Users and database the defaults expect. Idempotent; runs on every start so a changed
# MYSQL_PASSWORD takes effect. root may log in over TCP (any loopback address, since
# skip-name-resolve makes 127.0.0.1 not match 'localhost') with all privileges, because
# integration tests CREATE one database per suite.
svc_mariadb_after_start() {
  local dir=$1 user=${MYSQL_USER:-root} pass=${MYSQL_PASSWORD:-password} db=${MYSQL_DATABASE:-vibework}
  local q_pass=${pass//\\/\\\\}; q_pass=${q_pass//\'/\\\'}
  local q_user=${user//\'/\\\'}
  local q_db=${db//\`/\`\`}
  svc_mariadb_socket_sql "$dir" >"$dir/log/setup.log" 2>&1 <<SQL || { err "mariadb: user/database setup failed"; tail_log "$dir/log/setup.log"; return 1; }
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$q_pass');
CREATE USER IF NOT EXISTS '$q_user'@'%' IDENTIFIED BY '$q_pass';
ALTER USER '$q_user'@'%' IDENTIFIED BY '$q_pass';
GRANT ALL PRIVILEGES ON *.* TO '$q_user'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$q_db\`;
FLUSH PRIVILEGES;
SQL
}

# ============================================================================ redis
svc_redis_env_addr() {
  url_hostport "${REDIS_URL:-redis://localhost:6379}" 6379
}
svc_redis_bin() {
  command -v redis-server 2>/dev/null ||
    { echo "redis-server not found (package redis-server; run scripts/bootstrap)" >&2; return 1; }
}
svc_redis_match() { echo redis-server; }
svc_redis_timeout() { echo 30; }
svc_redis_init() { :; }
svc_redis_ready() { svc_redis_probe 127.0.0.1 "$1"; }
svc_redis_after_start() { :; }

svc_redis_run() {
  local dir=$1 port=$2 bin
  bin=$(svc_redis_bin)
  # Foreground (we own the pid), log to stdout (our log file), RDB snapshots in data/.
  # DEBUG is allowed from loopback so tests can simulate a slow server (DEBUG SLEEP).
  exec "$bin" --bind 127.0.0.1 --port "$port" --dir "$dir/data" \
    --daemonize no --supervised no --logfile '' --dbfilename dump.rdb \
    --save '3600 1 300 100 60 10000' --appendonly no \
    --enable-debug-command local
}

svc_redis_probe() {
  local host=$1 port=$2 reply
  reply=$(timeout "$PROBE_TIMEOUT" redis-cli -h "$host" -p "$port" ping 2>/dev/null) || return 1
  [[ $reply == PONG ]]
}

# ============================================================================ ferretdb
svc_ferretdb_env_addr() {
  url_hostport "${MONGODB_URI:-mongodb://localhost:27017/vibework}" 27017
}
# FERRETDB_BIN overrides; else PATH; else where scripts/bootstrap puts it (GOBIN/GOPATH/bin).
svc_ferretdb_bin() {
  local c gopath
  if [[ -n ${FERRETDB_BIN:-} ]]; then
    [[ -x $FERRETDB_BIN ]] && { echo "$FERRETDB_BIN"; return 0; }
    echo "FERRETDB_BIN=$FERRETDB_BIN is not executable" >&2; return 1
  fi
  command -v ferretdb 2>/dev/null && return 0
  for c in "${GOBIN:-}" "${GOPATH:-}/bin" "$HOME/go/bin"; do
    [[ -n $c && -x $c/ferretdb ]] && { echo "$c/ferretdb"; return 0; }
  done
  if command -v go >/dev/null 2>&1; then
    gopath=$(go env GOBIN 2>/dev/null); [[ -n $gopath ]] || gopath=$(go env GOPATH 2>/dev/null)/bin
    [[ -x $gopath/ferretdb ]] && { echo "$gopath/ferretdb"; return 0; }
  fi
  echo "ferretdb not found: run scripts/bootstrap (needs Go >= 1.24), or set MONGODB_URI to a MongoDB you run yourself, or use deploy/docker-compose.yml" >&2
  return 1
}
svc_ferretdb_match() { echo ferretdb; }
svc_ferretdb_timeout() { echo 30; }
svc_ferretdb_init() { mkdir -p "$1/data" "$1/state"; }
svc_ferretdb_after_start() { :; }
svc_ferretdb_ready() { svc_ferretdb_probe 127.0.0.1 "$1"; }

svc_ferretdb_run() {
  local dir=$1 port=$2 bin
  bin=$(svc_ferretdb_bin)
  # SQLite backend: one file per database under data/. No telemetry, no debug HTTP port
  # (its default 8088 would collide between the shared and private instances).
  exec "$bin" --handler=sqlite --sqlite-url="file:$dir/data/" \
    --listen-addr="127.0.0.1:$port" --state-dir="$dir/state" \
    --debug-addr=- --telemetry=disable --log-level=info
}

# A real MongoDB wire-protocol request: OP_MSG {ping: 1, $db: "admin"}, reply must have ok: 1.
# Plain python3 (no pymongo): hand-built BSON, minimal reply parsing.
svc_ferretdb_probe() {
  local host=$1 port=$2
  timeout "$PROBE_TIMEOUT" python3 - "$host" "$port" <<'PY' >/dev/null 2>&1
import socket, struct, sys

def bson(pairs):
    body = b""
    for k, v in pairs:
        key = k.encode() + b"\0"
        if isinstance(v, int):
            body += b"\x10" + key + struct.pack("<i", v)
        else:
            s = v.encode() + b"\0"
            body += b"\x02" + key + struct.pack("<i", len(s)) + s
    return struct.pack("<i", len(body) + 5) + body + b"\0"

def field(doc, name):
    i = 4
    while i < len(doc) - 1:
        t = doc[i]; j = doc.index(b"\0", i + 1); key = doc[i + 1:j].decode(); i = j + 1
        if t == 0x01: v = struct.unpack_from("<d", doc, i)[0]; i += 8
        elif t == 0x10: v = struct.unpack_from("<i", doc, i)[0]; i += 4
        elif t == 0x12: v = struct.unpack_from("<q", doc, i)[0]; i += 8
        elif t == 0x08: v = doc[i] == 1; i += 1
        elif t in (0x02, 0x0D, 0x0E): n = struct.unpack_from("<i", doc, i)[0]; v = doc[i + 4:i + 3 + n]; i += 4 + n
        elif t in (0x03, 0x04): n = struct.unpack_from("<i", doc, i)[0]; v = doc[i:i + n]; i += n
        elif t == 0x05: n = struct.unpack_from("<i", doc, i)[0]; v = None; i += 5 + n
        elif t == 0x07: v = None; i += 12
        elif t in (0x09, 0x11): v = None; i += 8
        elif t in (0x0A, 0xFF, 0x7F): v = None
        elif t == 0x13: v = None; i += 16
        else: raise ValueError("bson type %d" % t)
        if key == name: return v
    return None

host, port = sys.argv[1], int(sys.argv[2])
msg = struct.pack("<I", 0) + b"\0" + bson([("ping", 1), ("$db", "admin")])
req = struct.pack("<iiii", 16 + len(msg), 1, 0, 2013) + msg
with socket.create_connection((host, port), timeout=3) as s:
    s.settimeout(3)
    s.sendall(req)
    buf = b""
    while len(buf) < 4 or len(buf) < struct.unpack_from("<i", buf)[0]:
        chunk = s.recv(65536)
        if not chunk: sys.exit("connection closed")
        buf += chunk
length, _, response_to, opcode = struct.unpack_from("<iiii", buf)
assert opcode == 2013 and response_to == 1, "not an OP_MSG reply"
assert buf[20] == 0, "expected a body section"
ok = field(buf[21:], "ok")
sys.exit(0 if ok in (1, 1.0, True) else "ok=%r" % (ok,))
PY
}

# ============================================================================ pubsub
svc_pubsub_env_addr() {
  url_hostport "${PUBSUB_EMULATOR_HOST:-localhost:8085}" 8085
}
# PUBSUB_EMULATOR_BIN overrides; else the usual Cloud SDK install locations.
svc_pubsub_bin() {
  local c
  for c in "${PUBSUB_EMULATOR_BIN:-}" \
           /usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator \
           /usr/share/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator \
           /opt/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator \
           "$HOME/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"; do
    [[ -n $c && -x $c ]] && { echo "$c"; return 0; }
  done
  echo "Pub/Sub emulator not found (package google-cloud-cli-pubsub-emulator from Google's Cloud SDK apt repo, or 'gcloud components install pubsub-emulator'; set PUBSUB_EMULATOR_BIN if it lives elsewhere)" >&2
  return 1
}
svc_pubsub_match() { echo cloud-pubsub-emulator; }
svc_pubsub_timeout() { echo 60; }   # a JVM on 2 cores
svc_pubsub_after_start() { :; }
svc_pubsub_ready() { svc_pubsub_probe 127.0.0.1 "$1"; }

svc_pubsub_init() {
  command -v java >/dev/null 2>&1 || {
    err "pubsub: java not found; the emulator is a Java program (apt-get install openjdk-17-jre-headless)"
    return 1; }
}

svc_pubsub_run() {
  local port=$2 bin
  bin=$(svc_pubsub_bin)
  # The emulator binary directly (what `gcloud beta emulators pubsub start` runs), so no
  # gcloud config/network is involved. State is in memory only.
  exec "$bin" --host=127.0.0.1 --port="$port"
}

svc_pubsub_probe() {
  local host=$1 port=$2
  curl -sf --max-time "$PROBE_TIMEOUT" \
    "http://$host:$port/v1/projects/${PUBSUB_PROJECT_ID:-vibework-project}/topics" >/dev/null 2>&1
}

# ============================================================================ mailpit
# A real SMTP server that keeps every message and shows it in a web UI / HTTP API. Two
# ports: SMTP from SMTP_URL (default 1025) and the UI/API from MAILPIT_UI_PORT (default
# 8025 for the shared instance; SMTP port + 1 for a private one, so the two never collide).
svc_mailpit_env_addr() {
  url_hostport "${SMTP_URL:-smtp://127.0.0.1:1025}" 1025
}
# MAILPIT_BIN overrides; else PATH; else where scripts/bootstrap's `go install` puts it.
svc_mailpit_bin() {
  local c gopath
  if [[ -n ${MAILPIT_BIN:-} ]]; then
    [[ -x $MAILPIT_BIN ]] && { echo "$MAILPIT_BIN"; return 0; }
    echo "MAILPIT_BIN=$MAILPIT_BIN is not executable" >&2; return 1
  fi
  command -v mailpit 2>/dev/null && return 0
  for c in "${GOBIN:-}" "${GOPATH:-}/bin" "$HOME/go/bin"; do
    [[ -n $c && -x $c/mailpit ]] && { echo "$c/mailpit"; return 0; }
  done
  if command -v go >/dev/null 2>&1; then
    gopath=$(go env GOBIN 2>/dev/null); [[ -n $gopath ]] || gopath=$(go env GOPATH 2>/dev/null)/bin
    [[ -x $gopath/mailpit ]] && { echo "$gopath/mailpit"; return 0; }
  fi
  echo "mailpit not found: run scripts/bootstrap (needs Go), or set SMTP_URL to an SMTP server you run yourself, or use deploy/docker-compose.yml" >&2
  return 1
}
svc_mailpit_match() { echo mailpit; }
svc_mailpit_timeout() { echo 30; }
svc_mailpit_after_start() { :; }

# svc_mailpit_ui_port DIR SMTP_PORT: recorded at the first start, so later commands find it.
svc_mailpit_ui_port() {
  local dir=$1 port=$2
  if [[ -r $dir/ui.port ]]; then cat "$dir/ui.port"; return 0; fi
  if [[ -n ${MAILPIT_UI_PORT:-} ]]; then echo "$MAILPIT_UI_PORT"
  elif [[ $port == 1025 ]]; then echo 8025
  else echo $((port + 1)); fi
}

svc_mailpit_init() {
  local dir=$1 port=$2 ui
  ui=$(svc_mailpit_ui_port "$dir" "$port")
  if [[ -n ${MAILPIT_UI_PORT:-} ]]; then ui=$MAILPIT_UI_PORT; fi   # an explicit choice wins
  [[ $ui =~ ^[0-9]+$ ]] && ((ui > 0 && ui < 65536)) || { err "mailpit: bad UI port '$ui' (MAILPIT_UI_PORT)"; return 1; }
  if port_in_use "$ui"; then
    err "mailpit: UI port $ui is already taken; set MAILPIT_UI_PORT to a free one"
    return 1
  fi
  echo "$ui" >"$dir/ui.port"
}

svc_mailpit_run() {
  local dir=$1 port=$2 bin
  bin=$(svc_mailpit_bin)
  # Any SMTP user/password is accepted, also without TLS, so an SMTP_URL with credentials
  # works against it; no update check (no network); messages kept in data/mailpit.db.
  exec "$bin" --smtp "127.0.0.1:$port" --listen "127.0.0.1:$(cat "$dir/ui.port")" \
    --database "$dir/data/mailpit.db" --disable-version-check \
    --smtp-auth-accept-any --smtp-auth-allow-insecure
}

# SMTP answers NOOP after EHLO, and the API answers: both halves are usable.
svc_mailpit_probe() {
  local host=$1 port=$2 dir=${3:-} ui scheme=smtp
  [[ -z $dir && ${SMTP_URL:-} == smtps://* ]] && scheme=smtps   # an external server with implicit TLS
  curl -sf --max-time "$PROBE_TIMEOUT" -X NOOP "$scheme://$host:$port" >/dev/null 2>&1 || return 1
  [[ -n $dir ]] || return 0   # external: only the SMTP half is ours to check
  ui=$(svc_mailpit_ui_port "$dir" "$port")
  curl -sf --max-time "$PROBE_TIMEOUT" "http://$host:$ui/api/v1/info" >/dev/null 2>&1
}
svc_mailpit_ready() { svc_mailpit_probe 127.0.0.1 "$1" "$2"; }
