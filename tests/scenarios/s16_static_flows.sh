#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S16 (seed 004): static flows pushed over OpenFlow steer
# traffic.  Three hosts (the seed's MACs) on bridge helloworld, ports
# 1-3.  First dl_src flows (the seed's cookies, priority 32768): h1 and h3
# ping each other, h2 reaches nobody; dump-flows prints them as Open
# vSwitch does.  Then dl_dst flows to the right ports: everyone pings
# everyone; rewriting the flow to h3's MAC to output:2 redirects h1's
# pings for h3 to h2, where tcpdump sees them, and h3 no longer answers.
# The flows go in through Debian's ovs-ofctl (first part) and ours
# (second) on the bridge's management socket.
P=s16$$
. "$(dirname "$0")/swlib.sh"
sw_start
M1=52:54:00:9b:d5:bc M2=52:54:00:9b:d5:bd M3=52:54:00:9b:d5:be
host h1 10.10.10.1 && host h2 10.10.10.2 && host h3 10.10.10.3 ||
	{ fail "hosts"; finish; }
ns h1 ip link set eth0 address $M1
ns h2 ip link set eth0 address $M2
ns h3 ip link set eth0 address $M3
check "bridge helloworld (netdev) with h1 h2 h3 as ports 1-3" \
	vsctl add-br helloworld -- set bridge helloworld datapath_type=netdev -- \
	add-port helloworld h1 -- set interface h1 ofport_request=1 -- \
	add-port helloworld h2 -- set interface h2 ofport_request=2 -- \
	add-port helloworld h3 -- set interface h3 ofport_request=3
debian_ofctl() { sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@"; }
our_ofctl() { sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" "$@"; }

check "Debian's ovs-ofctl: del-flows" debian_ofctl del-flows helloworld
check "static-flow1: dl_src=h1 -> output:3" debian_ofctl add-flow helloworld \
	"cookie=0xa00000d7014f7f,priority=32768,dl_src=$M1,actions=output:3"
check "static-flow2: dl_src=h3 -> output:1" debian_ofctl add-flow helloworld \
	"cookie=0xa00000d7014f80,priority=32768,dl_src=$M3,actions=output:1"
check "h1 pings h3" pings h1 10.10.10.3
check "h3 pings h1" pings h3 10.10.10.1
check "h2 reaches nobody" no_ping h2 10.10.10.1
check "h1 cannot reach h2" no_ping h1 10.10.10.2
debian_ofctl dump-flows helloworld >"$T/flows"
cat "$T/flows"
check "dump-flows: Open vSwitch's reply header" \
	grep -q "^NXST_FLOW reply (xid=0x4):$" "$T/flows"
pat=" cookie=0xa00000d7014f7f, duration=[0-9.]*s, table=0, n_packets=[1-9][0-9]*, n_bytes=[1-9][0-9]*, idle_age=[0-9]*, dl_src=$M1 actions=output:3"
check "dump-flows: the dl_src flow of h1 as Open vSwitch prints it, with hits" \
	grep -qx -- "$pat" "$T/flows"
pat=" cookie=0xa00000d7014f80, duration=[0-9.]*s, table=0, n_packets=[1-9][0-9]*, n_bytes=[1-9][0-9]*, idle_age=[0-9]*, dl_src=$M3 actions=output:1"
check "dump-flows: the dl_src flow of h3" grep -qx -- "$pat" "$T/flows"
check "dump-flows: two flows" test "$(grep -c cookie= "$T/flows")" = 2

# dl_dst flows: ARP broadcasts match none, so the hosts know each other.
for a in 1 2 3; do
	for b in 1 2 3; do
		[ $a = $b ] && continue
		eval m=\$M$b
		ns h$a ip neigh replace 10.10.10.$b lladdr "$m" dev eth0
	done
done
check "ours: del-flows" our_ofctl del-flows helloworld
check "static flows to the right ports by dl_dst" our_ofctl add-flows helloworld - <<EOF2
priority=32768,dl_dst=$M1,actions=output:1
priority=32768,dl_dst=$M2,actions=output:2
priority=32768,dl_dst=$M3,actions=output:3
EOF2
check "h1 pings h2" pings h1 10.10.10.2
check "h1 pings h3" pings h1 10.10.10.3
check "h2 pings h3" pings h2 10.10.10.3
ns h2 tcpdump -l -n -i eth0 icmp >"$T/tcpdump.h2" 2>/dev/null &
SW_PIDS+=($!)
sleep 1
check "rewrite: dl_dst=h3 -> output:2" our_ofctl mod-flows helloworld \
	"dl_dst=$M3,actions=output:2"
our_ofctl dump-flows helloworld >"$T/flows2"
check "dump-flows shows the rewritten flow" \
	grep -q "dl_dst=$M3 actions=output:2" "$T/flows2"
check "h1's pings for h3 get no answer now" no_ping h1 10.10.10.3
sleep 0.5
check "tcpdump on h2 sees the pings for h3" \
	grep -q "10.10.10.1 > 10.10.10.3: ICMP echo request" "$T/tcpdump.h2"
finish
