#!/usr/bin/env bash
# The real Snowplow browser tracker in headless Chromium (Debian's, driven by playwright-core):
# a page served from one origin tracks to `footfall collect` on another — POST with
# credentials (CORS preflight and credentialed responses) and GET — with activity tracking.
# The page views and page pings must reach the raw log exactly once each, byte for byte, with
# the page's Origin, without a console error, count right in SQL after `footfall batch`, and
# enrich to the tracker's ids, the parsed browser and the page views of the web model; every
# event's enriched fields equal what its parameters say (structured and self-describing events
# included).
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
expect_eq "structured events" "$(count_of struct)" "$(sql "SELECT count(*) FROM events WHERE event = 'struct'")"
expect_eq "try-ons" "$(count_of unstruct)" "$(sql "SELECT count(*) FROM events WHERE event_name = 'try_on'")"
total=$(( $(count_of page_view) + $(count_of page_ping) + $(count_of struct) + $(count_of unstruct) ))
expect_eq "distinct event ids" "$total" "$(sql "SELECT count(DISTINCT event_id) FROM events")"
expect_eq "app id" browser-e2e "$(sql "SELECT group_concat(DISTINCT app_id) FROM events")"
expect_eq "trackers" "sp sp2" "$(sql "SELECT group_concat(name_tracker, ' ') FROM (SELECT DISTINCT name_tracker FROM events ORDER BY 1)")"
expect_eq "bad rows" "" "$(sql "SELECT sum(bad_rows) FROM bad_rows_daily")"

# What the browser tracker's events enrich to: its own ids on every event, the browser parsed
# from Chromium's user agent, the page split into parts, and the web model built from them —
# a page_views row per page view (by the web_page context) with the pings attached.
expect_eq "events without tracker session or user" 0 \
  "$(sql "SELECT count(*) FROM events WHERE domain_sessionid IS NULL OR domain_userid IS NULL")"
expect_eq "browser family" "$(sql "SELECT count(*) FROM events")" \
  "$(sql "SELECT count(*) FROM events WHERE br_family LIKE '%Chrom%' AND os_family = 'Linux'")"
expect_eq "page host" 127.0.0.1 "$(sql "SELECT group_concat(DISTINCT page_urlhost) FROM events")"
expect_eq "page views rows" "$(count_of page_view)" "$(sql "SELECT count(*) FROM page_views")"
expect_eq "sessions" "$(sql "SELECT count(DISTINCT domain_sessionid) FROM events")" \
  "$(sql "SELECT count(*) FROM sessions")"
expect_eq "pings attached" "$(count_of page_ping)" "$(sql "SELECT sum(page_pings) FROM sessions")"
engaged=$(sql "SELECT count(*) FROM page_views WHERE engaged_time_in_s > 0")
[ "$(count_of page_ping)" -eq 0 ] || [ "$engaged" -ge 1 ] ||
  fail "page pings were sent but no page view has engaged time"
echo "ok: $engaged page view(s) with engaged time"
node "$HERE/browser_tracker_driver.mjs" enriched "$WORK/data/enriched" "$WORK/result.json"
echo "PASS"
