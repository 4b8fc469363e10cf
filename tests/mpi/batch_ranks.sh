#!/usr/bin/env bash
# `mpirun -np N footfall batch` publishes exactly what `footfall batch` does: every serving table
# row for row and every Parquet view byte for byte, for N = 1..4 ranks on this host
# (oversubscribed), with an engine budget small enough that shuffles spill on every rank.
source "$(dirname "$0")/lib.sh"

make_lake "$WORK/lake"
cp -r "$WORK/lake" "$WORK/one"
"$FOOTFALL" batch --data "$WORK/one" --config "$WORK/config.yaml" >"$WORK/one.out" 2>"$WORK/one.err" ||
  { cat "$WORK/one.err"; fail "footfall batch"; }
grep -q "^published version 1" "$WORK/one.out" || fail "no version published by footfall batch"

for n in 1 2 3 4; do
  cp -r "$WORK/lake" "$WORK/ranks$n"
  mpi_run "$n" batch --data "$WORK/ranks$n" --config "$WORK/config.yaml" \
    >"$WORK/ranks$n.out" 2>"$WORK/ranks$n.err" || { tail -20 "$WORK/ranks$n.err"; fail "mpirun -np $n"; }
  # Rank 0 alone reports; the report's counts are the single process's.
  [ "$(grep -c '^published version' "$WORK/ranks$n.out")" -eq 1 ] ||
    fail "$n ranks: expected one report line"
  # (the counts, not the durations of the steps)
  [ "$(grep '^published' "$WORK/ranks$n.out" | sed 's/ in [0-9.]* s//')" = \
    "$(grep '^published' "$WORK/one.out" | sed 's/ in [0-9.]* s//')" ] ||
    fail "$n ranks: report differs: $(cat "$WORK/ranks$n.out")"
  # Every rank ran the engine under the budget and spilled.
  spilled=$(grep -c "engine shuffled .* spilled [1-9][0-9]* bytes" "$WORK/ranks$n.err" || true)
  [ "$spilled" -eq "$n" ] || { grep "engine shuffled" "$WORK/ranks$n.err"; fail "$n ranks: $spilled ranks spilled"; }
  if [ "$n" -gt 1 ]; then
    grep -q "rank 1: .*exchanged [1-9][0-9]* bytes out" "$WORK/ranks$n.err" ||
      fail "$n ranks: nothing exchanged"
  fi
  same_views "$WORK/one" "$WORK/ranks$n" "$n ranks"
  rm -rf "$WORK/ranks$n"
done
echo "PASS"
