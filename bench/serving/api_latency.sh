#!/usr/bin/env bash
# JSON API latency and throughput: `footfall gen --raw` + `footfall batch --demo-views` make a
# version of EVENTS generated events (with the demo's funnels and flows), `footfall serve`
# answers it, and wrk asks the dashboard's endpoints in turn: first each once (cold: computed
# from SQLite), then at about RATE requests/s (paced: latency at the dashboard's load), then as
# fast as it can (throughput).
# Answers are cached per version, so the paced and saturated runs measure mostly cache hits, as
# a dashboard's repeated requests are.
set -euo pipefail
FOOTFALL=${FOOTFALL:?set FOOTFALL to the footfall binary}
EVENTS=${EVENTS:-10000000}
DURATION=${DURATION:-20s}
RATE=${RATE:-200}
CONNECTIONS=${CONNECTIONS:-4}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" || true; fi
  chmod -R u+w "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
t0=$(now)
"$FOOTFALL" gen --events "$EVENTS" --seed 1 --start 2026-11-01 --days 7 --raw "$WORK/data" \
  >/dev/null 2>&1
t1=$(now)
"$FOOTFALL" batch --data "$WORK/data" --demo-views >/dev/null 2>&1
t2=$(now)
printf 'api_latency: %d events; gen %.1f s, batch %.1f s\n' "$EVENTS" \
  "$(echo "$t1 - $t0" | bc -l)" "$(echo "$t2 - $t1" | bc -l)"

"$FOOTFALL" serve --data "$WORK/data" --demo-views --port 0 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q ' ui$' "$WORK/serve.out" 2>/dev/null && break
  sleep 0.1
done
URL=$(grep -m1 ' ui$' "$WORK/serve.out" | awk '{print $3}')
# Let the warmer finish with the defaults before measuring (bounded: 10 minutes).
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{time_total}' "$URL/api/v1/overview" | cut -d. -f1)" = 0 ] && break
  sleep 1
done

PATHS=(
  "/api/v1/overview"
  "/api/v1/timeseries?metric=page_views&granularity=hour"
  "/api/v1/timeseries?metric=users&granularity=day"
  "/api/v1/top?dimension=page&metric=page_views"
  "/api/v1/top?dimension=referrer&metric=sessions"
  "/api/v1/top?dimension=country&metric=sessions"
  "/api/v1/acquisition?by=medium"
  "/api/v1/funnels"
  "/api/v1/journeys?depth=3"
  "/api/v1/flows"
  "/api/v1/flows/studio"
  "/api/v1/meta"
  "/api/v1/live"
  "/api/v1/overview?device=Mobile"
)
# The server warms the default answers of a new version in the background; a range of its own
# makes each of these computed from SQLite (funnels, journeys, flows and meta cover the whole
# history whatever the range, so theirs may come from the warmed cache).
echo "cold (first request of each endpoint with a range nothing asked for before):"
for p in "${PATHS[@]}"; do
  target="$p"
  case "$p" in
    /api/v1/live) ;;  # the speed layer's last minutes: no range
    *\?*) target="$p&from=2026-11-02&to=2026-11-08" ;;
    *) target="$p?from=2026-11-02&to=2026-11-08" ;;
  esac
  read -r code seconds < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$URL$target")
  printf '  %-58s %s %7.1f ms\n' "$p" "$code" "$(echo "$seconds * 1000" | bc -l)"
  [ "$code" = 200 ] || { echo "FAIL: $p answered $code" >&2; exit 1; }
done

# Each default answer once, so that the runs below measure a dashboard's steady state.
for p in "${PATHS[@]}"; do curl -s -o /dev/null "$URL$p"; done

LUA="$WORK/paths.lua"
{
  echo "local paths = {"
  for p in "${PATHS[@]}"; do echo "  \"$p\","; done
  echo "}"
  cat <<'LUA'
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
local pause = tonumber(os.getenv("PAUSE_MS") or "0")
delay = function() return pause end
LUA
} >"$LUA"

# Each connection waits PAUSE_MS between answers: CONNECTIONS * 1000 / PAUSE_MS requests/s.
pause=$(( CONNECTIONS * 1000 / RATE ))
echo "paced (~$RATE requests/s, $CONNECTIONS connections, $DURATION):"
PAUSE_MS=$pause wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency -s "$LUA" "$URL" |
  grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors'
echo "saturated ($CONNECTIONS connections, $DURATION):"
PAUSE_MS=0 wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency -s "$LUA" "$URL" |
  grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors'
