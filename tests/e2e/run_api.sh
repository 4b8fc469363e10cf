#!/usr/bin/env bash
# `footfall run` as one process: traffic sent to its collector is in the JSON API after a
# triggered rebuild, SQL over HTTP is read-only, and SIGTERM stops it cleanly.
source "$(dirname "$0")/lib.sh"

start_server ui run --collector-port 0 --ui-port 0 --data "$WORK/data"
COLLECTOR_URL=$(grep -m1 ' collector$' "$WORK/ui.stdout" | awk '{print $3}')
echo "collector $COLLECTOR_URL, ui $UI_URL"

"$FOOTFALL" gen --events 300 --seed 5 --target "$COLLECTOR_URL" >/dev/null 2>&1

# Rebuild until the version holds all 300 events (bounded: 30 s). Until then the overview
# counts them too, through the speed layer; after, through batch alone.
curl -sf -X POST "$UI_URL/api/v1/batch" >/dev/null
events=0
for _ in $(seq 1 300); do
  events=$(curl -sf "$UI_URL/api/v1/status" | tr -d '\n' |
    sed -n 's/.*"serving":{[^}]*"events":\([0-9]*\).*/\1/p')
  [ "${events:-0}" = 300 ] && break
  sleep 0.1
done
expect_eq "events in the version after a rebuild" 300 "$events"
# Top-level fields come before the first nested object ("range", "previous", "speed" repeat them).
events=$(curl -sf "$UI_URL/api/v1/overview" | sed -n 's/^{[^{]*"events":\([0-9]*\).*/\1/p')
expect_eq "events in the overview after a rebuild" 300 "$events"

pv_sql=$(curl -sf -X POST --data "SELECT count(*) FROM events WHERE event = 'page_view'" \
  "$UI_URL/api/v1/sql" | sed -n 's/.*"rows":\[\[\([0-9]*\)\]\].*/\1/p')
pv_api=$(curl -sf "$UI_URL/api/v1/overview" | sed -n 's/^{[^{]*"page_views":\([0-9]*\).*/\1/p')
expect_eq "page views: overview = SQL" "$pv_sql" "$pv_api"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'DROP TABLE events' "$UI_URL/api/v1/sql")
expect_eq "SQL over HTTP refuses DDL" 400 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$UI_URL/api/v1/nope")
expect_eq "unknown endpoint" 404 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$UI_URL/api/v1/overview?from=yesterday")
expect_eq "bad time parameter" 400 "$code"
curl -sf "$UI_URL/api/v1/status" | grep -q '"sealed_segments"' || { echo "FAIL: status"; exit 1; }

pixel=$(curl -sf "$COLLECTOR_URL/i?e=pv&aid=x" | wc -c)
expect_eq "pixel bytes" 43 "$pixel"

stop_server "$UI_PID"
echo "PASS"
