#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# upcalld restarts without losing the datapath (issue 8, "Restart without
# loss", the part about upcalld): with a ping every 10 ms across the
# switch (and a UDP stream of 1000 packets a second), upcalld is killed
# -9 several times; the supervisor gives each
# new upcalld the descriptors the old one stored (its ports' sockets and
# the state memfd with the megaflow table), so forwarding goes on: at
# most 1 % of the pings lost (the figures, and the UDP stream's, are
# printed), the same ports
# under the same numbers, the same megaflows (ufids) with their counters
# still growing, none installed again, the datapath's and the
# interfaces' statistics never going backwards, and the OpenFlow rule's
# counter grown by exactly what the megaflows counted (none reported
# twice or lost across a kill).  A stop (microvs-ctl stop
# upcalld) empties the store, as systemd's does: the next upcalld starts
# empty and vswitchd sets it up again.  A deleted port leaves the store:
# its socket is closed (the device no longer promiscuous) and a later
# upcalld does not bring it back.
#
# With "nostore" (MICROVS_DP_KEEP=0: nothing stored) the same kills only
# print the loss, for comparison, and check that forwarding comes back.
MODE=${1:-store}
P=rup$$
. "$(dirname "$0")/swlib.sh"
[ "$MODE" = nostore ] && export MICROVS_DP_KEEP=0
KILLS=${KILLS:-5}
sw_start
[ "${KEEP:-0}" = 1 ] && echo "T=$T"
host h1 10.84.0.1 && host h2 10.84.0.2 || { fail "hosts"; finish; }
check "br0 with h1 and h2" eval 'netdev_br br0 && vsctl add-port br0 h1 && vsctl add-port br0 h2'
ns h1 ip neigh replace 10.84.0.2 lladdr "$(mac h2)" dev eth0
ns h2 ip neigh replace 10.84.0.1 lladdr "$(mac h1)" dev eth0
check "warm-up ping" pings h1 10.84.0.2 3
ports() { oappctl dpctl/show | grep "port [0-9]*:" | sort; }
hits() { oappctl dpctl/show | sed -n 's/.*lookups: hit:\([0-9]*\).*/\1/p'; }
rx() { vsctl get interface h1 statistics:rx_packets; }
# The OpenFlow rule (NORMAL) and the megaflows under it count the same
# packets, once each: compared across the kills.
rule() {
	oappctl -t vswitchd bridge/dump-flows br0 |
		sed -n 's/.*n_packets=\([0-9]*\),.*actions=NORMAL.*/\1/p'
}
dpsum() { dump_flows | sed -n 's/.*packets:\([0-9]*\),.*/\1/p' | paste -sd+ | bc; }
oappctl revalidator/wait >/dev/null
u0=$(sw_ufids) p0=$(sw_pkts 2) ports0=$(ports) h0=$(hits)
rule0=$(rule) dpsum0=$(dpsum)
sleep 5.5 # one statistics refresh (5 s) writes rx_packets
r0=$(rx)

count=$((KILLS * 200 + 100))
ns h2 iperf3 -s -1 -B 10.84.0.2 >/dev/null 2>&1 &
wait_listen "$P-h2" 5201
# 1000 datagrams of 125 bytes a second, for about as long as the pings.
ns h1 timeout 60 iperf3 -c 10.84.0.2 -u -b 1M -l 125 -t $((count / 100 - 1)) \
	-J >"$T/udp.json" 2>&1 &
udp=$!
ns h1 ping -i 0.01 -c $count -W 1 -q 10.84.0.2 >"$T/ping.out" 2>&1 &
pinger=$!
sleep 0.5
for _ in $(seq "$KILLS"); do
	sw_kill upcalld
done
wait $pinger
wait $udp
cat "$T/ping.out"
ping_loss "$T/ping.out"
echo "upcalld kill -9 x$KILLS ($MODE): $lost of $sent pings at 10 ms lost"
read -r usent ulost < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
print(s["packets"], s["lost_packets"])' "$T/udp.json" 2>/dev/null)
echo "upcalld kill -9 x$KILLS ($MODE): ${ulost:-?} of ${usent:-?} UDP datagrams at 1000/s lost"
if [ "$MODE" = nostore ]; then
	check "forwarding comes back" pings h1 10.84.0.2 3
	[ "${KEEP:-0}" = 1 ] && { dump_flows; oappctl dpctl/show; oappctl -t vswitchd fdb/show br0; }
	finish
fi
check "at most 1 % of the pings lost ($lost of $sent)" [ $((lost * 100)) -le "$sent" ]
# The UDP figure is printed, not checked: one run of the whole suite on
# a loaded machine lost 249 of 10000 (the others none); not explained yet.
check "the UDP stream ran (${usent:-?} datagrams)" \
	eval '[ -n "$usent" ] && [ "$usent" -gt 0 ]'
check "the log says what was taken over" eval \
	'grep -q "restored from the previous upcalld: 3 ports" "$T/log/microvs-upcalld.log"'
check "the same ports under the same numbers" eval '[ "$(ports)" = "$ports0" ]'
check "the ping's megaflows are the ones from before the kills" \
	eval '[ "$(sw_ufids)" = "$u0" ]'
p1=$(sw_pkts 2)
check "their counters kept growing ($p0 -> $p1)" [ "$p1" -ge $((p0 + got)) ]
check "the last upcalld installed none of them again" \
	eval '[ "$(sw_installs)" = 0 ]'
h1=$(hits)
check "the datapath's hits did not go backwards ($h0 -> $h1)" \
	[ "$h1" -ge $((h0 + got)) ]
oappctl revalidator/wait >/dev/null
rule1=$(rule) dpsum1=$(dpsum)
check "the OpenFlow rule counted the megaflows' packets once, none lost \
(+$((rule1 - rule0)) for +$((dpsum1 - dpsum0)))" \
	[ $((rule1 - rule0)) -eq $((dpsum1 - dpsum0)) ]
sleep 5.5
r1=$(rx)
check "Interface statistics did not go backwards (rx_packets $r0 -> $r1)" \
	[ "$r1" -ge $((r0 + got)) ]

# A stop empties the store, as systemd's does: nothing of the datapath
# outlives upcalld then (its internal devices go, h1 is no longer
# promiscuous), and the next upcalld starts empty; vswitchd sets it up
# again and the flows are installed anew.
restored=$(grep -c "restored from the previous upcalld" "$T/log/microvs-upcalld.log")
sw $CTL $CTLARGS stop upcalld >/dev/null
check "stopped: its internal device br0 is gone" \
	wait_gone sw ip link show br0
check "stopped: h1 is no longer promiscuous" \
	wait_for eval 'sw ip -d link show h1 | grep -q "promiscuity 0"'
sw $CTL $CTLARGS start upcalld >/dev/null
check "the next upcalld is set up again: the ping passes" \
	wait_for pings h1 10.84.0.2 3
check "it started empty (nothing restored)" eval \
	'[ "$(grep -c "restored from the previous upcalld" "$T/log/microvs-upcalld.log")" = "$restored" ]'
check "and installed the flows anew" eval '[ "$(sw_installs)" -ge 1 ]'

check "del-port h2" vsctl del-port br0 h2
check "h2's socket is closed, the store's copy too" \
	wait_for eval 'sw ip -d link show h2 | grep -q "promiscuity 0"'
sw_kill upcalld
check "the next upcalld restores br0 and h1, not h2" eval \
	'grep "restored from the previous upcalld" "$T/log/microvs-upcalld.log" |
		tail -1 | grep -q ": 2 ports"'
check "h2 stays out of the datapath" eval '! ports | grep -q " h2"'
finish
