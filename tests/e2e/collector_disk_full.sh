#!/usr/bin/env bash
# A full disk: the collector answers 503 (trackers retry), /health says why, and once space
# returns it stores again by itself. Nothing answered 2xx is lost. On a small tmpfs, then on a
# small ext4 image mounted through a loop device (where records are written with direct I/O),
# when loop devices can be had. Needs root to mount.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to mount a small file system"; exit 0
fi
DISK="$WORK/disk"
mkdir -p "$DISK"
LOOP=""
# Lazily: on a failure the collector may still hold files there (the loop device then goes once
# it has exited).
umount_disk() {
  umount -l "$DISK" 2>/dev/null || true
  if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
  LOOP=""
}
trap 'umount_disk; cleanup' EXIT
query="e=pv&aid=disk&url=https%3A%2F%2Fshop.example%2F&page=$(head -c 600 /dev/zero | tr '\0' x)"

# fill_and_recover LABEL: runs the scenario on the file system mounted on $DISK.
fill_and_recover() {
  local label=$1
  # Fill all but about 96 KiB with a file that can be removed later to give space back.
  local avail
  avail=$(df --output=avail -B1 "$DISK" | tail -1)
  head -c $((avail - 96 * 1024)) /dev/zero >"$DISK/filler"

  start_server collector collect --port 0 --data "$DISK/data"
  local ok=0 refused=0 code
  for _ in $(seq 1 400); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/i?$query&eid=$(cat /proc/sys/kernel/random/uuid)")
    case "$code" in
      200) ok=$((ok + 1)) ;;
      503) refused=$((refused + 1)); [ "$refused" -ge 3 ] && break ;;
      *) echo "FAIL: $label: unexpected status $code"; exit 1 ;;
    esac
  done
  [ "$refused" -ge 3 ] || { echo "FAIL: $label: the disk never filled ($ok stored)"; exit 1; }
  echo "ok: $label: $ok stored, then 503 when the disk filled"
  expect_eq "$label: health while full" 503 "$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/health")"
  curl -s "$COLLECTOR_URL/health" | grep -qi "space" || { echo "FAIL: $label: /health does not say why"; exit 1; }
  echo "$label: footfall_rawlog_direct_io $(curl -s "$COLLECTOR_URL/metrics" | awk '/^footfall_rawlog_direct_io /{print $2}')"

  rm "$DISK/filler"
  code=503
  for _ in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/i?$query&eid=$(cat /proc/sys/kernel/random/uuid)")
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  expect_eq "$label: stores again once space returns" 200 "$code"
  ok=$((ok + 1))
  expect_eq "$label: health after recovery" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/health")"

  stop_server "$COLLECTOR_PID"
  local stored
  stored=$("$FOOTFALL" raw --data "$DISK/data" | wc -l)
  expect_eq "$label: records in the raw log = requests answered 200" "$ok" "$stored"
}

mount -t tmpfs -o size=1m tmpfs "$DISK"
fill_and_recover tmpfs
umount_disk

truncate -s 8M "$WORK/ext4.img"
if command -v mkfs.ext4 >/dev/null && mkfs.ext4 -q -F -m 0 "$WORK/ext4.img" &&
   LOOP=$(losetup -f --show "$WORK/ext4.img" 2>/dev/null) && mount "$LOOP" "$DISK"; then
  fill_and_recover ext4
else
  echo "SKIP: ext4: no loop device or mkfs.ext4 here"
fi
echo "PASS"
