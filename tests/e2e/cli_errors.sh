#!/usr/bin/env bash
# Every subcommand has --help; bad usage and missing data give a one-line error and a non-zero
# exit.
source "$(dirname "$0")/lib.sh"

for cmd in run collect enrich batch serve sql gen status config; do
  "$FOOTFALL" "$cmd" --help >/dev/null || { echo "FAIL: footfall $cmd --help"; exit 1; }
done
echo "ok: --help on every subcommand"

expect_fail "no subcommand" 2
expect_fail "unknown subcommand" 2 frobnicate
expect_fail "unknown flag" 2 batch --frob
expect_fail "bad port" 2 collect --port 70000
expect_fail "gen without a destination" 2 gen --events 10
expect_fail "gen with both destinations" 2 gen --events 10 --target http://127.0.0.1:1 --raw "$WORK/x"
expect_fail "gen to a closed port" 1 gen --events 10 --target http://127.0.0.1:1
expect_fail "sql before any batch" 1 sql --data "$WORK/empty" "SELECT 1"
expect_fail "sql bad format" 2 sql --format xml "SELECT 1"
expect_fail "missing config file" 1 batch --config "$WORK/nope.yaml" --data "$WORK/d"
printf 'collector:\n  prot: 1\n' >"$WORK/bad.yaml"
expect_fail "unknown config key" 1 batch --config "$WORK/bad.yaml" --data "$WORK/d"
expect_fail "enrich with a negative thread count" 2 enrich --data "$WORK/d" --threads -1
printf 'enrich:\n  ipv4_octets: 9\n' >"$WORK/octets.yaml"
expect_fail "enrich config out of range" 1 enrich --data "$WORK/d" --config "$WORK/octets.yaml"

# Writes go nowhere through sql.
"$FOOTFALL" gen --events 50 --seed 3 --raw "$WORK/data" >/dev/null 2>&1
"$FOOTFALL" batch --data "$WORK/data" >/dev/null
expect_fail "sql refuses writes" 1 sql --data "$WORK/data" "DELETE FROM events"
expect_eq "events still there" 50 "$(sql "SELECT count(*) FROM events")"
echo "PASS"
