#!/usr/bin/env bash
# What `make demo` runs (`footfall run --demo`): within 60 s of starting on an empty data
# directory, the API answers a non-empty overview (by country too), funnels, journeys and flows
# from generated history, the live demo traffic reaches the speed layer, and SIGTERM stops it
# cleanly.
source "$(dirname "$0")/lib.sh"

started=$(date +%s)
start_server ui run --demo --collector-port 0 --ui-port 0 --data "$WORK/data"

# check WHAT URL EXPR: polls (until 60 s after the start) until the JSON answer's EXPR is true.
check() {
  local what=$1 url=$2 expr=$3
  while :; do
    if curl -sf "$url" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end",
        () => { const o = JSON.parse(s); process.exit(eval(process.argv[1]) ? 0 : 1); })' "$expr" \
        2>/dev/null; then
      echo "ok: $what after $(($(date +%s) - started)) s"
      return
    fi
    (($(date +%s) - started < 60)) || fail "$what: not within 60 s of the start ($url)"
    sleep 0.5
  done
}

check "overview with page views, sessions and users" "$UI_URL/api/v1/overview" \
  'o.page_views > 0 && o.sessions > 0 && o.users > 0'
check "visitors placed in countries by the demo's geo database" \
  "$UI_URL/api/v1/overview?country=FR" 'o.page_views > 0'
check "funnels with sessions at each first step" "$UI_URL/api/v1/funnels" \
  'o.funnels.length >= 2 && o.funnels.every((f) => f.steps[0].sessions > 0)'
check "journeys with links" "$UI_URL/api/v1/journeys?limit=50" 'o.links.length > 0'
check "flows with cases" "$UI_URL/api/v1/flows" \
  'o.flows.length >= 2 && o.flows.every((f) => f.cases > 0)'
check "live demo traffic in the speed layer" "$UI_URL/api/v1/live" 'o.available && o.total.events > 0'
code=$(curl -s -o /dev/null -w '%{http_code}' "$UI_URL/")
expect_eq "dashboard page status" 200 "$code"
stop_server "$UI_PID"
echo "PASS"
