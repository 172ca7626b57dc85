#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# upcalld restarts without losing the datapath (issue 8, "Restart without
# loss", the part about upcalld): with a ping every 10 ms across the
# switch, upcalld is killed -9 several times; the supervisor gives each
# new upcalld the descriptors the old one stored (its ports' sockets and
# the state memfd with the megaflow table), so forwarding goes on: at
# most 1 % of the pings lost (the figure is printed), the same ports
# under the same numbers, the same megaflows (ufids) with their counters
# still growing, none installed again, the datapath's and the
# interfaces' statistics never going backwards.  A stop (microvs-ctl stop
# upcalld) empties the store, as systemd's does: the next upcalld starts
# empty and vswitchd sets it up again.
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
ufids() { dump_flows -m | grep "eth_type(0x0800)" | sed 's/ .*//' | sort; }
pkts() { dump_flows | grep "eth_type(0x0800)" | grep "in_port(2)" |
	sed 's/.*packets:\([0-9]*\).*/\1/'; }
ports() { oappctl dpctl/show | grep "port [0-9]*:" | sort; }
hits() { oappctl dpctl/show | sed -n 's/.*lookups: hit:\([0-9]*\).*/\1/p'; }
installs() { oappctl -t upcalld coverage/read-counter upcall_flow_install; }
rx() { vsctl get interface h1 statistics:rx_packets; }
u0=$(ufids) p0=$(pkts) ports0=$(ports) h0=$(hits)
sleep 5.5 # one statistics refresh (5 s) writes rx_packets
r0=$(rx)

kill_upcalld() { # kill -9 upcalld, wait until the supervisor has it back
	local old new
	old=$(pidof_role upcalld)
	kill -9 "$old"
	for _ in $(seq 300); do
		new=$(pidof_role upcalld)
		[ -n "$new" ] && [ "$new" != "$old" ] &&
			appctl upcalld version >/dev/null 2>&1 && break
		sleep 0.01
	done
	check "upcalld restarted by the supervisor ($old -> $new)" \
		eval '[ -n "$new" ] && [ "$new" != "$old" ]'
	sleep 1.5
}

count=$((KILLS * 200 + 100))
ns h1 ping -i 0.01 -c $count -W 1 -q 10.84.0.2 >"$T/ping.out" 2>&1 &
pinger=$!
sleep 0.5
for _ in $(seq "$KILLS"); do
	kill_upcalld
done
wait $pinger
cat "$T/ping.out"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T/ping.out")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping.out")
lost=$((sent - got))
echo "upcalld kill -9 x$KILLS ($MODE): $lost of $sent pings at 10 ms lost"
if [ "$MODE" = nostore ]; then
	check "forwarding comes back" pings h1 10.84.0.2 3
	[ "${KEEP:-0}" = 1 ] && { dump_flows; oappctl dpctl/show; oappctl -t vswitchd fdb/show br0; }
	finish
fi
check "at most 1 % of the pings lost ($lost of $sent)" [ $((lost * 100)) -le "$sent" ]
check "the log says what was taken over" eval \
	'grep -q "restored from the previous upcalld: 3 ports" "$T/log/microvs-upcalld.log"'
check "the same ports under the same numbers" eval '[ "$(ports)" = "$ports0" ]'
check "the ping's megaflows are the ones from before the kills" \
	eval '[ "$(ufids)" = "$u0" ]'
p1=$(pkts)
check "their counters kept growing ($p0 -> $p1)" [ "$p1" -ge $((p0 + got)) ]
check "the last upcalld installed none of them again" \
	eval '[ "$(installs)" = 0 ]'
h1=$(hits)
check "the datapath's hits did not go backwards ($h0 -> $h1)" \
	[ "$h1" -ge $((h0 + got)) ]
sleep 5.5
r1=$(rx)
check "Interface statistics did not go backwards (rx_packets $r0 -> $r1)" \
	[ "$r1" -ge $((r0 + got)) ]
finish
