#!/usr/bin/env bash
# `footfall collect` beside nginx as a pixel collector, in the same run on the same machine:
# wrk drives both on 127.0.0.1 with the same threads, connections, duration and request.
#
# - GET /i with a ~600-byte page view as the JavaScript tracker sends it. nginx answers with
#   `empty_gif` and writes an access-log line (combined format, which holds the whole query
#   string) per request. Its access_log is unbuffered unless `buffer=` or `gzip` is given: one
#   write(2) per request into the page cache, never an fsync, so a power loss loses whatever the
#   kernel had not written back yet. footfall stores the whole request in its raw log and
#   answers only after the fdatasync of the group it was written in.
# - POST /com.snowplowanalytics.snowplow/tp2 with a payload_data body of 10 events. nginx answers
#   `return 200 ok` and logs the request line; it discards the body, so its figure is a ceiling
#   for "answer a POST", not a peer that stores the events.
#
# nginx runs as the current user with worker_processes 2, from a config generated here, on a
# free loopback port; footfall binds 127.0.0.1 with a fresh data directory per run. wrk, the
# server and footfall's writer thread share the machine's cores.
#
# footfall runs once per raw.durability in DURABILITIES: `fsync` is the default and the one to
# judge; `interval` (acknowledged after write(2), fdatasync every 100 ms) is nearer to what nginx
# promises and shows what the per-request sync costs.
#
# nginx's own requests/s swing by a third from one run to the next on a shared machine, so each
# load runs ROUNDS times, nginx and footfall taking turns, and the ratio to read is the median of
# the rounds' ratios, printed last.
#
# Each footfall run also says how much of it each of footfall's threads spent on a CPU and how
# much runnable but waiting for one (from /proc/PID/task/*/schedstat): every group commit releases
# its answers at once, and that burst queues for the cores the collector shares with wrk. And,
# from the collector's /metrics, how often its raw log synced and how long a request waited for
# its sync, beside the connection's whole round trip. Each round also gives both servers' context
# switches per request (/proc/PID/task/*/status): footfall's I/O threads sleep whenever all their
# connections wait for the disk.
#
# Environment: FOOTFALL (the binary), DURATION (15s), THREADS (2), CONNECTIONS ("64 256 512 8"),
# DURABILITIES ("fsync interval"), SCENARIOS ("get post"), ROUNDS (3),
# QUIET_WAIT (300: seconds to wait for the machine to be idle before each run), PERF=1 for two
# more footfall GET runs: one under `perf record -g` at the first connection count with a
# summary of where its time goes, one under `perf trace -e fdatasync` at the last with the
# distribution of the group commits' sync times (needs perf, Debian's linux-perf; the table's
# numbers are measured without perf).
set -euo pipefail
FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64 256 512 8}
PERF=${PERF:-0}
QUIET_WAIT=${QUIET_WAIT:-300}
DURABILITIES=${DURABILITIES:-fsync interval}
SCENARIOS=${SCENARIOS:-get post}
ROUNDS=${ROUNDS:-3}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] ||
  { echo "collector_vs_nginx: ROUNDS is '$ROUNDS'; it must be a whole number from 1" >&2; exit 2; }
for scenario in $SCENARIOS; do
  case $scenario in get | post) ;; *)
    echo "collector_vs_nginx: SCENARIOS holds '$scenario'; each must be get or post" >&2
    exit 2
    ;;
  esac
done
for tool in nginx wrk node curl; do
  command -v "$tool" >/dev/null ||
    { echo "collector_vs_nginx: $tool is missing (scripts/bootstrap installs it)" >&2; exit 1; }
done
NGINX=$(command -v nginx)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# The request: a page view as the JavaScript tracker sends it, and the same page view as ten
# POST items with their own event ids.
read -r QUERY < <(node -e '
const enc = encodeURIComponent;
const q = "e=pv&url=" + enc("https://shop.example/women/dresses/summer-linen-midi-dress-1234?color=sand&size=38&utm_source=newsletter&utm_medium=email&utm_campaign=summer-sale") +
  "&page=" + enc("Summer Linen Midi Dress - Sand | Example Shop") +
  "&refr=" + enc("https://www.google.com/search?q=linen+midi+dress") +
  "&tv=js-3.24.0&tna=sp1&aid=example-shop&p=web&tz=Europe%2FBerlin&lang=de-DE&cs=UTF-8" +
  "&res=1920x1080&vp=1440x789&eid=5f1c2b3a-8d4e-4f6a-9b7c-0d1e2f3a4b5c" +
  "&duid=2a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d&sid=7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b&vid=3" +
  "&dtm=1764580000000&stm=1764580000123";
console.log(q);')
node -e '
const items = [];
for (let i = 0; i < 10; i++) {
  items.push({ e: "pv", url: "https://shop.example/women/dresses/summer-linen-midi-dress-" + (1234 + i) + "?color=sand&size=38",
    page: "Summer Linen Midi Dress - Sand | Example Shop", refr: "https://www.google.com/search?q=linen+midi+dress",
    tv: "js-3.24.0", tna: "sp1", aid: "example-shop", p: "web", tz: "Europe/Berlin", lang: "de-DE", cs: "UTF-8",
    res: "1920x1080", vp: "1440x789", eid: "5f1c2b3a-8d4e-4f6a-9b7c-0d1e2f3a4b" + String(10 + i).padStart(2, "0"),
    duid: "2a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", sid: "7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b", vid: "3",
    dtm: String(1764580000000 + i * 1000), stm: "1764580010123" });
}
const body = JSON.stringify({ schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", data: items });
require("fs").writeFileSync(process.argv[1], body);' "$WORK/post-body.json"
cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = [==[$(cat "$WORK/post-body.json")]==]
EOF
HEADERS=(
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
  -H 'Referer: https://shop.example/women/dresses/summer-linen-midi-dress-1234?color=sand'
  -H 'Accept-Language: de-DE,de;q=0.9,en;q=0.8'
  -H 'Cookie: sp=9c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'
)

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# CPU seconds (user + system) used so far by the given processes.
cpu_seconds() {
  local ticks=0 pid
  for pid in "$@"; do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc -l
}

start_nginx() {
  local dir="$WORK/nginx" port
  mkdir -p "$dir/tmp"
  port=$(free_port)
  local user_line=""
  [ "$(id -u)" -ne 0 ] || user_line="user $(id -un) $(id -gn);"
  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  access_log $dir/access.log combined;
  # footfall does not limit the requests a connection may send either (nginx's default: 1000).
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location /i { empty_gif; }
    location = /com.snowplowanalytics.snowplow/tp2 {
      default_type text/plain;
      return 200 ok;
    }
  }
}
EOF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/i"; then
      NGINX_URL="http://127.0.0.1:$port"
      : >"$dir/access.log"
      return 0
    fi
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$dir/error.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "collector_vs_nginx: nginx did not answer on port $port" >&2
  cat "$dir/error.log" >&2
  exit 1
}

stop_pid() {
  kill -TERM "$1"
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

# Removes the last footfall run's directory (its sealed segments are read-only).
remove_footfall_data() {
  chmod -R u+w "$WORK/footfall" 2>/dev/null || true
  rm -rf "$WORK/footfall"
}

# start_footfall [DURABILITY]: a fresh collector with raw.durability fsync (the default) or
# DURABILITY.
start_footfall() {
  local dir="$WORK/footfall"
  remove_footfall_data
  mkdir -p "$dir"
  printf 'collector:\n  host: 127.0.0.1\nraw:\n  durability: %s\n' "${1:-fsync}" >"$dir/footfall.yaml"
  "$FOOTFALL" collect --port 0 --data "$dir/data" --config "$dir/footfall.yaml" \
    >"$dir/stdout" 2>"$dir/stderr" &
  FOOTFALL_PID=$!
  PIDS+=("$FOOTFALL_PID")
  for _ in $(seq 1 100); do
    local line
    line=$(grep -m1 '^listening on .* collector$' "$dir/stdout" 2>/dev/null || true)
    if [ -n "$line" ]; then
      FOOTFALL_URL=$(echo "$line" | awk '{print $3}')
      return 0
    fi
    kill -0 "$FOOTFALL_PID" 2>/dev/null || { cat "$dir/stderr" >&2; exit 1; }
    sleep 0.1
  done
  echo "collector_vs_nginx: footfall collect did not start" >&2
  exit 1
}

# Ticks the whole machine spent busy (user, nice, system, irq, softirq) so far.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# Milliseconds the data directory's disk has had requests in flight so far (0 when it has no
# statistics).
DISK_STAT=/sys/class/block/$(basename "$(df --output=source "$WORK" | tail -1)")/stat
disk_busy_ms() { if [ -r "$DISK_STAT" ]; then awk '{print $10}' "$DISK_STAT"; else echo 0; fi; }

# The cores and the disk are shared with whatever else runs on the machine: before each run,
# wait (at most QUIET_WAIT seconds) for a 2-second window in which less than a quarter of a core
# was busy and the disk less than a tenth of the time (writeback, or the discards of a deleted
# run on a file system mounted with `discard`, hold up the syncs of the next run).
wait_quiet() {
  local a b disk_a disk_b
  for _ in $(seq 1 $(((QUIET_WAIT + 1) / 2))); do
    a=$(busy_ticks)
    disk_a=$(disk_busy_ms)
    sleep 2
    b=$(busy_ticks)
    disk_b=$(disk_busy_ms)
    [ $((b - a)) -ge $(($(getconf CLK_TCK) / 2)) ] || [ $((disk_b - disk_a)) -ge 200 ] || return 0
  done
  echo "collector_vs_nginx: warning: the machine did not get quiet in ${QUIET_WAIT} s" >&2
}

# children_cpu FILE: the CPU seconds of this shell's waited-for children, from a `times` output
# (run in this shell, not in a subshell, so that wrk is among them).
children_cpu() {
  tail -1 "$1" | awk '{
    t = 0
    for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + substr(p[2], 1, length(p[2]) - 1) }
    printf "%.2f", t }'
}

# to_ms VALUE: a wrk latency (us, ms or s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# run_wrk OUT URL CONNECTIONS [LUA]: one wrk run; sets RPS, P50, P99, REQUESTS, ERRORS, and
# WRK_CPU and BUSY (CPU seconds of wrk and of the whole machine during the run).
run_wrk() {
  local out=$1 url=$2 conns=$3 lua=${4:-}
  local args=(-t"$THREADS" -c"$conns" -d"$DURATION" --latency "${HEADERS[@]}")
  [ -z "$lua" ] || args+=(-s "$lua")
  local cpu0 busy0 cpu1 busy1
  times >"$WORK/times0"
  busy0=$(busy_ticks)
  wrk "${args[@]}" "$url" >"$out"
  busy1=$(busy_ticks)
  times >"$WORK/times1"
  WRK_CPU=$(echo "$(children_cpu "$WORK/times1") - $(children_cpu "$WORK/times0")" | bc -l)
  BUSY=$(echo "($busy1 - $busy0) / $(getconf CLK_TCK)" | bc -l)
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  P50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  P99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  REQUESTS=$(awk '/requests in/ {print $1}' "$out")
  ERRORS=$(awk '/^  Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i} END {print n + 0}' "$out")
}

# row LABEL SERVER RPS EVENTS_PER_REQUEST P50 P99 CPU REQUESTS WRK_CPU OTHER_CPU ERRORS RSS STORED
row() {
  awk -v l="$1" -v s="$2" -v r="$3" -v e="$4" -v p50="$5" -v p99="$6" -v cpu="$7" -v n="$8" \
    -v w="$9" -v o="${10}" -v err="${11}" -v rss="${12}" -v st="${13}" 'BEGIN {
    printf "| %s | %s | %.0f | %.0f | %.2f | %.2f | %.1f | %.1f | %.1f | %d | %s | %s |", l, s, r, r * e, p50, p99, cpu / n * 1e6, w, o, err, rss, st }'
}

ratio() { echo "scale=3; $1 / $2" | bc -l | awk '{printf "%.2f", $1}'; }
# median "NUMBER ...", largest "NUMBER ..."
median() {
  tr -s ' ' '\n' <<<"$1" | grep . | sort -g |
    awk '{v[NR] = $1} END {printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
largest() { tr -s ' ' '\n' <<<"$1" | grep . | sort -g | tail -n 1; }

echo "collector_vs_nginx: $(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
  "data dir on $(df -T "$WORK" | awk 'NR == 2 {print $1 " (" $2 ")"}')," \
  "$("$NGINX" -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | sed -n 1p | awk '{print $1 " " $2}')"
echo "wrk -t$THREADS -d$DURATION --latency; GET query ${#QUERY} bytes, POST body $(stat -c %s "$WORK/post-body.json") bytes (10 events)"
# What one synced write costs on this disk, made the way the raw log makes its own (over zeros
# the file already has, so that no sync waits for a change of its size): 1000 writes of 1 KiB
# with O_DSYNC over a file of zeros written and synced first. With `fsync` durability no request
# is answered before a sync that began after it arrived has ended, so a connection sends at most
# one request per sync time, and C connections at most C / that time, whatever the server does.
dd if=/dev/zero of="$WORK/dsync.probe" bs=1k count=1000 conv=fsync status=none
t0=$(date +%s.%N)
dd if=/dev/zero of="$WORK/dsync.probe" bs=1k count=1000 oflag=dsync conv=notrunc status=none
t1=$(date +%s.%N)
rm -f "$WORK/dsync.probe"
SYNC_MS=$(echo "($t1 - $t0)" | bc -l | awk '{printf "%.3f", $1}')
echo "disk: one O_DSYNC 1 KiB write takes $SYNC_MS ms on average;" \
  "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for conns in $CONNECTIONS; do
  echo "fsync ceiling at $conns connections: $conns / $SYNC_MS ms =" \
    "$(echo "$conns / $SYNC_MS * 1000" | bc -l | awk '{printf "%.0f", $1}') requests/s"
done

# A run during which other processes took more than a tenth of a core is measured again (at
# most ATTEMPTS times in all); the last attempt is kept either way, and its row says so.
ATTEMPTS=3
accept_run() {
  local server_cpu=$1 other seconds=${DURATION%s}
  other=$(echo "$BUSY - $server_cpu - $WRK_CPU" | bc -l | awk '{printf "%.1f", $1}')
  OTHER=$other
  [ "$(echo "$other < 0.1 * $seconds" | bc -l)" = 1 ]
}

# context_switches PID...: the context switches (voluntary and not) of every thread of the given
# processes so far, summed: a server whose threads sleep between bursts of work switches more.
context_switches() {
  local pid
  for pid in "$@"; do cat /proc/"$pid"/task/*/status 2>/dev/null; done |
    awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n + 0}'
}

# per_request COUNT REQUESTS: COUNT / REQUESTS with two decimals.
per_request() { echo "$1 $2" | awk '{printf "%.2f", ($2 > 0 ? $1 / $2 : 0)}'; }

# measure_nginx PATH CONNECTIONS LUA: sets N_* from the accepted run.
measure_nginx() {
  local attempt cpu0 cpu1 pids switches0
  N_NOTE=""
  for attempt in $(seq 1 $ATTEMPTS); do
    start_nginx
    sync
    wait_quiet
    mapfile -t pids < <(echo "$NGINX_PID"; ps -o pid= --ppid "$NGINX_PID" | tr -d ' ')
    cpu0=$(cpu_seconds "${pids[@]}")
    switches0=$(context_switches "${pids[@]}")
    run_wrk "$WORK/wrk-nginx.txt" "$NGINX_URL$1" "$2" "$3"
    N_SWITCHES=$(per_request $(($(context_switches "${pids[@]}") - switches0)) "$REQUESTS")
    cpu1=$(cpu_seconds "${pids[@]}")
    N_CPU=$(echo "$cpu1 - $cpu0" | bc -l)
    N_LINES=$(wc -l <"$WORK/nginx/access.log")
    stop_pid "$NGINX_PID"
    if accept_run "$N_CPU"; then N_NOTE=""; break; fi
    echo "collector_vs_nginx: nginx run $attempt: other processes used $OTHER CPU s" >&2
    N_NOTE=" (other load)"
  done
  N_RPS=$RPS N_P50=$P50 N_P99=$P99 N_ERR=$ERRORS N_REQ=$REQUESTS N_WRK=$WRK_CPU N_OTHER=$OTHER
}

# thread_times PID: "TID NAME NS_ON_A_CPU NS_WAITING_FOR_ONE" for each thread of PID, from
# /proc/PID/task/*/schedstat (empty where the kernel keeps no such statistics).
thread_times() {
  local t
  for t in /proc/"$1"/task/*; do
    [ -r "$t/schedstat" ] || continue
    echo "${t##*/} $(cat "$t/comm") $(cut -d' ' -f1,2 "$t/schedstat")"
  done 2>/dev/null
}

# thread_shares BEFORE AFTER SECONDS: each thread's share of SECONDS spent on a CPU and spent
# runnable but waiting for one, as "NAME ON/WAITING %" (threads started meanwhile count from 0).
thread_shares() {
  awk -v s="$3" 'NR == FNR {on[$1] = $3; wait[$1] = $4; next}
    {printf "%s%s %.0f/%.0f %%", sep, $2, ($3 - on[$1]) / s / 1e7, ($4 - wait[$1]) / s / 1e7; sep = ", "}' \
    "$1" "$2"
}

# log_summary METRICS SECONDS CONNECTIONS RPS: from the collector's /metrics at the end of a run,
# how often the raw log synced, how long a sync took and how long a record waited from its
# append to its acknowledgement, beside a connection's round trip (CONNECTIONS / RPS: each
# connection has one request in flight).
log_summary() {
  awk -v s="$2" -v c="$3" -v r="$4" '
    /^footfall_rawlog_syncs_total / {syncs = $2}
    /^footfall_rawlog_records_total / {records = $2}
    /^footfall_rawlog_sync_latency_seconds_sum / {sync_sum = $2}
    /^footfall_rawlog_sync_latency_seconds_count / {sync_n = $2}
    /^footfall_rawlog_append_latency_seconds_sum / {wait_sum = $2}
    /^footfall_rawlog_append_latency_seconds_count / {wait_n = $2}
    END {
      if (records == 0 || r == 0) exit
      if (syncs > 0 && sync_n > 0) {
        printf "%.0f syncs/s of %.1f records, a sync %.3f ms; ", syncs / s, records / syncs, sync_sum / sync_n * 1e3
      }
      printf "append to acknowledgement %.3f ms of a %.3f ms round trip", wait_sum / wait_n * 1e3, c / r * 1e3
    }' "$1"
}

# measure_footfall PATH CONNECTIONS LUA DURABILITY: sets F_* from the accepted run: F_THREADS
# to its threads' shares of the run on a CPU and waiting for one, F_LOG to its raw log's summary.
measure_footfall() {
  local attempt cpu0 cpu1 t0 seconds switches0
  F_NOTE=""
  for attempt in $(seq 1 $ATTEMPTS); do
    start_footfall "$4"
    sync
    wait_quiet
    cpu0=$(cpu_seconds "$FOOTFALL_PID")
    thread_times "$FOOTFALL_PID" >"$WORK/threads0"
    switches0=$(context_switches "$FOOTFALL_PID")
    t0=$(date +%s.%N)
    run_wrk "$WORK/wrk-footfall.txt" "$FOOTFALL_URL$1" "$2" "$3"
    seconds=$(echo "$(date +%s.%N) - $t0" | bc -l)
    F_SWITCHES=$(per_request $(($(context_switches "$FOOTFALL_PID") - switches0)) "$REQUESTS")
    thread_times "$FOOTFALL_PID" >"$WORK/threads1"
    cpu1=$(cpu_seconds "$FOOTFALL_PID")
    F_THREADS=$(thread_shares "$WORK/threads0" "$WORK/threads1" "$seconds")
    F_CPU=$(echo "$cpu1 - $cpu0" | bc -l)
    F_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$FOOTFALL_PID/status")
    curl -fs "$FOOTFALL_URL/metrics" >"$WORK/metrics" || : >"$WORK/metrics"
    F_STORED=$(awk '/^footfall_collector_stored_total/ {print $2}' "$WORK/metrics")
    F_LOG=$(log_summary "$WORK/metrics" "$seconds" "$2" "$RPS")
    stop_pid "$FOOTFALL_PID"
    F_RAW_MIB=$(($(du -sb "$WORK/footfall/data/raw" | awk '{print $1}') / 1048576))
    # Removed now rather than as the next footfall run starts: a file system mounted with
    # `discard` (as on the benchmark machine) discards the freed blocks in the background, and
    # that holds up the syncs of a run that starts meanwhile (POST at 256 connections had a p99
    # of 16-21 ms instead of about 6 right after 5 GB were deleted). So it overlaps the next
    # nginx run, which never syncs, and wait_quiet waits for what is left of it.
    remove_footfall_data
    if accept_run "$F_CPU"; then F_NOTE=""; break; fi
    echo "collector_vs_nginx: footfall ($4) run $attempt: other processes used $OTHER CPU s" >&2
    F_NOTE=" (other load)"
  done
  F_RPS=$RPS F_P50=$P50 F_P99=$P99 F_ERR=$ERRORS F_REQ=$REQUESTS F_WRK=$WRK_CPU F_OTHER=$OTHER
}

ROWS=()
SUMMARY=()
for scenario in $SCENARIOS; do
  for conns in $CONNECTIONS; do
    if [ "$scenario" = get ]; then path="/i?$QUERY" lua="" events=1; else
      path="/com.snowplowanalytics.snowplow/tp2" lua="$WORK/post.lua" events=10; fi
    load="${scenario^^} -c$conns"
    declare -A RATIOS=() P99S=() RSS_MIB=()
    for round in $(seq 1 "$ROUNDS"); do
      label=$load
      [ "$ROUNDS" = 1 ] || label+=" #$round"
      measure_nginx "$path" "$conns" "$lua"
      ROWS+=("$(row "$label" "nginx$N_NOTE" "$N_RPS" "$events" "$N_P50" "$N_P99" "$N_CPU" "$N_REQ" "$N_WRK" "$N_OTHER" "$N_ERR" "–" "$N_LINES access-log lines")")
      for durability in $DURABILITIES; do
        measure_footfall "$path" "$conns" "$lua" "$durability"
        r=$(ratio "$F_RPS" "$N_RPS")
        rss=$((F_RSS_KB / 1024))
        ROWS+=("$(row "$label" "footfall $durability$F_NOTE" "$F_RPS" "$events" "$F_P50" "$F_P99" "$F_CPU" "$F_REQ" "$F_WRK" "$F_OTHER" "$F_ERR" "$rss MiB" "${F_STORED:-?} records ($F_RAW_MIB MiB)")")
        ROWS+=("| $label | **footfall $durability/nginx** | **$r×** | | $(ratio "$F_P50" "$N_P50")× | $(ratio "$F_P99" "$N_P99")× | $(ratio "$(echo "$F_CPU / $F_REQ" | bc -l)" "$(echo "$N_CPU / $N_REQ" | bc -l)")× | | | | | |")
        RATIOS[$durability]+=" $r"
        P99S[$durability]+=" $F_P99"
        RSS_MIB[$durability]+=" $rss"
        echo "collector_vs_nginx: $label: nginx $N_RPS req/s (p50 $N_P50 ms, p99 $N_P99 ms)," \
          "footfall ($durability) $F_RPS req/s (p50 $F_P50 ms, p99 $F_P99 ms, peak RSS $rss MiB)," \
          "ratio $r; context switches per request: nginx $N_SWITCHES, footfall $F_SWITCHES;" \
          "footfall's threads on a CPU / waiting for one: ${F_THREADS:-not measured};" \
          "its raw log: ${F_LOG:-no metrics}"
      done
    done
    for durability in $DURABILITIES; do
      line="collector_vs_nginx: $load, footfall ($durability) / nginx: median ratio"
      line+=" $(median "${RATIOS[$durability]}") over $ROUNDS round(s) (${RATIOS[$durability]# }),"
      line+=" footfall's p99 at most $(largest "${P99S[$durability]}") ms,"
      line+=" peak RSS at most $(largest "${RSS_MIB[$durability]}") MiB"
      SUMMARY+=("$line")
    done
  done
done

echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "| run | server | requests/s | events/s | p50 ms | p99 ms | server CPU µs/request | wrk CPU s | other CPU s | errors | peak RSS | stored |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"

if [ "$PERF" = 1 ]; then
  # One more footfall run, GET at the first connection count, under `perf record -g`.
  conns=${CONNECTIONS%% *}
  start_footfall
  sync
  wait_quiet
  perf record -g -F 999 -o "$WORK/perf.data" -p "$FOOTFALL_PID" 2>"$WORK/perf.log" &
  perf_pid=$!
  PIDS+=("$perf_pid")
  run_wrk "$WORK/wrk-perf.txt" "$FOOTFALL_URL/i?$QUERY" "$conns"
  kill -INT "$perf_pid"
  wait "$perf_pid" 2>/dev/null || true
  forget_pid "$perf_pid"
  stop_pid "$FOOTFALL_PID"
  echo
  echo "perf: footfall under GET -c$conns ($RPS req/s with perf attached): by library, top symbols"
  echo "(self time), and time spent in system calls (children included):"
  perf report -i "$WORK/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null |
    grep '%' | sed -n 1,5p || true
  perf report -i "$WORK/perf.data" --no-children --sort sym -g none --stdio 2>/dev/null |
    grep '%' | sed -n 1,25p || true
  perf report -i "$WORK/perf.data" --children --sort sym -g none --stdio 2>/dev/null |
    grep -E '\[k\] (__x64_sys_|__sys_sendmsg|tcp_sendmsg *$|tcp_recvmsg *$)' | sed -n 1,12p || true

  # And how long each group commit's fdatasync takes, under GET at the last connection count.
  conns=${CONNECTIONS##* }
  start_footfall
  sync
  wait_quiet
  perf trace -e fdatasync -p "$FOOTFALL_PID" -o "$WORK/trace.txt" 2>"$WORK/trace.log" &
  trace_pid=$!
  PIDS+=("$trace_pid")
  run_wrk "$WORK/wrk-trace.txt" "$FOOTFALL_URL/i?$QUERY" "$conns"
  kill -INT "$trace_pid"
  wait "$trace_pid" 2>/dev/null || true
  forget_pid "$trace_pid"
  stop_pid "$FOOTFALL_PID"
  echo
  echo "perf trace: fdatasync under GET -c$conns ($RPS req/s, p99 $P99 ms with perf trace attached):"
  grep ' fdatasync(' "$WORK/trace.txt" | sed -n 's/.*( *\([0-9.]*\) ms).*/\1/p' | sort -n |
    awk '{ a[NR] = $1; if ($1 > 5) slow++ } END {
      if (NR == 0) { print "  no fdatasync calls traced"; exit }
      printf "  %d calls: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; %d over 5 ms\n",
        NR, a[int(NR * .5) + 1], a[int(NR * .9) + 1], a[int(NR * .99) + 1], a[int(NR * .999) + 1], a[NR], slow }'
fi
