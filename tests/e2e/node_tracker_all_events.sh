#!/usr/bin/env bash
# Every event kind of the real Snowplow node tracker — page views, structured, self-describing
# with contexts (base64 ue_px/cx) and ecommerce transactions with items — sent once by GET and
# once by batched POST to `footfall collect`. The raw log must hold every sent event exactly
# once with its parameters byte for byte (read back with `footfall raw`), and after `footfall
# batch` SQL must count each event type as sent and every enriched event must carry the field
# values its parameters map to (read from the Parquet lake with DuckDB).
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

start_server collector collect --port 0 --data "$WORK/data"
echo "collector at $COLLECTOR_URL"

node "$HERE/node_tracker_all_events.mjs" send "$COLLECTOR_URL" get "$WORK/sent-get.json"
node "$HERE/node_tracker_all_events.mjs" send "$COLLECTOR_URL" post "$WORK/sent-post.json"

# A clean stop seals the active segment: `footfall raw` and batch read sealed segments.
stop_server "$COLLECTOR_PID"

"$FOOTFALL" raw --data "$WORK/data" >"$WORK/raw.jsonl"
echo "ok: footfall raw printed $(wc -l <"$WORK/raw.jsonl") records"
expected=$(node "$HERE/node_tracker_all_events.mjs" check "$WORK/raw.jsonl" \
  "$WORK/sent-get.json" "$WORK/sent-post.json")
echo "sent per event type: $expected"

# The tracker sends the test's own self-describing schemas: without them they are bad rows.
"$FOOTFALL" enrich --data "$WORK/data" | tee "$WORK/enrich-without.txt"
grep -q "schema_violations 10" "$WORK/enrich-without.txt" || fail "unknown schemas not reported"
printf 'enrich:\n  schemas_dir: %s\n' "$HERE/schemas" >"$WORK/footfall.yaml"
expect_fail "a changed config without --reprocess" 1 enrich --data "$WORK/data" \
  --config "$WORK/footfall.yaml"
"$FOOTFALL" enrich --data "$WORK/data" --config "$WORK/footfall.yaml" --reprocess
"$FOOTFALL" batch --data "$WORK/data" --config "$WORK/footfall.yaml"
count_of() { node -e 'const c = JSON.parse(process.argv[1]); console.log(c[process.argv[2]] ?? 0)' "$expected" "$1"; }
for event in page_view struct unstruct transaction transaction_item; do
  expect_eq "$event events" "$(count_of "$event")" \
    "$(sql "SELECT count(*) FROM events WHERE event = '$event'")"
done
total=$(node -e 'const c = JSON.parse(process.argv[1]); console.log(Object.values(c).reduce((a, b) => a + b, 0))' "$expected")
expect_eq "distinct event ids" "$total" "$(sql "SELECT count(DISTINCT event_id) FROM events")"
expect_eq "all events" "$total" "$(sql "SELECT count(*) FROM events")"
expect_eq "bad rows" "" "$(sql "SELECT sum(bad_rows) FROM bad_rows_daily")"
node "$HERE/node_tracker_all_events.mjs" enriched "$WORK/data/enriched" \
  "$WORK/sent-get.json" "$WORK/sent-post.json"
echo "PASS"
