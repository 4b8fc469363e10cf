#!/usr/bin/env bash
# The thin path end to end: the real Snowplow node tracker sends page views to `footfall
# collect` (GET /i and POST tp2), `footfall batch` rebuilds the views, and `footfall sql` must
# count exactly what was sent and acknowledged.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

start_server collector collect --port 0 --data "$WORK/data"
echo "collector at $COLLECTOR_URL"

node "$HERE/node_tracker_send.mjs" "$COLLECTOR_URL" 25 get
node "$HERE/node_tracker_send.mjs" "$COLLECTOR_URL" 12 post

# A clean stop seals the active segment, so batch sees every acknowledged event.
stop_server "$COLLECTOR_PID"
"$FOOTFALL" batch --data "$WORK/data"

expect_eq "page views in events" 37 "$(sql "SELECT count(*) FROM events WHERE event = 'page_view'")"
expect_eq "structured events" 2 "$(sql "SELECT count(*) FROM events WHERE event = 'struct'")"
expect_eq "distinct event ids" 39 "$(sql "SELECT count(DISTINCT event_id) FROM events")"
expect_eq "page views per day" 37 "$(sql "SELECT sum(page_views) FROM traffic_daily")"
expect_eq "sessions" 1 "$(sql "SELECT count(*) FROM sessions")"
expect_eq "session page views" 37 "$(sql "SELECT page_views FROM sessions")"
expect_eq "users per day" 1 "$(sql "SELECT max(users) FROM traffic_daily")"
expect_eq "app id" e2e-shop "$(sql "SELECT DISTINCT app_id FROM events")"
expect_eq "domain user" e2e-user-1 "$(sql "SELECT DISTINCT domain_userid FROM events")"
expect_eq "bad rows" "" "$(sql "SELECT sum(bad_rows) FROM bad_rows_daily")"
expect_eq "tracker versions" 1 "$(sql "SELECT count(DISTINCT v_tracker) FROM events WHERE v_tracker LIKE 'node-%'")"
echo "PASS"
