#!/usr/bin/env bash
# Malformed and hostile HTTP against `footfall collect`: bad request lines, oversized lines,
# headers and bodies, a stalled client, random bytes, invalid UTF-8 and a tp2 body that is not
# JSON. Each gets the status Snowplow's collector gives, the collector keeps serving, and the
# raw log holds exactly the tracking requests answered 2xx (a /health check stores nothing),
# byte for byte, with no damaged record.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

start_server collector collect --port 0 --data "$WORK/data"
echo "collector at $COLLECTOR_URL"
node "$HERE/collector_bad_input.mjs" send "${COLLECTOR_URL##*:}" "$WORK/summary.json"
stop_server "$COLLECTOR_PID"

# The whole log reads without a damaged record (footfall raw exits 1 on one).
"$FOOTFALL" raw --data "$WORK/data" >"$WORK/raw.jsonl"
node "$HERE/collector_bad_input.mjs" check "$WORK/raw.jsonl" "$WORK/summary.json"

"$FOOTFALL" batch --data "$WORK/data"
bad() { sql "SELECT coalesce(sum(bad_rows), 0) FROM bad_rows_daily WHERE type = '$1'"; }
expect_eq "size_violation bad rows" 1 "$(bad size_violation)"
# The text/plain body, and the JSON body that is not valid UTF-8.
expect_eq "adapter_failures bad rows" 2 "$(bad adapter_failures)"
expect_eq "events from the well-formed pixels" 9 "$(sql "SELECT count(*) FROM events")"
echo "PASS"
