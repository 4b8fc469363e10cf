#!/usr/bin/env bash
# `footfall gen --raw` against the disk: time to generate N events into sealed raw segments,
# beside the time `dd` takes to write (and fsync) the same number of bytes in the same run.
# The ratio says how far the generator is from the machine's own write speed.
set -euo pipefail
FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}
EVENTS=${EVENTS:-10000000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-XXXXXX")
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
t0=$(now)
"$FOOTFALL" gen --events "$EVENTS" --seed 1 --start 2026-11-01 --days 7 --raw "$WORK/data" \
  >/dev/null 2>&1
t1=$(now)
sync
bytes=$(du -sb "$WORK/data/raw" | awk '{print $1}')
mib=$(( (bytes + 1048575) / 1048576 ))
t2=$(now)
dd if=/dev/zero of="$WORK/dd.out" bs=1M count="$mib" conv=fsync status=none
t3=$(now)
gen_s=$(echo "$t1 - $t0" | bc -l)
dd_s=$(echo "$t3 - $t2" | bc -l)
printf 'gen_raw: %d events, %d MiB: footfall gen %.1f s, dd %.1f s, ratio %.2f\n' \
  "$EVENTS" "$mib" "$gen_s" "$dd_s" "$(echo "$gen_s / $dd_s" | bc -l)"
