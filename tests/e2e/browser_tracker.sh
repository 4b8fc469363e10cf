#!/usr/bin/env bash
# The real Snowplow browser tracker in headless Chromium (Debian's, driven by playwright-core):
# a page served from one origin tracks to `footfall collect` on another — POST with
# credentials (CORS preflight and credentialed responses) and GET — with activity tracking.
# The page views and page pings must reach the raw log exactly once each, byte for byte, with
# the page's Origin, without a console error, and count right in SQL after `footfall batch`.
# Chromium is a required peer: when it cannot start, this test fails.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

start_server collector collect --port 0 --data "$WORK/data"
echo "collector at $COLLECTOR_URL"
node "$HERE/browser_tracker_driver.mjs" run "$COLLECTOR_URL" "$WORK/result.json"

# The POST tracker's preflights were answered (the browser sends none it can skip).
preflights=$(curl -sf "$COLLECTOR_URL/metrics" |
  sed -n 's/^footfall_collector_requests_total{route="preflight",code="200"} \([0-9]*\)$/\1/p')
[ "${preflights:-0}" -ge 1 ] || { echo "FAIL: no CORS preflight answered"; exit 1; }
echo "ok: $preflights CORS preflight(s) answered"
stop_server "$COLLECTOR_PID"

"$FOOTFALL" raw --data "$WORK/data" >"$WORK/raw.jsonl"
expected=$(node "$HERE/browser_tracker_driver.mjs" check "$WORK/raw.jsonl" "$WORK/result.json")
echo "sent: $expected"

"$FOOTFALL" batch --data "$WORK/data"
count_of() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$expected" "$1"; }
expect_eq "page views" "$(count_of page_view)" "$(sql "SELECT count(*) FROM events WHERE event = 'page_view'")"
expect_eq "page pings" "$(count_of page_ping)" "$(sql "SELECT count(*) FROM events WHERE event = 'page_ping'")"
total=$(( $(count_of page_view) + $(count_of page_ping) ))
expect_eq "distinct event ids" "$total" "$(sql "SELECT count(DISTINCT event_id) FROM events")"
expect_eq "app id" browser-e2e "$(sql "SELECT group_concat(DISTINCT app_id) FROM events")"
expect_eq "trackers" "sp sp2" "$(sql "SELECT group_concat(name_tracker, ' ') FROM (SELECT DISTINCT name_tracker FROM events ORDER BY 1)")"
expect_eq "bad rows" "" "$(sql "SELECT sum(bad_rows) FROM bad_rows_daily")"
echo "PASS"
