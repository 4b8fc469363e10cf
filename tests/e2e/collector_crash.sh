#!/usr/bin/env bash
# Crash safety of the collector: five times, `footfall collect` takes GET /i page views at full
# speed and is killed with SIGKILL after a pseudo-random 0.3-1.5 s. Each restart must leave
# every segment sealed before the crash byte-identical, and turn the crashed active segment into
# a sealed one holding a prefix of it (torn tail cut). In rounds 2 and 4 a torn record is
# appended to the crashed segment first, as a write cut short by the crash leaves it, and the
# restart must cut exactly that and say so. At the end, every event the collector acknowledged
# with a 2xx must be in `footfall batch`'s events, and nothing that was not sent.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

ROUNDS=5
SEED=${CRASH_SEED:-20261101}
DATA="$WORK/data"
RAW="$DATA/raw"
SENT="$WORK/sent.txt"
ACKED="$WORK/acked.txt"
: >"$SENT"
: >"$ACKED"
# Loopback only, and small segments so that several are sealed under load in every round.
cat >"$WORK/footfall.yaml" <<'EOF'
collector:
  host: 127.0.0.1
raw:
  segment_max_mb: 1
EOF

# forget_pid PID: drop a process that was waited for from the cleanup list.
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# A fixed linear congruential sequence: the same seed gives the same load durations.
rng=$SEED
next_delay_ms() {
  rng=$(((rng * 1103515245 + 12345) % 2147483648))
  DELAY_MS=$((300 + (rng / 65536) % 1201))
}

size_of() { stat -c %s "$1"; }

# Started after a crash: the segments sealed before must be unchanged, the crashed active
# segment (saved in $WORK/crashed.open, with $CRASHED_BYTES bytes of torn tail appended before
# the restart) must now be sealed and hold a prefix of it, and the cut must be reported when
# there was one.
check_recovery() {
  local round=$1
  if [ -s "$WORK/sealed.sha256" ]; then
    (cd "$RAW" && sha256sum --quiet -c "$WORK/sealed.sha256") ||
      { echo "FAIL: round $round: a sealed segment changed across the restart"; exit 1; }
  fi
  echo "ok: round $round: $(wc -l <"$WORK/sealed.sha256") sealed segments unchanged by the restart"
  [ -n "$CRASHED" ] || return 0
  local base=${CRASHED%.open}
  [ ! -e "$RAW/$CRASHED" ] || { echo "FAIL: round $round: $CRASHED still active after restart"; exit 1; }
  local torn_total=$((CRASHED_BYTES - $(size_of "$WORK/crashed.open")))
  if [ ! -e "$RAW/$base.seg" ]; then
    # Only a segment without records may disappear.
    [ "$(size_of "$WORK/crashed.open")" -le 16 ] ||
      { echo "FAIL: round $round: crashed segment $CRASHED was not sealed as $base.seg"; exit 1; }
    echo "ok: round $round: empty crashed segment removed"
    return 0
  fi
  local sealed_size
  sealed_size=$(size_of "$RAW/$base.seg")
  if [ "$sealed_size" -gt "$(size_of "$WORK/crashed.open")" ] ||
    ! cmp -s -n "$sealed_size" "$RAW/$base.seg" "$WORK/crashed.open"; then
    echo "FAIL: round $round: sealed $base.seg is not a prefix of the crashed segment"
    exit 1
  fi
  [ "$(stat -c %a "$RAW/$base.seg")" = 444 ] ||
    { echo "FAIL: round $round: recovered $base.seg is writable"; exit 1; }
  local cut=$((CRASHED_BYTES - sealed_size))
  # The warning counts the torn bytes: zeros at the end (the space filled ahead of the
  # records) are cut without being counted.
  local torn
  torn=$(node -e '
    const b = require("fs").readFileSync(process.argv[1]);
    let end = b.length;
    while (end > 0 && b[end - 1] === 0) --end;
    console.log(Math.max(0, end - Number(process.argv[2])));' "$WORK/crashed.torn" "$sealed_size")
  if [ "$torn" -gt 0 ]; then
    grep -q "torn tail of $torn bytes from .*$CRASHED" "$WORK/collector.stderr" ||
      { echo "FAIL: round $round: no warning about the $torn-byte torn tail:"; cat "$WORK/collector.stderr"; exit 1; }
    grep -m1 "torn tail" "$WORK/collector.stderr"
  fi
  [ "$cut" -ge "$torn_total" ] ||
    { echo "FAIL: round $round: cut $cut bytes, less than the $torn_total torn bytes appended"; exit 1; }
  echo "ok: round $round: crashed $CRASHED sealed as $base.seg ($sealed_size bytes, $cut cut)"
}

CRASHED=""
total_start=$SECONDS
for round in $(seq 1 $ROUNDS); do
  start_server collector collect --port 0 --data "$DATA" --config "$WORK/footfall.yaml"
  [ "$round" -eq 1 ] || check_recovery $((round - 1))

  next_delay_ms
  node "$HERE/crash_load.mjs" "$COLLECTOR_URL" "$SENT" "$ACKED" 10000 >"$WORK/load.json" &
  load_pid=$!
  PIDS+=("$load_pid")
  # The delay counts from the load's first acknowledgements, not from starting node, which
  # can take longer than the delay itself on a busy machine (bounded: 20 s at most).
  acked_before=$(wc -l <"$ACKED")
  for _ in $(seq 1 400); do
    [ "$(wc -l <"$ACKED")" -ge $((acked_before + 20)) ] && break
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$((DELAY_MS / 1000)).$(printf %03d $((DELAY_MS % 1000)))"
  kill -KILL "$COLLECTOR_PID"
  wait "$COLLECTOR_PID" 2>/dev/null || true
  forget_pid "$COLLECTOR_PID"
  wait "$load_pid" || { echo "FAIL: round $round: load client failed"; exit 1; }
  forget_pid "$load_pid"
  echo "round $round: killed after ${DELAY_MS} ms; load $(cat "$WORK/load.json")"
  acked_round=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).acked)' "$WORK/load.json")
  non2xx=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).non2xx)' "$WORK/load.json")
  expect_eq "round $round: non-2xx answers" 0 "$non2xx"
  [ "$acked_round" -ge 50 ] || { echo "FAIL: round $round: only $acked_round requests acknowledged"; exit 1; }

  (cd "$RAW" && find . -maxdepth 1 -name '*.seg' -printf '%f\n' | sort | xargs -r sha256sum) \
    >"$WORK/sealed.sha256"
  CRASHED=$(cd "$RAW" && find . -maxdepth 1 -name '*.open' -printf '%f\n')
  [ "$(echo "$CRASHED" | grep -c .)" -le 1 ] || { echo "FAIL: several active segments: $CRASHED"; exit 1; }
  if [ -n "$CRASHED" ]; then
    cp "$RAW/$CRASHED" "$WORK/crashed.open"
    if [ $((round % 2)) -eq 0 ]; then
      # A record whose length says 600 bytes but only 100 made it to the file.
      printf '\x58\x02\x00\x00\xde\xad\xbe\xef' >>"$RAW/$CRASHED"
      head -c 100 /dev/zero >>"$RAW/$CRASHED"
    fi
    CRASHED_BYTES=$(size_of "$RAW/$CRASHED")
    cp "$RAW/$CRASHED" "$WORK/crashed.torn"
  fi
done

start_server collector collect --port 0 --data "$DATA" --config "$WORK/footfall.yaml"
check_recovery $ROUNDS
stop_server "$COLLECTOR_PID"
forget_pid "$COLLECTOR_PID"
expect_eq "active segments after a clean stop" 0 "$(find "$RAW" -name '*.open' | wc -l)"

"$FOOTFALL" batch --data "$DATA" >"$WORK/batch.out"
"$FOOTFALL" sql --data "$DATA" --format csv "SELECT event_id FROM events" | tr -d '\r' |
  sed 1d | sort >"$WORK/present.txt"
sort -u "$ACKED" >"$WORK/acked.sorted"
sort -u "$SENT" >"$WORK/sent.sorted"
acked_n=$(wc -l <"$WORK/acked.sorted")
expect_eq "acknowledged eids are unique" "$(wc -l <"$ACKED")" "$acked_n"
expect_eq "acknowledged events missing from events" 0 \
  "$(comm -23 "$WORK/acked.sorted" "$WORK/present.txt" | wc -l)"
expect_eq "events that were never sent" 0 \
  "$(comm -13 "$WORK/sent.sorted" "$WORK/present.txt" | wc -l)"
expect_eq "duplicate event ids" 0 "$(uniq -d "$WORK/present.txt" | wc -l)"
expect_eq "bad rows" "" "$(sql "SELECT sum(bad_rows) FROM bad_rows_daily")"
# The raw log itself, read back record by record (no deduplication on this side).
if "$FOOTFALL" raw --help >/dev/null 2>&1; then
  "$FOOTFALL" raw --data "$DATA" | grep -o '[^a-z]eid=[0-9a-f-]\{36\}' | cut -d= -f2 | sort \
    >"$WORK/raw.txt"
  expect_eq "raw records" "$(wc -l <"$WORK/present.txt")" "$(wc -l <"$WORK/raw.txt")"
  expect_eq "raw records differing from events" 0 \
    "$(comm -3 "$WORK/raw.txt" "$WORK/present.txt" | wc -l)"
fi
present_n=$(wc -l <"$WORK/present.txt")
echo "acknowledged $acked_n, stored $present_n (of $(wc -l <"$WORK/sent.sorted") sent;" \
  "$((present_n - acked_n)) unacknowledged in-flight requests kept), $((SECONDS - total_start)) s"
echo "PASS"
