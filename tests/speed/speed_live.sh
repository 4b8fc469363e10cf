#!/usr/bin/env bash
# The speed layer of `footfall serve`, a process beside `footfall collect` on the same data
# directory: events the collector acknowledged are in the live part of /api/v1/status within
# seconds; after the collector stops (sealing its segment) and a batch publishes, batch holds
# them and the live part is empty; a restarted collector's events are live again, once each, in
# the server's status and in `footfall status`.
source "$(dirname "$0")/../e2e/lib.sh"

DATA="$WORK/data"
live_events() {
  curl -sf "$UI_URL/api/v1/status" | tr -d '\n' |
    sed -n 's/.*"live":{[^}]*"events":\([0-9]*\).*/\1/p'
}
batch_events() {
  curl -sf "$UI_URL/api/v1/status" | tr -d '\n' |
    sed -n 's/.*"serving":{[^}]*"events":\([0-9]*\).*/\1/p'
}
# wait_for WHAT EXPECTED FUNCTION: polls FUNCTION until it prints EXPECTED (bounded: 30 s).
wait_for() {
  local got=""
  for _ in $(seq 1 300); do
    got=$($3 || true)
    [ "$got" = "$2" ] && break
    sleep 0.1
  done
  expect_eq "$1" "$2" "$got"
}

start_server collector collect --port 0 --data "$DATA"
start_server ui serve --port 0 --data "$DATA"

"$FOOTFALL" gen --events 300 --seed 5 --target "$COLLECTOR_URL" >/dev/null 2>&1
wait_for "live events before any batch" 300 live_events

stop_server "$COLLECTOR_PID"
"$FOOTFALL" batch --data "$DATA" >/dev/null 2>&1
wait_for "batch events after the collector stopped" 300 batch_events
# The live part counts only segments past the published watermark.
wait_for "live events once the version covers them" 0 live_events

start_server collector collect --port 0 --data "$DATA"
"$FOOTFALL" gen --events 200 --seed 6 --target "$COLLECTOR_URL" >/dev/null 2>&1
wait_for "live events of the restarted collector" 200 live_events
expect_eq "batch events unchanged" 300 "$(batch_events)"

# `footfall status` counts the live part itself, from the raw log past the watermark (here the
# collector's active segment), as the running speed layer does.
status_json=$("$FOOTFALL" status --format json --data "$DATA" | tr -d '\n')
expect_eq "live events in footfall status" 200 \
  "$(echo "$status_json" | sed -n 's/.*"live":{[^}]*"events":\([0-9]*\).*/\1/p')"
expect_eq "batch events in footfall status" 300 \
  "$(echo "$status_json" | sed -n 's/.*"serving":{[^}]*"events":\([0-9]*\).*/\1/p')"
"$FOOTFALL" status --data "$DATA" | grep -q '^live  *200 events' ||
  { echo "FAIL: no live line in the text status"; "$FOOTFALL" status --data "$DATA"; exit 1; }
"$FOOTFALL" status --no-live --format json --data "$DATA" | grep -q '"live":null' ||
  { echo "FAIL: --no-live still counted the live part"; exit 1; }

stop_server "$COLLECTOR_PID"
stop_server "$UI_PID"
echo "PASS"
