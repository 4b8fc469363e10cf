#!/usr/bin/env bash
# The web dashboard in Debian's headless Chromium (playwright-core): `footfall gen` writes three
# weeks of traffic and studio workflow, a collector stores three requests that become bad rows,
# `footfall batch --demo-views` builds the views with the demo's funnels and flows, `footfall
# serve` serves the API and the embedded dashboard, and dashboard_driver.mjs opens every page at desktop and phone
# width: no console error, no failed request, no error shown, every chart drawn; the funnel,
# Sankey and bad-row numbers equal the API's; the date range and a filter change the numbers; an
# API error is shown in its words; the SQL console shows rows and a CSV. Screenshots
# go to $DASHBOARD_OUT (default: a folder beside this test's build). Prints the bundle size and
# the first load's time to interactive.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${DASHBOARD_OUT:-$WORK/screenshots}
mkdir -p "$OUT"

"$FOOTFALL" gen --raw "$WORK/data" --events 30000 --seed 11 --start 2026-03-02T00:00:00Z --days 21 >/dev/null
# A few requests the collector stores but enrichment rejects, for the pipeline page's bad rows.
start_server collector collect --port 0 --data "$WORK/data"
tp2="$COLLECTOR_URL/com.snowplowanalytics.snowplow/tp2"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data 'not json' "$tp2"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data '{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","p":"web","tv":"js-3","dtm":"soon"}]}' "$tp2"
curl -sf -o /dev/null "$COLLECTOR_URL/i?e=nope&p=web&tv=js-3"
stop_server "$COLLECTOR_PID"
"$FOOTFALL" batch --data "$WORK/data" --demo-views >/dev/null 2>"$WORK/batch.stderr" ||
  { cat "$WORK/batch.stderr"; fail "footfall batch"; }

start_server ui serve --port 0 --data "$WORK/data" --demo-views
echo "ui at $UI_URL"
node "$HERE/dashboard_driver.mjs" "$UI_URL" "$OUT"
stop_server "$UI_PID"
echo "screenshots in $OUT"
echo "PASS"
