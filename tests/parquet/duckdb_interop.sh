#!/usr/bin/env bash
# footfall's Parquet against DuckDB, both ways, value by value:
#  - DuckDB reads files footfall writes (random schemas of every type, nulls, extremes, every
#    codec, dictionary and PLAIN, several row groups and pages) and must see what was written;
#  - footfall reads files DuckDB writes at test time (zstd, snappy, uncompressed; its integer,
#    decimal, date, timestamp, string and blob types) and must see what DuckDB itself reads.
# SEEDS (default 60) sets how many files go each way; a failure names the file, hence the seed.
set -euo pipefail

PARQUET_TOOL=${PARQUET_TOOL:?set PARQUET_TOOL to the parquet_tool binary}
HERE=$(cd "$(dirname "$0")" && pwd)
SEEDS=${SEEDS:-60}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-parquet-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for seed in $(seq 1 "$SEEDS"); do
  "$PARQUET_TOOL" write-random "$seed" "$WORK/footfall-$seed.parquet" \
    >"$WORK/footfall-$seed.jsonl" || { echo "FAIL: parquet_tool write-random $seed"; exit 1; }
done
node "$HERE/duckdb_interop.mjs" read "$WORK" "$SEEDS"

node "$HERE/duckdb_interop.mjs" write "$WORK" "$SEEDS"
for seed in $(seq 1 "$SEEDS"); do
  "$PARQUET_TOOL" dump "$WORK/duckdb-$seed.parquet" >"$WORK/duckdb-$seed.footfall.jsonl" ||
    { echo "FAIL: footfall cannot read DuckDB's file of seed $seed"; exit 1; }
done
node "$HERE/duckdb_interop.mjs" compare "$WORK" "$SEEDS"
echo "ok: $SEEDS files each way"
