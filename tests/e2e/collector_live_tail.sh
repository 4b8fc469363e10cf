#!/usr/bin/env bash
# The speed layer of `footfall serve` follows the raw log that a separate `footfall collect`
# process writes (with direct I/O under the default durability, where the file system takes it):
# every page view the collector answered 200 is counted live, through batches that each rewrite
# the active segment's last block and across seals by age.
source "$(dirname "$0")/lib.sh"

config="$WORK/footfall.yaml"
printf 'collector:\n  host: 127.0.0.1\nraw:\n  seal_after_seconds: 1\n' >"$config"
# An empty first version: everything the collector stores after it is the speed layer's.
"$FOOTFALL" batch --data "$WORK/data" --config "$config" >/dev/null 2>"$WORK/batch.stderr" ||
  { cat "$WORK/batch.stderr"; fail "footfall batch"; }
start_server collector collect --port 0 --data "$WORK/data" --config "$config"
start_server ui serve --port 0 --data "$WORK/data" --config "$config"

sent=0
# send N: N page views, one request at a time (so one batch, one sync, each).
send() {
  local code
  for _ in $(seq 1 "$1"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/i?e=pv&aid=shop&p=web&tv=js-3.24.0&url=https%3A%2F%2Fshop.example%2Fp$sent&eid=$(cat /proc/sys/kernel/random/uuid)&duid=2a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d&sid=7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b&vid=1&dtm=$(date +%s%3N)")
    [ "$code" = 200 ] || fail "the collector answered $code"
    sent=$((sent + 1))
  done
}
live_page_views() {
  curl -s "$UI_URL/api/v1/overview" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(o.speed?o.speed.page_views:"none")})'
}
# expect_live: the speed layer counts every page view sent so far, within 20 s.
expect_live() {
  local seen=""
  for _ in $(seq 1 200); do
    seen=$(live_page_views)
    [ "$seen" = "$sent" ] && break
    sleep 0.1
  done
  expect_eq "live page views after $sent sent" "$sent" "$seen"
}

send 1
expect_live
send 150
expect_live
sleep 1.5  # the active segment is sealed by age once the next record arrives
send 150
expect_live
segments=$(find "$WORK/data/raw" -name '*.seg' | wc -l)
[ "$segments" -ge 1 ] || fail "no segment was sealed by age"
echo "ok: $segments segments sealed while the speed layer followed"

stop_server "$UI_PID"
stop_server "$COLLECTOR_PID"
echo "PASS"
