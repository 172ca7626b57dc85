#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S12 (seed 002): MAC learning built from OpenFlow's learn
# action, in the tables of Open vSwitch's tutorial: table 0 admits, 1
# passes on, 2 learns (table=10, NXM_OF_VLAN_TCI[0..11],
# NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[], load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15])
# and resubmits to 3, which looks the destination up in table 10 and
# goes on to 4: flood if nothing was learned (reg0=0), else output to
# the learned port.  Pings between h1 and h2 work; table 10 shows the two
# learned flows as Open vSwitch prints them; once learned, h1's pings to
# h2 are no longer flooded to h3 (tcpdump there sees none).
P=s12$$
. "$(dirname "$0")/swlib.sh"
sw_start
M1=02:00:00:00:12:01 M2=02:00:00:00:12:02 M3=02:00:00:00:12:03
host h1 10.12.0.1 && host h2 10.12.0.2 && host h3 10.12.0.3 ||
	{ fail "hosts"; finish; }
ns h1 ip link set eth0 address $M1
ns h2 ip link set eth0 address $M2
ns h3 ip link set eth0 address $M3
check "br0 (netdev) with h1 h2 h3 as ports 1-3" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2 -- \
	add-port br0 h3 -- set interface h3 ofport_request=3
of() { sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@"; }
check "del-flows" of del-flows br0
check "the learning pipeline (tables 0-4, learning into 10)" \
	of add-flows br0 - <<'EOF2'
table=0,priority=0,actions=resubmit(,1)
table=1,priority=0,actions=resubmit(,2)
table=2 actions=learn(table=10, NXM_OF_VLAN_TCI[0..11], NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[], load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]), resubmit(,3)
table=3,priority=50,actions=resubmit(,10),resubmit(,4)
table=4,priority=99,reg0=0,actions=FLOOD
table=4,priority=50,actions=output:NXM_NX_REG0[0..15]
EOF2
check "table 10 starts empty" eval '! of dump-flows br0 table=10 | grep -q cookie'
check "h1 pings h2" pings h1 10.12.0.2
of dump-flows br0 table=10 >"$T/t10"
cat "$T/t10"
for m in "$M1 1" "$M2 2"; do
	set -- $m
	pat=" cookie=0x0, duration=[0-9.]*s, table=10, n_packets=[0-9]*, n_bytes=[0-9]*, idle_age=[0-9]*, vlan_tci=0x0000/0x0fff,dl_dst=$1 actions=load:0x$2->NXM_NX_REG0\[0..15\]"
	check "table 10 learned $1 on port $2 (Open vSwitch's text)" \
		grep -qx -- "$pat" "$T/t10"
done
check "table 10 holds only those two" test "$(grep -c cookie= "$T/t10")" = 2
ns h3 tcpdump -l -n -i eth0 icmp >"$T/tcpdump.h3" 2>/dev/null &
SW_PIDS+=($!)
sleep 1
check "h1 pings h2 again" pings h1 10.12.0.2
sleep 0.5
check "the learned flows steer: h3 sees none of h1's pings to h2" \
	eval '! grep -q "10.12.0.1 > 10.12.0.2" "$T/tcpdump.h3"'
check "h3 learns too: h3 pings h1" pings h3 10.12.0.1
check "table 10 learned h3" \
	eval 'of dump-flows br0 table=10 | grep -q "dl_dst=$M3 actions=load:0x3->NXM_NX_REG0\[0..15\]"'
finish
