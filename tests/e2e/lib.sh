# Helpers for end-to-end tests: a scratch data directory, servers started on port 0 and always
# stopped, and assertions that print what differed.
set -euo pipefail

FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-e2e-XXXXXX")
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME ARGS...: runs `footfall ARGS...` in the background and sets NAME_URL from its
# "listening on URL name" line (waiting at most 20 s for it).
start_server() {
  local name=$1
  shift
  local out="$WORK/$name.stdout"
  "$FOOTFALL" "$@" >"$out" 2>"$WORK/$name.stderr" &
  local pid=$!
  PIDS+=("$pid")
  eval "${name^^}_PID=$pid"
  for _ in $(seq 1 200); do
    local line
    line=$(grep -m1 "^listening on .* $name\$" "$out" 2>/dev/null || true)
    if [ -n "$line" ]; then
      eval "${name^^}_URL=$(echo "$line" | awk '{print $3}')"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: footfall $* exited early:"; cat "$WORK/$name.stderr"; exit 1
    fi
    sleep 0.1
  done
  echo "FAIL: no 'listening on … $name' line from footfall $*"; cat "$WORK/$name.stderr"; exit 1
}

# stop_server PID: SIGTERM, then wait for a clean exit (status 0).
stop_server() {
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  [ "$rc" -eq 0 ] || { echo "FAIL: server exited with status $rc"; exit 1; }
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: expected '$2', got '$3'"
    exit 1
  fi
  echo "ok: $1 = $3"
}

fail() {
  echo "FAIL: $*"
  exit 1
}

# expect_fail WHAT STATUS ARGS...: footfall ARGS must exit with STATUS and print an error on
# stderr.
expect_fail() {
  local what=$1 want=$2
  shift 2
  local rc=0
  "$FOOTFALL" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $what: exit $rc, expected $want"; cat "$WORK/err"; exit 1
  fi
  if [ ! -s "$WORK/err" ]; then echo "FAIL: $what: no error message"; exit 1; fi
  echo "ok: $what -> exit $rc: $(head -1 "$WORK/err")"
}

# sql QUERY: one value, from CSV output without its header line.
sql() {
  "$FOOTFALL" sql --data "$WORK/data" --format csv "$1" | tr -d '\r' | sed -n 2p
}
