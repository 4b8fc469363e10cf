#!/usr/bin/env bash
# A slow client (half a request, then nothing) is answered 408 and dropped after
# collector.read_timeout_seconds, while other clients are served meanwhile.
source "$(dirname "$0")/lib.sh"

printf 'collector:\n  read_timeout_seconds: 2\n' >"$WORK/footfall.yaml"
start_server collector collect --port 0 --data "$WORK/data" --config "$WORK/footfall.yaml"
port=${COLLECTOR_URL##*:}

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /i?e=pv HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow' >&3
started=$(date +%s)
expect_eq "others are served meanwhile" 200 \
  "$(curl -s -o /dev/null -w '%{http_code}' "$COLLECTOR_URL/health")"
answer=$(timeout 10 cat <&3 || true)
elapsed=$(( $(date +%s) - started ))
exec 3<&-
status=$(echo "$answer" | head -1 | tr -d '\r')
expect_eq "answer to the slow client" "HTTP/1.1 408 Request Timeout" "$status"
[ "$elapsed" -le 6 ] || { echo "FAIL: dropped after ${elapsed}s, expected about 2"; exit 1; }
echo "ok: dropped after ${elapsed}s"
stop_server "$COLLECTOR_PID"
expect_eq "nothing stored for it" 0 "$("$FOOTFALL" raw --data "$WORK/data" | wc -l)"
echo "PASS"
