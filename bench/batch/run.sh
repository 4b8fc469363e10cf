#!/usr/bin/env bash
# `footfall batch` over EVENTS generated events (default 10,000,000) with the enriched Parquet
# already present, beside DuckDB building the web views of tests/e2e/web_duckdb_reference.mjs
# (sessions, page views, users, daily and hourly traffic, acquisition, the funnel's steps and
# drop-offs, journeys and hourly metrics, from the same lake, in SQL) in the same run: wall time
# and peak RSS of each. footfall's time covers more: the hourly metrics' engaged sessions and
# HyperLogLog, the Parquet views, the capped events table and loading the serving store; its
# report line gives each step's duration.
#
# Usage: bench/batch/run.sh [BUILD_DIR]   (EVENTS=N to change the size; DATA=DIR to reuse a data
# directory a previous run's `gen --raw` and `enrich` made, with EVENTS events; MEMORY_MB=N to
# give both the same memory: footfall's batch.memory_mb and DuckDB's memory_limit, where by
# default footfall has 2048 MB and DuckDB 80 % of the machine's memory)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
FOOTFALL=${FOOTFALL:-$BUILD/src/cli/footfall}
EVENTS=${EVENTS:-10000000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-batch-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [[ -n "${DATA:-}" ]]; then
  ln -s "$(cd "$DATA" && pwd)" "$WORK/data"
else
  echo "generating $EVENTS events and enriching them"
  "$FOOTFALL" gen --raw "$WORK/data" --events "$EVENTS" --days 14 --seed 5 \
    --start 2024-03-01T00:00:00Z >/dev/null 2>&1
  "$FOOTFALL" enrich --data "$WORK/data" >/dev/null 2>&1
fi

# The page cache holds the lake for both (read once before either is timed).
cat "$WORK"/data/enriched/*/* >/dev/null 2>&1 || true
measure() {  # measure NAME COMMAND...: prints NAME, wall seconds, peak RSS in MB
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" ||
    { tail -20 "$WORK/$name.err"; exit 1; }
  read -r wall rss <"$WORK/time"
  printf '%s %s %d\n' "$name" "$wall" $((rss / 1024))
}
CONFIG=$ROOT/tests/e2e/web_reference.yaml
if [[ -n "${MEMORY_MB:-}" ]]; then
  { cat "$CONFIG"; printf 'batch:\n  memory_mb: %d\n' "$MEMORY_MB"; } >"$WORK/config.yaml"
  CONFIG=$WORK/config.yaml
fi
measure footfall "$FOOTFALL" batch --data "$WORK/data" --config "$CONFIG" | tee "$WORK/ff"
cat "$WORK/footfall.out"
REFERENCE_TIME_ONLY=1 REFERENCE_MEMORY_MB=${MEMORY_MB:-} \
  measure duckdb node "$ROOT/tests/e2e/web_duckdb_reference.mjs" "$WORK" | tee "$WORK/dd"
cat "$WORK/duckdb.out"
read -r _ ff_wall ff_rss <"$WORK/ff"
read -r _ dd_wall dd_rss <"$WORK/dd"
echo
echo "| $EVENTS events, memory ${MEMORY_MB:-by default} | wall | peak RSS |"
echo "|---|---:|---:|"
echo "| footfall batch (every view, serving store) | ${ff_wall} s | ${ff_rss} MB |"
echo "| DuckDB (the web views) | ${dd_wall} s | ${dd_rss} MB |"
awk -v a="$ff_wall" -v b="$dd_wall" 'BEGIN { printf "ratio footfall/DuckDB: %.2f (target <= 1.0)\n", a / b }'
