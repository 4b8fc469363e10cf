# Helpers for the MPI tests: skip (exit 77) where MPI cannot run, mpirun with the options these
# tests need, and a comparison of two data directories' published views.
set -euo pipefail

FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}

skip() {
  echo "SKIP: $*"
  exit 77
}

fail() {
  echo "FAIL: $*"
  exit 1
}

[ "${FOOTFALL_HAVE_MPI:-1}" = 1 ] || skip "footfall was built without MPI (no OpenMPI found by CMake)"
command -v mpirun >/dev/null || skip "mpirun is not installed (apt-get install openmpi-bin)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-mpi-XXXXXX")
cleanup_work() {
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup_work EXIT

# OpenMPI refuses root without these; TCP and shared memory only, whatever the host has.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=tcp,self OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
export OMPI_MCA_rmaps_base_oversubscribe=1

# mpi_run N ARGS...: footfall ARGS on N ranks of this host.
mpi_run() {
  local n=$1
  shift
  mpirun -np "$n" --oversubscribe "$FOOTFALL" "$@"
}

# make_lake DIR: a raw log of three sealed segments (web traffic and the studio's workflow, on
# fixed dates, with duplicates), enriched (so that each run does not enrich it again), and a config with a small
# engine budget and the studio flow.
make_lake() {
  local dir=$1
  "$FOOTFALL" gen --raw "$dir" --events 20000 --seed 1 --start 2026-03-01T00:00:00Z --days 2 \
    >/dev/null 2>&1
  "$FOOTFALL" gen --raw "$dir" --events 20000 --seed 2 --start 2026-03-02T12:00:00Z --days 2 \
    >/dev/null 2>&1
  # The same seed again: events already in the first segment, which deduplication removes.
  "$FOOTFALL" gen --raw "$dir" --events 12000 --seed 1 --start 2026-03-01T00:00:00Z --days 2 \
    --app-id studio >/dev/null 2>&1
  # The smallest budget (16 MiB) split among 8 tasks per rank: 1 MiB each, so that every rank
  # spills even when four share the work (52,000 events: with fewer, the events of repeated
  # ids alone cross the deduplication shuffle and a rank of four may not spill).
  {
    printf 'batch:\n  memory_mb: 16\nenrich:\n  threads: 8\n'
    cat "$(dirname "${BASH_SOURCE[0]}")/../e2e/studio_flow.yaml"
  } >"$WORK/config.yaml"
  "$FOOTFALL" enrich --data "$dir" --config "$WORK/config.yaml" >/dev/null 2>&1
}

# dump_views DIR OUT: every serving table of DIR's current version as CSV rows in stored order
# (pipeline_versions without its wall-clock columns), one file per table.
dump_views() {
  local dir=$1 out=$2
  mkdir -p "$out"
  local tables
  tables=$("$FOOTFALL" sql --data "$dir" --format csv \
    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name" |
    tail -n +2 | tr -d '\r')
  [ -n "$tables" ] || fail "no tables in $dir"
  for t in $tables; do
    local query="SELECT * FROM $t"
    if [ "$t" = pipeline_versions ]; then
      query="SELECT version, watermark_segment, segments, events, duplicates, bad_rows, sessions,
             page_views, flow_cases, enrich_config FROM pipeline_versions"
    fi
    "$FOOTFALL" sql --data "$dir" --format csv "$query" >"$out/$t.csv" || fail "sql on $t in $dir"
  done
}

# same_views A B WHAT: the serving tables and every Parquet file under views/ are identical (A's
# tables are dumped once: it is the reference of every comparison).
same_views() {
  local a=$1 b=$2 what=$3
  local ref="$WORK/dump-$(basename "$a")"
  [ -d "$ref" ] || dump_views "$a" "$ref"
  rm -rf "$WORK/dump-b"
  dump_views "$b" "$WORK/dump-b"
  diff -r "$ref" "$WORK/dump-b" >"$WORK/diff" ||
    { head -20 "$WORK/diff"; fail "$what: serving tables differ"; }
  local files=0
  while IFS= read -r f; do
    cmp -s "$a/views/$f" "$b/views/$f" || fail "$what: views/$f differs"
    files=$((files + 1))
  done < <(cd "$a/views" && find . -name '*.parquet' | sort)
  [ "$files" -gt 0 ] || fail "$what: no Parquet views"
  [ "$(cd "$b/views" && find . -name '*.parquet' | wc -l)" -eq "$files" ] ||
    fail "$what: another number of Parquet files"
  echo "ok: $what: $(ls "$ref" | wc -l) tables ($(cat "$ref"/*.csv | wc -l) rows) and $files" \
    "Parquet files identical"
}
