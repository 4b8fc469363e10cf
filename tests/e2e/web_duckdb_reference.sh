#!/usr/bin/env bash
# The web model against an independent reference: generated shop traffic (JavaScript-tracker
# sessions with page pings, try-ons, carts and transactions, plus a studio's server-side events)
# goes through `footfall batch` with a funnel and conversions, and web_duckdb_reference.mjs
# recomputes the web views (sessions, page views, users, traffic, acquisition, the funnel,
# journeys, hourly metrics) in DuckDB SQL from the enriched Parquet lake, following
# docs/views.md, and compares them row by row with what `footfall sql` serves.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# Events generated. On a busy 2-core machine 1,000,000 take over three minutes in `footfall
# batch` alone; 200,000 (about 70,000 page views, 20,000 sessions) keep `make test` within its
# time. WEB_REFERENCE_EVENTS=1000000 runs the full-size check by hand.
EVENTS=${WEB_REFERENCE_EVENTS:-200000}

# A fixed start keeps the traffic, and so every compared value, the same on each run.
"$FOOTFALL" gen --raw "$WORK/data" --events "$EVENTS" --days 3 --seed 5 \
  --start 2024-03-01T00:00:00Z >/dev/null 2>"$WORK/gen.stderr" ||
  { cat "$WORK/gen.stderr"; fail "footfall gen"; }

"$FOOTFALL" batch --data "$WORK/data" --config "$HERE/web_reference.yaml" 2>"$WORK/batch.stderr" ||
  { cat "$WORK/batch.stderr"; fail "footfall batch"; }

# The view tables in full (the events table is capped; the views are not).
for table in sessions page_views users traffic_daily traffic_hourly acquisition funnel_steps \
  funnel_dropoffs journey_transitions journey_paths metrics_hourly pipeline_versions; do
  "$FOOTFALL" sql --data "$WORK/data" --format json "SELECT * FROM $table" >"$WORK/$table.json"
done

node "$HERE/web_duckdb_reference.mjs" "$WORK"
echo "PASS"
