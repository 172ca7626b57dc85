#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S11 (seed 002): the packet walk.  The first packet of a flow
# misses the fast path and is upcalled to vswitchd; a megaflow is
# installed; later packets hit it in the datapath.  dpctl/dump-flows shows
# the megaflow with its hit count; dpctl/show counts hits and misses;
# upcall/show shows the flows and vswitchd's coverage the translations.
P=s11x$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.81.0.1 && host h2 10.81.0.2 || { fail "hosts"; finish; }
check "br0 with h1 and h2" eval 'netdev_br br0 && vsctl add-port br0 h1 && vsctl add-port br0 h2'
# The flows stay until purged, however slow the machine (a guest under
# TCG can take longer than the default 10 s between two checks).
vsctl set open . other_config:max-idle=600000
lookups() { oappctl dpctl/show | sed -n 's/^  lookups: //p'; }
count() { lookups | sed -n "s/.*$1:\([0-9]*\).*/\1/p"; }
translated() { oappctl -t vswitchd coverage/read-counter upcall_translated; }

check "no lookups yet" eval '[ "$(lookups)" = "hit:0 missed:0 lost:0" ]'
# Neighbours known, and both hosts learned by the switch (one ping, then
# the datapath's flows purged), so the walk's pings alone make the flows.
ns h1 ip neigh replace 10.81.0.2 lladdr "$(mac h2)" dev eth0
ns h2 ip neigh replace 10.81.0.1 lladdr "$(mac h1)" dev eth0
check "a first ping, so the switch learns both hosts" pings h1 10.81.0.2 1
check "revalidator/purge empties the datapath" eval \
	'oappctl revalidator/purge && [ "$(dump_flows | grep -c actions)" = 0 ]'
m0=$(count missed) h0=$(count hit) x0=$(translated)
check "one ping" pings h1 10.81.0.2 1
m1=$(count missed) h1=$(count hit) x1=$(translated)
check "its two packets (echo, reply) missed: missed +2 ($m0 -> $m1)" [ $((m1 - m0)) = 2 ]
check "vswitchd translated them ($x0 -> $x1)" [ $((x1 - x0)) -ge 2 ]
check "a megaflow for each direction" eval \
	'[ "$(dump_flows | grep -c "eth_type(0x0800)")" = 2 ]'
check "the megaflow matches the MACs and IPv4, not the addresses" eval \
	'dump_flows | grep "in_port(2)" | grep "eth(src=$(mac h1),dst=$(mac h2))" |
	 grep -q "eth_type(0x0800),ipv4(frag=no), packets:0, bytes:0, used:never, actions:3"'
check "ten more pings" pings h1 10.81.0.2 10
m2=$(count missed) h2=$(count hit)
check "they missed nothing (missed $m1 -> $m2)" [ "$m2" = "$m1" ]
check "they hit 20 times (hit $h1 -> $h2)" [ $((h2 - h1)) = 20 ]
check "dump-flows shows the hits" eval \
	'dump_flows | grep "in_port(2)" | grep "0x0800" | grep -q "packets:10, bytes:980"'
check "dump-flows -m shows the ufid and the port names" eval \
	'dump_flows -m | grep -q "^ufid:.*in_port(h1)"'
check "upcall/show counts the flows" eval \
	'oappctl upcall/show | grep -q "flows         : (current 2)"'
check "ovs-dpctl dump-flows is dpctl/dump-flows" eval \
	'[ "$("$B/ctl/ovs-dpctl" --rundir="$R" dump-flows | grep -c actions)" = 2 ]'
check "the OpenFlow rule counted every packet (24)" eval \
	'oappctl revalidator/wait && oappctl bridge/dump-flows br0 | grep -q "n_packets=24,"'

# A table change reaches the installed megaflows (tables_changed, a full
# revalidation): a drop rule above NORMAL stops the ping although its
# megaflows are installed, and taking it out lets it through again.
check "bridge/add-flow priority=100,icmp,actions=drop" \
	oappctl bridge/add-flow br0 "priority=100,icmp,actions=drop"
check "the installed megaflows now drop the ping" eval \
	'oappctl revalidator/wait && no_ping h1 10.81.0.2'
check "the megaflow's actions were changed in place (drop)" eval \
	'dump_flows | grep "in_port(2)" | grep "0x0800" | grep -q "actions:drop"'
check "bridge/del-flows the drop rule" \
	oappctl bridge/del-flows br0 "icmp"
check "the ping goes through again" eval 'oappctl revalidator/wait && pings h1 10.81.0.2 2'
# other_config:flow-limit reaches the datapath.
check "flow-limit=1" vsctl set open . other_config:flow-limit=1
check "upcall/show shows the limit" eval \
	'oappctl upcall/show | grep -q "(limit 1)"'
check "with the limit, at most one flow is installed" eval \
	'oappctl revalidator/purge && pings h1 10.81.0.2 2 &&
	 [ "$(dump_flows | grep -c actions)" -le 1 ]'
finish
