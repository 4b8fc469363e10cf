#!/usr/bin/env bash
# A full disk: the collector answers 503 (trackers retry), /health says why, and once space
# returns it stores again by itself. Nothing answered 2xx is lost. Needs root for a small tmpfs.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to mount a small tmpfs"; exit 0
fi
mkdir -p "$WORK/disk"
mount -t tmpfs -o size=1m tmpfs "$WORK/disk"
umount_disk() { umount "$WORK/disk" 2>/dev/null || true; }
trap 'umount_disk; cleanup' EXIT
# Fill most of the disk with a file that can be removed later to give space back.
head -c $((1024 * 1024 - 96 * 1024)) /dev/zero >"$WORK/disk/filler"

start_server collector collect --port 0 --data "$WORK/disk/data"
query="e=pv&aid=disk&url=https%3A%2F%2Fshop.example%2F&page=$(head -c 600 /dev/zero | tr '\0' x)"

ok=0; refused=0
for i in $(seq 1 400); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/i?$query&eid=$(cat /proc/sys/kernel/random/uuid)")
  case "$code" in
    200) ok=$((ok + 1)) ;;
    503) refused=$((refused + 1)); [ "$refused" -ge 3 ] && break ;;
    *) echo "FAIL: unexpected status $code"; exit 1 ;;
  esac
done
[ "$refused" -ge 3 ] || { echo "FAIL: the disk never filled ($ok stored)"; exit 1; }
echo "ok: $ok stored, then 503 when the disk filled"
expect_eq "health while full" 503 "$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/health")"
curl -s "$COLLECTOR_URL/health" | grep -qi "space" || { echo "FAIL: /health does not say why"; exit 1; }

rm "$WORK/disk/filler"
code=503
for _ in $(seq 1 50); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/i?$query&eid=$(cat /proc/sys/kernel/random/uuid)")
  [ "$code" = 200 ] && break
  sleep 0.1
done
expect_eq "stores again once space returns" 200 "$code"
ok=$((ok + 1))
expect_eq "health after recovery" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/health")"

stop_server "$COLLECTOR_PID"
stored=$("$FOOTFALL" raw --data "$WORK/disk/data" | wc -l)
expect_eq "records in the raw log = requests answered 200" "$ok" "$stored"
echo "PASS"
