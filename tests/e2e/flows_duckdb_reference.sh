#!/usr/bin/env bash
# The flow views against an independent reference: `footfall gen` writes web traffic and the
# photo studio's workflow, a collector receives one hand-made case with the edge cases the
# generator never produces, `footfall batch` builds the studio flow's views, and DuckDB recomputes
# flow_activities and flow_transitions from the enriched Parquet lake with its own SQL
# (flows_duckdb_reference.mjs, which also checks itself against the hand-worked case); every row
# and column must agree, and flow_bottlenecks must rank compositing first.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

"$FOOTFALL" gen --raw "$WORK/data" --events 60000 --days 10 --seed 7
start_server collector collect --port 0 --data "$WORK/data"
node "$HERE/flows_duckdb_reference.mjs" send "$COLLECTOR_URL"
# A clean stop seals the active segment, so batch sees the case.
stop_server "$COLLECTOR_PID"

"$FOOTFALL" batch --data "$WORK/data" --config "$HERE/studio_flow.yaml"

for table in flow_activities flow_transitions flow_bottlenecks; do
  "$FOOTFALL" sql --data "$WORK/data" --format json "SELECT * FROM $table" >"$WORK/$table.json" ||
    fail "footfall sql on $table"
done

node "$HERE/flows_duckdb_reference.mjs" check "$WORK/data" "$WORK/flow_activities.json" \
  "$WORK/flow_transitions.json" "$WORK/flow_bottlenecks.json"
echo "PASS"
