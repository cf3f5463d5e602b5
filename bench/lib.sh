# shellcheck shell=bash
# Shared by the bench scripts that run the vibework binary against the local services
# (bench/app.sh, bench/auth.sh). Needs $root (the checkout) and $bench (the script's name).

# bench_require TOOL...: exits naming the first missing tool.
bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
  done
}

# bench_binary [PATH]: prints PATH, else build/release/vibework, else build/dev/vibework; exits
# with what to do when there is none.
bench_binary() {
  local binary=${1:-} candidate
  if [ -z "$binary" ]; then
    for candidate in "$root/build/release/vibework" "$root/build/dev/vibework"; do
      [ -x "$candidate" ] && { binary=$candidate; break; }
    done
  fi
  if [ -z "$binary" ] || [ ! -x "$binary" ]; then
    echo "$bench: no vibework binary; build one (cmake --preset release && cmake --build --preset release --target vibework) or pass --binary" >&2
    exit 1
  fi
  echo "$binary"
}

# The local MariaDB as the environment (scripts/lib/env.sh) names it.
mysql_cli() { MYSQL_PWD=$MYSQL_PASSWORD mysql --protocol=tcp -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" --connect-timeout=10 "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# bench_options HELP_RANGE "$@": the options every such bench takes, into $binary, $duration,
# $connections and $rounds (the caller sets their defaults first); -h prints the script's
# header lines HELP_RANGE (e.g. 2,22).
bench_options() {
  local help=$1
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --binary) binary=$2; shift 2 ;;
      --duration) duration=$2; shift 2 ;;
      --connections) connections=$2; shift 2 ;;
      --rounds) rounds=$2; shift 2 ;;
      -h|--help) sed -n "${help}p" "$0"; exit 0 ;;
      *) echo "$bench: unknown option $1" >&2; exit 2 ;;
    esac
  done
}

# Stops the processes the bench started (their pids in the array $pids) and waits for them.
bench_stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}

# bench_preset_binary PRESET: prints build/PRESET/vibework, building it first when missing.
bench_preset_binary() {
  local binary="$root/build/$1/vibework"
  if [ ! -x "$binary" ]; then
    echo "$bench: building $1" >&2
    cmake --preset "$1" >/dev/null && cmake --build --preset "$1" --target vibework >/dev/null
  fi
  echo "$binary"
}

# bench_wait_for URL: until it answers (10 s at most).
bench_wait_for() {
  for _ in $(seq 1 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.05; done
  echo "$bench: $1 did not answer" >&2
  return 1
}
