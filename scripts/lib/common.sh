# shellcheck shell=bash
# Shared helpers for scripts/*: messages, URL/port parsing, bounded waits, pid handling.
# Sourced, never executed. Callers run with `set -euo pipefail` and set $prog.

: "${prog:=$(basename "$0")}"

# --- messages ---------------------------------------------------------------
# One line each, prefixed with the script name so interleaved output stays readable.
info() { printf '%s: %s\n' "$prog" "$*"; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
err()  { printf '%s: error: %s\n' "$prog" "$*" >&2; }
die()  { err "$*"; exit 1; }

# --- URL / address parsing ----------------------------------------------------
# url_hostport URL DEFAULT_PORT -> prints "host port".
# Handles scheme://[user[:pass]@]host[:port][/path][?query] and bare host:port
# (PUBSUB_EMULATOR_HOST has no scheme). IPv6 literals in [brackets] are kept bare.
url_hostport() {
  local url=$1 default_port=$2 rest host port
  rest=${url#*://}          # drop scheme (no-op when there is none)
  rest=${rest%%/*}          # drop path
  rest=${rest%%\?*}         # drop query
  rest=${rest##*@}          # drop credentials
  rest=${rest%%,*}          # mongodb://h1,h2 -> first host
  if [[ $rest == \[* ]]; then   # [::1]:port
    host=${rest#\[}; host=${host%%\]*}
    port=${rest##*\]}; port=${port#:}
  elif [[ $rest == *:* ]]; then
    host=${rest%%:*}; port=${rest##*:}
  else
    host=$rest; port=
  fi
  [[ -n $host ]] || host=localhost
  [[ -n $port ]] || port=$default_port
  [[ $port =~ ^[0-9]+$ ]] || return 1
  printf '%s %s\n' "$host" "$port"
}

# is_loopback HOST: true when HOST means "this machine" (then we run the server ourselves).
is_loopback() {
  case $1 in
    localhost|127.*|::1|0.0.0.0|'') return 0 ;;
    *) return 1 ;;
  esac
}

# --- bounded waits ------------------------------------------------------------
# wait_until SECONDS CMD...: run CMD every 0.25 s until it succeeds or SECONDS pass.
# Returns 0 on success, 1 on timeout. Never waits unbounded.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  while true; do
    if "$@"; then return 0; fi
    ((SECONDS < deadline)) || return 1
    sleep 0.25
  done
}

# --- processes ----------------------------------------------------------------
# pid_alive PID: the process exists (zombies count as dead).
pid_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed "s/.*) //" "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${state%% *}
  [[ $state != Z ]]
}

pid_gone() { ! pid_alive "$1"; }

# pid_cmd PID: the command line of PID, spaces between arguments.
pid_cmd() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/[[:space:]]*$//'
}

# read_pidfile FILE: prints the pid stored in FILE (empty when absent/garbled).
read_pidfile() {
  local pid=
  [[ -r $1 ]] && read -r pid <"$1" || true
  [[ $pid =~ ^[0-9]+$ ]] && printf '%s\n' "$pid" || true
}

# port_listeners PORT: "pid=N cmd" lines for every process listening on TCP PORT
# (any address). Empty output when the port is free. Uses ss from iproute2.
port_listeners() {
  local port=$1 line pids pid
  # ss prints e.g. users:(("redis-server",pid=123,fd=6))
  while read -r line; do
    pids=$(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2 | sort -u) || true
    if [[ -z $pids ]]; then
      printf 'pid=? (owner not visible: %s)\n' "$line"
      continue
    fi
    for pid in $pids; do
      printf 'pid=%s %s\n' "$pid" "$(pid_cmd "$pid")"
    done
  done < <(ss -Htlnp "sport = :$port" 2>/dev/null)
}

# port_in_use PORT: something listens on TCP PORT.
port_in_use() {
  [[ -n $(ss -Htln "sport = :$1" 2>/dev/null) ]]
}

# stop_pid PID NAME [TIMEOUT]: SIGTERM, wait, then SIGKILL. Bounded.
# SIGCONT too, so a server a test left SIGSTOPped can act on the SIGTERM.
stop_pid() {
  local pid=$1 name=$2 timeout=${3:-20}
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true
  if wait_until "$timeout" pid_gone "$pid"; then
    return 0
  fi
  warn "$name (pid $pid) did not exit within ${timeout}s of SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 5 pid_gone "$pid"
}

# tail_log FILE [N]: the last N lines of a log, indented, to stderr (for failed starts).
tail_log() {
  local file=$1 n=${2:-20}
  if [[ -s $file ]]; then
    printf '%s: --- last %s lines of %s ---\n' "$prog" "$n" "$file" >&2
    tail -n "$n" "$file" | sed 's/^/    /' >&2
  else
    printf '%s: (log %s is empty or missing)\n' "$prog" "$file" >&2
  fi
}
