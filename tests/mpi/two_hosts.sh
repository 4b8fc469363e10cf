#!/usr/bin/env bash
# Ranks on two hosts: two network namespaces of this machine, joined by a veth pair on a private
# /24, stand for two machines. mpirun starts in the first; OpenMPI launches its daemon on the
# second through a launcher that enters that namespace (as ssh would log in to a host); ranks
# talk over TCP on the veth addresses only; the data directory is shared, as on NFS. The views
# must be those of one process, and the veth's byte counters must show that the shuffle crossed
# between the hosts. Skipped where namespaces cannot be made; they are always removed.
source "$(dirname "$0")/lib.sh"

command -v ip >/dev/null || skip "the ip command (iproute2) is not installed"
[ "$(id -u)" = 0 ] || skip "making network namespaces needs root"
SUFFIX=$$
NS1=ffh1-$SUFFIX
NS2=ffh2-$SUFFIX
NET=10.213.$((SUFFIX % 200 + 20))
ip netns add "$NS1" 2>"$WORK/netns.err" || skip "cannot make a network namespace: $(cat "$WORK/netns.err")"

cleanup() {
  ip netns pids "$NS1" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns pids "$NS2" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS1" 2>/dev/null || true
  ip netns del "$NS2" 2>/dev/null || true
  cleanup_work
}
trap cleanup EXIT

ip netns add "$NS2"
ip link add "ffa$SUFFIX" netns "$NS1" type veth peer name "ffb$SUFFIX" netns "$NS2"
ip -n "$NS1" addr add "$NET.1/24" dev "ffa$SUFFIX"
ip -n "$NS2" addr add "$NET.2/24" dev "ffb$SUFFIX"
for ns in "$NS1" "$NS2"; do ip -n "$ns" link set lo up; done
ip -n "$NS1" link set "ffa$SUFFIX" up
ip -n "$NS2" link set "ffb$SUFFIX" up
echo "ok: hosts $NET.1 ($NS1) and $NET.2 ($NS2) joined by a veth pair"

# The launcher OpenMPI calls instead of ssh: `launcher HOST COMMAND...`.
cat >"$WORK/launcher.sh" <<LAUNCHER
#!/bin/sh
host=\$1
shift
case "\$host" in
  $NET.1) ns=$NS1 ;;
  $NET.2) ns=$NS2 ;;
  *) echo "unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$ns" sh -c "\$*"
LAUNCHER
chmod +x "$WORK/launcher.sh"
printf '%s slots=2\n%s slots=2\n' "$NET.1" "$NET.2" >"$WORK/hostfile"

make_lake "$WORK/lake"
cp -r "$WORK/lake" "$WORK/one"
"$FOOTFALL" batch --data "$WORK/one" --config "$WORK/config.yaml" >/dev/null 2>&1 ||
  fail "footfall batch"
cp -r "$WORK/lake" "$WORK/shared"

counter() { ip netns exec "$NS2" cat "/sys/class/net/ffb$SUFFIX/statistics/$1"; }
rx0=$(counter rx_bytes)
tx0=$(counter tx_bytes)
rc=0
timeout 120 ip netns exec "$NS1" mpirun -np 4 --hostfile "$WORK/hostfile" \
  --mca plm_rsh_agent "$WORK/launcher.sh" \
  --mca oob_tcp_if_include "$NET.0/24" --mca btl_tcp_if_include "$NET.0/24" \
  --mca btl tcp,self --report-bindings --display-map \
  "$FOOTFALL" batch --data "$WORK/shared" --config "$WORK/config.yaml" \
  >"$WORK/two.out" 2>"$WORK/two.err" || rc=$?
[ "$rc" -eq 0 ] || { tail -30 "$WORK/two.err"; tail -30 "$WORK/two.out"; fail "mpirun over two hosts: exit $rc"; }
rx=$(($(counter rx_bytes) - rx0))
tx=$(($(counter tx_bytes) - tx0))
echo "ok: 4 ranks on 2 hosts; the veth of $NET.2 received $rx bytes and sent $tx bytes"
grep -E "rank [0-9]: engine" "$WORK/two.err" | sed 's/^.*INFO batch: /   /'
# Ranks 0 and 1 run on the first host, 2 and 3 on the second (by slot): shuffle blocks between
# them can only go through the veth pair.
[ "$rx" -gt 1000000 ] && [ "$tx" -gt 1000000 ] || fail "under 1 MB crossed the veth pair"
# mpirun names its own host by its hostname, the other by the address in the hostfile.
[ "$(grep -c "Data for node: .*Num procs: 2" "$WORK/two.out")" -ge 2 ] &&
  grep -q "Data for node: $NET.2.*Num procs: 2" "$WORK/two.out" ||
  { cat "$WORK/two.out"; fail "the ranks were not placed two on each host"; }
grep -q "^published version 1" "$WORK/two.out" || fail "no version published"
same_views "$WORK/one" "$WORK/shared" "4 ranks on 2 hosts"
echo "PASS"
