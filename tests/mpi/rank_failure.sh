#!/usr/bin/env bash
# A rank that dies in the middle of a shuffle (killed by SIGKILL, as a crashed host would be)
# fails the whole job: mpirun exits non-zero, no version is published and no spill file is left;
# the same command run again succeeds and publishes what one process publishes — the input is
# immutable, so a rerun is always safe.
source "$(dirname "$0")/lib.sh"

make_lake "$WORK/lake"
cp -r "$WORK/lake" "$WORK/one"
"$FOOTFALL" batch --data "$WORK/one" --config "$WORK/config.yaml" >/dev/null 2>&1 ||
  fail "footfall batch"
cp -r "$WORK/lake" "$WORK/ranks"

# Rank 1 kills itself before its second all-to-all round: inside the first shuffle's exchange.
rc=0
timeout 120 mpirun -np 3 --oversubscribe -x FOOTFALL_MPI_KILL_RANK=1 -x FOOTFALL_MPI_KILL_ROUND=2 \
  "$FOOTFALL" batch --data "$WORK/ranks" --config "$WORK/config.yaml" \
  >"$WORK/killed.out" 2>"$WORK/killed.err" || rc=$?
[ "$rc" -ne 0 ] || fail "the job with a killed rank exited 0"
[ "$rc" -ne 124 ] || fail "the job with a killed rank hung"
grep -qi "signal 9\|killed" "$WORK/killed.err" ||
  { tail -20 "$WORK/killed.err"; fail "mpirun did not report the killed rank"; }
echo "ok: a rank killed mid-shuffle fails the job (exit $rc): $(grep -i -m1 'signal 9\|killed' "$WORK/killed.err")"
! grep -q "^published version" "$WORK/killed.out" || fail "a version was reported published"
[ -z "$(find "$WORK/ranks/serving" -name 'v*.sqlite' 2>/dev/null)" ] || fail "a serving version exists"
[ -z "$(find "$WORK/ranks/views" -name '*.parquet' 2>/dev/null)" ] || fail "a Parquet view exists"
[ -z "$(find "$WORK/ranks/tmp" -type f 2>/dev/null)" ] || fail "files left in tmp/"
echo "ok: nothing published, nothing left behind"

# A failure that is a Status, not a crash: an unreadable enriched file on one rank's share
# fails every rank with the same message, and still nothing is published.
cp -r "$WORK/lake" "$WORK/bad"
victim=$(find "$WORK/bad/enriched" -name '*.parquet' | sort | tail -1)
truncate -s 100 "$victim"
rc=0
timeout 120 mpirun -np 2 --oversubscribe "$FOOTFALL" batch --data "$WORK/bad" \
  --config "$WORK/config.yaml" >"$WORK/bad.out" 2>"$WORK/bad.err" || rc=$?
[ "$rc" -ne 0 ] || fail "the job over a damaged file exited 0"
# Every rank prints the error before it ends the job; the first to end it may stop the other
# before it prints, so one line at least.
grep -q "footfall batch: rank [01] of 2: CORRUPTION: .*parquet" "$WORK/bad.err" ||
  { cat "$WORK/bad.err"; fail "no error naming the damaged file"; }
[ -z "$(find "$WORK/bad/serving" -name 'v*.sqlite' 2>/dev/null)" ] || fail "a serving version exists"
echo "ok: a damaged input fails the job: $(grep -m1 'footfall batch: rank' "$WORK/bad.err")"

mpi_run 3 batch --data "$WORK/ranks" --config "$WORK/config.yaml" >"$WORK/rerun.out" \
  2>"$WORK/rerun.err" || { tail -20 "$WORK/rerun.err"; fail "the rerun failed"; }
grep -q "^published version 1" "$WORK/rerun.out" || fail "the rerun published no version 1"
same_views "$WORK/one" "$WORK/ranks" "rerun after a killed rank"
echo "PASS"
