#!/usr/bin/env bash
# The /r/tp2 click redirect of `footfall collect`: off by default (404, nothing stored); with
# `collector.redirect_allowed_hosts` set, a click to an allowed host (in any case) is stored and
# answered 302 to its URL, one to another host or without a URL is stored and answered 400.
source "$(dirname "$0")/lib.sh"

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
allowed='https%3A%2F%2FShop.Example%2Fwomen%2Fdresses%3Fcolor%3Dsand'

start_server collector collect --port 0 --data "$WORK/off"
expect_eq "/r/tp2 without allowed hosts" 404 "$(status "$COLLECTOR_URL/r/tp2?u=$allowed")"
stop_server "$COLLECTOR_PID"
expect_eq "records stored while /r/tp2 is off" 0 "$("$FOOTFALL" raw --data "$WORK/off" | wc -l)"

cat >"$WORK/footfall.yaml" <<'YAML'
collector:
  redirect_allowed_hosts: [shop.example, www.shop.example]
YAML
start_server collector collect --port 0 --data "$WORK/on" --config "$WORK/footfall.yaml"
expect_eq "Location of an allowed click" "https://Shop.Example/women/dresses?color=sand" \
  "$(curl -s -o /dev/null -w '%{redirect_url}' "$COLLECTOR_URL/r/tp2?u=$allowed&e=pv")"
expect_eq "status of an allowed click" 302 "$(status "$COLLECTOR_URL/r/tp2?u=$allowed")"
expect_eq "click to another host" 400 \
  "$(status "$COLLECTOR_URL/r/tp2?u=https%3A%2F%2Fshop.example.evil.test%2F")"
expect_eq "click without a URL" 400 "$(status "$COLLECTOR_URL/r/tp2?e=pv")"
stop_server "$COLLECTOR_PID"

"$FOOTFALL" raw --data "$WORK/on" >"$WORK/raw.jsonl"
expect_eq "clicks stored" 4 "$(wc -l <"$WORK/raw.jsonl")"
expect_eq "clicks stored with their path" 4 "$(grep -c '"path":"/r/tp2"' "$WORK/raw.jsonl")"

cat >"$WORK/bad.yaml" <<'YAML'
collector:
  redirect_allowed_hosts: shop.example
YAML
expect_fail "a host that is not in a list" 1 collect --port 0 --data "$WORK/bad" \
  --config "$WORK/bad.yaml"
echo "PASS"
