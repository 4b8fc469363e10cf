#!/usr/bin/env bash
# footfall's Parquet writer and reader against DuckDB's, in the same run, on the same rows: an
# enriched-event-like table of 45 columns (bench/parquet/parquet_bench.cc), ZSTD level 3 on
# both sides. "scan" is the full scan both sides do alike: every value of every column read and
# reduced to a maximum, a row group at a time; "read" is footfall decoding the whole file into
# memory at once, which DuckDB's side never does. Prints rows/s and MB/s (of the in-memory values) on one core and on all cores,
# file sizes, and the ratios: speed as DuckDB's time / footfall's (above 1: footfall faster),
# size as footfall's / DuckDB's (below 1: footfall smaller).
#
#   bench/parquet/run.sh BUILD_DIR        (ROWS, default 300000; THREADS, default nproc)
set -euo pipefail
BUILD=${1:?usage: bench/parquet/run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH="$BUILD/src/parquet/parquet_bench"
ROWS=${ROWS:-300000}
THREADS=${THREADS:-$(nproc)}
[ -x "$BENCH" ] || { echo "no $BENCH: cmake --build $BUILD --target parquet_bench"; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$BENCH" write "$ROWS" "$WORK" "$THREADS" >"$WORK/ff_write.json"
node "$HERE/duckdb_bench.mjs" write "$WORK/footfall.parquet" "$WORK/duckdb.parquet" "$THREADS" \
  >"$WORK/dd_write.json"
"$BENCH" read "$WORK/footfall.parquet" "$THREADS" >"$WORK/ff_read_ff.json"
"$BENCH" read "$WORK/duckdb.parquet" "$THREADS" >"$WORK/ff_read_dd.json"
node "$HERE/duckdb_bench.mjs" read "$WORK/footfall.parquet" "$THREADS" >"$WORK/dd_read_ff.json"
node "$HERE/duckdb_bench.mjs" read "$WORK/duckdb.parquet" "$THREADS" >"$WORK/dd_read_dd.json"

node - "$WORK" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
const j = (n) => JSON.parse(fs.readFileSync(`${dir}/${n}.json`, 'utf8'));
const fw = j('ff_write'), dw = j('dd_write');
const rows = fw.rows, mb = fw.value_bytes / 1e6;
const line = (what, ff, dd) => {
  what = what.padEnd(31);
  const f = (s) => `${(rows / s / 1e6).toFixed(2)} M rows/s ${(mb / s).toFixed(0).padStart(5)} MB/s`;
  console.log(`${what} footfall ${f(ff)} | DuckDB ${f(dd)} | ratio ${(dd / ff).toFixed(2)}`);
};
console.log(`${rows} rows, ${fw.columns} columns, ${mb.toFixed(0)} MB of values, ZSTD, ` +
  `${fw.threads} threads for "all cores"`);
line('write, 1 core', fw.write_1_s, dw.write_1_s);
line('write, all cores', fw.write_n_s, dw.write_n_s);
line('scan own file, 1 core', j('ff_read_ff').scan_1_s, j('dd_read_dd').read_1_s);
line('scan own file, all cores', j('ff_read_ff').scan_n_s, j('dd_read_dd').read_n_s);
line('read own file, 1 core', j('ff_read_ff').read_1_s, j('dd_read_dd').read_1_s);
line('read own file, all cores', j('ff_read_ff').read_n_s, j('dd_read_dd').read_n_s);
line('read own, dict strings, 1 core', j('ff_read_ff').read_dict_1_s, j('dd_read_dd').read_1_s);
line('scan footfall file, 1 core', j('ff_read_ff').scan_1_s, j('dd_read_ff').read_1_s);
line('scan DuckDB file, 1 core', j('ff_read_dd').scan_1_s, j('dd_read_dd').read_1_s);
console.log(`file size: footfall ${(fw.file_bytes / 1e6).toFixed(1)} MB, DuckDB ` +
  `${(dw.file_bytes / 1e6).toFixed(1)} MB, ratio ${(fw.file_bytes / dw.file_bytes).toFixed(3)}`);
JS
