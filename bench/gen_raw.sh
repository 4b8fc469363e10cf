#!/usr/bin/env bash
# `footfall gen --raw` against the file system: time to generate N events into sealed raw
# segments, beside the time `dd` takes to write (and fsync) the same number of bytes in the same
# run. The ratio says how far the generator is from the file system's own write speed. Run with
# TMPDIR=/dev/shm to take the disk out and measure the generator itself.
set -euo pipefail
FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}
EVENTS=${EVENTS:-10000000}
THREADS=${THREADS:-0}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-XXXXXX")
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
t0=$(now)
/usr/bin/time -f '%U %S' -o "$WORK/cpu" "$FOOTFALL" gen --events "$EVENTS" --seed 1 \
  --start 2026-11-01 --days 7 --raw "$WORK/data" --threads "$THREADS" >/dev/null 2>&1
t1=$(now)
sync
bytes=$(du -sb "$WORK/data/raw" | awk '{print $1}')
mib=$(( (bytes + 1048575) / 1048576 ))
chmod -R u+w "$WORK/data" && rm -rf "$WORK/data"  # room for dd on a small file system
t2=$(now)
dd if=/dev/zero of="$WORK/dd.out" bs=1M count="$mib" conv=fsync status=none
t3=$(now)
gen_s=$(echo "$t1 - $t0" | bc -l)
dd_s=$(echo "$t3 - $t2" | bc -l)
read -r user sys <"$WORK/cpu"
printf 'gen_raw: %d events, %d MiB on %s: footfall gen %.2f s (%.0f events/s; CPU %.1f s user, %.1f s system), dd %.2f s, ratio gen/dd %.2f\n' \
  "$EVENTS" "$mib" "$(df --output=fstype "$WORK" | tail -1)" "$gen_s" \
  "$(echo "$EVENTS / $gen_s" | bc -l)" "$user" "$sys" "$dd_s" "$(echo "$gen_s / $dd_s" | bc -l)"
