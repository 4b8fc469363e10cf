#!/usr/bin/env bash
# The dataflow engine against DuckDB on the same Parquet file: sessionization (window functions
# in DuckDB), a grouped aggregation over ~1M keys, and sessionization under a memory budget of
# 1/8 of its in-memory peak. Builds nothing: pass the build directory holding engine_bench.
#
#   bench/engine/run.sh BUILD_DIR [WORK_DIR]   (ROWS and USERS override the data size)
set -euo pipefail

build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]}
work=${2:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench="$build/src/engine/engine_bench"
rows=${ROWS:-10000000}
users=${USERS:-500000}
file="$work/page_views.parquet"
[[ -x "$bench" ]] || { echo "no $bench: build the engine_bench target first" >&2; exit 1; }

if [[ ! -f "$file" ]]; then
  "$bench" gen "$file" "$rows" "$users"
fi

field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
# Peak resident set (MB) of a command, from /usr/bin/time -v; its stdout goes to $out.
timed() {
  local log; log=$(mktemp)
  out=$(/usr/bin/time -v "$@" 2>"$log") || { cat "$log" >&2; return 1; }
  rss=$(awk -F: '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$log")
  rm -f "$log"
}

compare() {  # job, engine line, duckdb line
  local e=$2 d=$3
  for f in groups sum_sq extra; do
    if [[ "$(field "$e" $f)" != "$(field "$d" $f)" ]]; then
      echo "MISMATCH in $1 ($f): engine $(field "$e" $f), duckdb $(field "$d" $f)" >&2
      exit 1
    fi
  done
}

cd "$root"  # node_modules
declare -A eng_secs eng_rss eng_line
for job in sessions aggregate; do
  timed "$bench" "$job" "$file"; e=$out; e_rss=$rss
  timed node "$here/duckdb_queries.js" "$job" "$file"; d=$out; d_rss=$rss
  echo "engine: $e (peak RSS ${e_rss} MB)"
  echo "duckdb: $d (peak RSS ${d_rss} MB)"
  compare "$job" "$e" "$d"
  es=$(field "$e" seconds); ds=$(field "$d" seconds)
  eng_secs[$job]=$es; eng_rss[$job]=$e_rss; eng_line[$job]=$e
  echo "$job: results equal; engine/duckdb time ratio $(awk -v a="$es" -v b="$ds" 'BEGIN{printf "%.2f", a/b}')," \
       "RSS ratio $(awk -v a="$e_rss" -v b="$d_rss" 'BEGIN{printf "%.2f", a/b}')"
done

# Sessionization again with a budget of 1/8 of the in-memory peak.
budget=$(awk -v r="${eng_rss[sessions]}" 'BEGIN{printf "%d", r * 1024 * 1024 / 8}')
timed "$bench" sessions "$file" --budget "$budget" --spill-dir "$work"; s=$out; s_rss=$rss
echo "engine (budget $((budget / 1048576)) MB): $s (peak RSS ${s_rss} MB)"
compare sessions-budget "$s" "${eng_line[sessions]}"
echo "sessions with 1/8 budget: results equal; time ratio to unbounded" \
     "$(awk -v a="$(field "$s" seconds)" -v b="${eng_secs[sessions]}" 'BEGIN{printf "%.2f", a/b}')," \
     "peak RSS ratio $(awk -v a="$s_rss" -v b="${eng_rss[sessions]}" 'BEGIN{printf "%.2f", a/b}')"
