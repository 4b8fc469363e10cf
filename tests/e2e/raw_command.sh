#!/usr/bin/env bash
# `footfall raw`: every record of the sealed segments as one JSON object a line; --segment N;
# --include-active reads the active segment up to its last whole frame; a damaged record stops
# the output after what precedes it, with one error line naming the file and offset, exit 1.
source "$(dirname "$0")/lib.sh"

"$FOOTFALL" raw --help >/dev/null
echo "ok: raw --help"

# expect_fail WHAT PATTERN COMMAND...: exit 1 and one stderr line matching PATTERN.
expect_fail() {
  local what=$1 pattern=$2
  shift 2
  local rc=0
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" -ne 1 ]; then echo "FAIL: $what: exit $rc, expected 1"; cat "$WORK/err"; exit 1; fi
  if [ "$(wc -l <"$WORK/err")" -ne 1 ] || ! grep -q -- "$pattern" "$WORK/err"; then
    echo "FAIL: $what: stderr should be one line matching '$pattern':"; cat "$WORK/err"; exit 1
  fi
  echo "ok: $what -> $(cat "$WORK/err")"
}

# check_lines FILE SEGMENT: every line is a record object of SEGMENT with increasing offsets
# from the first frame (16, after the segment header); prints the line count.
check_lines() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const seg = Number(process.argv[2]);
    const keys = "segment,offset,timestamp,ip,method,path,query,body,content_type,user_agent," +
      "referer,hostname,network_userid,collector,headers";
    let last = 0;
    for (const line of lines) {
      const r = JSON.parse(line);
      if (Object.keys(r).join(",") !== keys) throw new Error("keys: " + Object.keys(r));
      if (r.segment !== seg) throw new Error("segment " + r.segment);
      if (last === 0 ? r.offset !== 16 : r.offset <= last) throw new Error("offset " + r.offset);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(r.timestamp)) throw new Error(r.timestamp);
      if (!Array.isArray(r.headers)) throw new Error("headers");
      last = r.offset;
    }
    console.log(lines.length);' "$1" "$2"
}

"$FOOTFALL" raw --data "$WORK/empty" >"$WORK/empty.jsonl"
expect_eq "records of a missing raw log" 0 "$(wc -l <"$WORK/empty.jsonl")"

"$FOOTFALL" gen --events 40 --seed 11 --raw "$WORK/data" >/dev/null 2>&1
"$FOOTFALL" raw --data "$WORK/data" >"$WORK/all.jsonl"
expect_eq "records of segment 1" 40 "$(check_lines "$WORK/all.jsonl" 1)"
expect_eq "collector of generated records" footfall-gen \
  "$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]); console.log(r.collector)' "$WORK/all.jsonl")"
"$FOOTFALL" raw --data "$WORK/data" --segment 1 >"$WORK/seg1.jsonl"
cmp -s "$WORK/all.jsonl" "$WORK/seg1.jsonl" || { echo "FAIL: --segment 1 differs"; exit 1; }
echo "ok: --segment 1 prints the same"
expect_fail "a segment that does not exist" "no segment 7" "$FOOTFALL" raw --data "$WORK/data" --segment 7

# An active segment whose last frame is cut short, as while the collector writes it.
raw_dir="$WORK/data/raw"
cp "$raw_dir/000000000001.seg" "$raw_dir/000000000002.open"
chmod u+w "$raw_dir/000000000002.open"
truncate -s -10 "$raw_dir/000000000002.open"
"$FOOTFALL" raw --data "$WORK/data" >"$WORK/sealed-only.jsonl"
expect_eq "records without --include-active" 40 "$(wc -l <"$WORK/sealed-only.jsonl")"
expect_fail "the active segment without --include-active" "add --include-active" \
  "$FOOTFALL" raw --data "$WORK/data" --segment 2
"$FOOTFALL" raw --data "$WORK/data" --segment 2 --include-active >"$WORK/active.jsonl"
expect_eq "whole records of the active segment" 39 "$(check_lines "$WORK/active.jsonl" 2)"
"$FOOTFALL" raw --data "$WORK/data" --include-active >"$WORK/both.jsonl"
expect_eq "records with --include-active" 79 "$(wc -l <"$WORK/both.jsonl")"
# Apart from the segment number, the active copy's records are the sealed ones.
sed 's/^{"segment":2,/{"segment":1,/' "$WORK/active.jsonl" >"$WORK/active-as-1.jsonl"
head -39 "$WORK/all.jsonl" | cmp -s - "$WORK/active-as-1.jsonl" ||
  { echo "FAIL: active records differ from the sealed ones"; exit 1; }
echo "ok: the active segment's whole records equal the sealed ones"
# An active segment still writing its header holds no record.
head -c 10 "$raw_dir/000000000001.seg" >"$raw_dir/000000000003.open"
"$FOOTFALL" raw --data "$WORK/data" --segment 3 --include-active >"$WORK/header.jsonl"
expect_eq "records of an active segment with half a header" 0 "$(wc -l <"$WORK/header.jsonl")"

# offset_of N: the frame offset of record N (1-based) of segment 1.
offset_of() {
  node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n"); console.log(JSON.parse(l[process.argv[2] - 1]).offset)' "$WORK/all.jsonl" "$1"
}
# flip FILE POS: inverts the byte at POS.
flip() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((byte ^ 0xff)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# A sealed segment damaged inside record 11: records 1..10 printed, then one error line.
mkdir -p "$WORK/damaged/raw"
cp "$raw_dir/000000000001.seg" "$WORK/damaged/raw/000000000001.seg"
chmod u+w "$WORK/damaged/raw/000000000001.seg"
off11=$(offset_of 11)
flip "$WORK/damaged/raw/000000000001.seg" $((off11 + 30))
expect_fail "a damaged sealed record" "000000000001.seg: damaged record at offset $off11 " \
  "$FOOTFALL" raw --data "$WORK/damaged"
head -10 "$WORK/all.jsonl" | cmp -s - "$WORK/out" ||
  { echo "FAIL: the records before the damage were not printed as they are"; exit 1; }
echo "ok: the 10 records before the damage were printed"

# A whole frame that fails its CRC in the active segment is damage too, not a partial tail.
mkdir -p "$WORK/damaged-active/raw"
cp "$raw_dir/000000000001.seg" "$WORK/damaged-active/raw/000000000001.open"
chmod u+w "$WORK/damaged-active/raw/000000000001.open"
off5=$(offset_of 5)
flip "$WORK/damaged-active/raw/000000000001.open" $((off5 + 12))
expect_fail "a damaged active record" "000000000001.open: damaged record at offset $off5 " \
  "$FOOTFALL" raw --data "$WORK/damaged-active" --include-active
expect_eq "records before the damage in the active segment" 4 "$(wc -l <"$WORK/out")"

# A frame with a valid CRC whose body is not a collector payload.
mkdir -p "$WORK/bad-payload/raw"
cp "$raw_dir/000000000001.seg" "$WORK/bad-payload/raw/000000000001.seg"
chmod u+w "$WORK/bad-payload/raw/000000000001.seg"
node -e '
  // Rewrites record 3 as a frame of the right length and CRC holding payload version 9.
  const fs = require("fs");
  const [file, off] = [process.argv[1], Number(process.argv[2])];
  const data = fs.readFileSync(file);
  const len = data.readUInt32LE(off);
  const body = data.subarray(off + 8, off + 8 + len);
  body[0] = 9;
  let crc = 0xffffffff;
  for (const b of body) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
  data.writeUInt32LE(masked, off + 4);
  fs.writeFileSync(file, data);' "$WORK/bad-payload/raw/000000000001.seg" "$(offset_of 3)"
expect_fail "a record that is not a collector payload" \
  "damaged record at offset $(offset_of 3): unknown collector payload version 9" \
  "$FOOTFALL" raw --data "$WORK/bad-payload"
expect_eq "records before the bad payload" 2 "$(wc -l <"$WORK/out")"
# Reading the active segment while a collector appends to it: every read ends cleanly on a
# whole record, and no record read is ever taken back.
start_server collector collect --port 0 --data "$WORK/live"
"$FOOTFALL" gen --events 1500 --seed 5 --start 2026-11-01 --target "$COLLECTOR_URL" >/dev/null 2>&1 &
GEN_PID=$!
PIDS+=("$GEN_PID")
reads=0 last=0
while kill -0 "$GEN_PID" 2>/dev/null && [ "$reads" -lt 200 ]; do
  n=$("$FOOTFALL" raw --data "$WORK/live" --include-active | wc -l)
  [ "$n" -ge "$last" ] || { echo "FAIL: a live read saw $n records after $last"; exit 1; }
  last=$n reads=$((reads + 1))
done
wait "$GEN_PID"
echo "ok: $reads reads of the active segment while it grew (last saw $last records)"
stored=$(curl -sf "$COLLECTOR_URL/metrics" | sed -n 's/^footfall_collector_stored_total \([0-9]*\)$/\1/p')
expect_eq "records with --include-active = records the collector stored" "$stored" \
  "$("$FOOTFALL" raw --data "$WORK/live" --include-active | wc -l)"
# The active segment's bytes in `footfall status` leave out the zeros it is filled with ahead.
active=$(curl -sf "$COLLECTOR_URL/metrics" | sed -n 's/^footfall_rawlog_active_bytes \([0-9]*\)$/\1/p')
expect_eq "status: active bytes = the collector's" "$active" \
  "$("$FOOTFALL" status --data "$WORK/live" --format json --no-live |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).raw.active_bytes))')"
stop_server "$COLLECTOR_PID"
expect_eq "records once sealed" "$stored" "$("$FOOTFALL" raw --data "$WORK/live" | wc -l)"
echo "PASS"
