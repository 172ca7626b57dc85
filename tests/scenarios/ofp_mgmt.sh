#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow on a bridge's management socket (issue 9): Debian's ovs-ofctl
# and ours against microvs-vswitchd, and Debian's against real Open
# vSwitch 3.1 (netdev bridge, own namespace) with the same ports: every
# command (add-flow, mod-flows, del-flows strict and loose, cookies,
# tables, check_overlap, dump-flows in three versions, dump-aggregate,
# show, port descriptions but for the link's speed) prints the same
# (durations and ages normalised, hard_age left out: it shows only when
# the seconds since a modify differ from the duration's; flows
# compared as sorted lines: the order within a priority is the
# classifier's).  Then flows steer traffic: with only in_port flows h1
# and h2 ping each other and h3 reaches nobody; mod-flows redirects h1's
# packets to h3, where tcpdump sees them.
P=ofm$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.73.0.1 && host h2 10.73.0.2 && host h3 10.73.0.3 ||
	{ fail "hosts"; finish; }

ovs_ref_start
for i in 1 2 3; do
	ip -n "$P-ovs" link add h$i type veth peer name p$i
	ip -n "$P-ovs" link set h$i up
	ip -n "$P-ovs" link set p$i up
done
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 add-br br0 -- \
	set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2 -- \
	add-port br0 h3 -- set interface h3 ofport_request=3 ||
	fail "real Open vSwitch: br0"
check "microvs: br0 (netdev) with h1 h2 h3 as ports 1-3" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2 -- \
	add-port br0 h3 -- set interface h3 ofport_request=3
check "the management socket is in the vswitchd user's directory" \
	test -S "$R/vswitchd/br0.mgmt"

OF=$B/ctl/ovs-ofctl
# run WHO ARGS...: WHO is m (Debian's ovs-ofctl on microvs), u (ours on
# microvs) or o (Debian's on Open vSwitch); output normalised in $T/out.WHO.
ofdiff_filter() {
	sed -e 's/duration=[0-9.]*s/duration=Xs/' \
		-e 's/idle_age=[0-9]*/idle_age=X/g' \
		-e 's/ hard_age=[0-9]*,//' \
		-e 's/dpid:[0-9a-f]*/dpid:X/' \
		-e 's/^[0-9T:-]*Z|/TIME|/' \
		-e 's/addr:[0-9a-f:]*/addr:X/' \
		-e "s#$R/vswitchd#RUN#g; s#$O#RUN#g" |
		{ read -r first; echo "$first"; sort; }
}
run() { ofdiff_run "$@"; }
# same DESC ARGS...: the three print the same.
same() {
	local d=$1
	shift
	run o "$@"; run m "$@"; run u "$@"
	check "$d: Debian's ovs-ofctl prints the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
	check "$d: ours prints the same as Debian's" \
		diff -u "$T/out.m" "$T/out.u"
}
# change ARGS...: a command that changes the tables, applied by Debian's
# ovs-ofctl to both switches (the outputs compared).
change() {
	run o "$@"; run m "$@"
	check "$* (same outcome)" diff -u "$T/out.o" "$T/out.m"
}

same "dump-flows of a new bridge" dump-flows br0
change add-flow br0 "priority=100,in_port=1,actions=output:2"
change add-flow br0 "cookie=0x5,priority=90,in_port=2,actions=output:1"
change add-flow br0 "table=1,priority=10,ip,nw_dst=10.0.0.0/8,actions=drop"
change add-flow br0 "cookie=0x10,idle_timeout=60,hard_timeout=120,priority=70,tcp,tp_dst=80,actions=mod_nw_tos:16,output:3"
change -O OpenFlow13 add-flow br0 "table=2,priority=5,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=goto_table:3"
change add-flow br0 "priority=60,arp,actions=NORMAL"
same "dump-flows" dump-flows br0
same "dump-flows (OpenFlow 1.3)" -O OpenFlow13 dump-flows br0
same "dump-flows (OpenFlow 1.5)" -O OpenFlow15 dump-flows br0
same "dump-flows table=1" dump-flows br0 table=1
same "dump-flows by cookie" dump-flows br0 cookie=0x5/-1
same "dump-flows with a match" dump-flows br0 in_port=1
same "dump-aggregate" dump-aggregate br0
same "--no-stats dump-flows" --no-stats dump-flows br0
change add-flow br0 "check_overlap,priority=100,in_port=1,actions=drop"
change mod-flows br0 "in_port=1,actions=output:3"
same "dump-flows after mod-flows" dump-flows br0
change --strict del-flows br0 "priority=90,in_port=2"
change --strict del-flows br0 "in_port=1"
same "dump-flows after strict deletes" dump-flows br0
change del-flows br0 cookie=0x10/-1
change -O OpenFlow13 mod-flows br0 "cookie=0x77/-1,actions=drop"
same "dump-flows after cookie delete and a cookie modify matching none" \
	dump-flows br0
change del-flows br0 table=1
change del-flows br0
same "dump-flows after deleting everything" dump-flows br0
# Ports: the link's features and speed (what ethtool says of the device)
# are not reported yet; the rest is compared.
no_link() { grep -v "current:\|speed:" "$1" >"$1.nolink"; mv "$1.nolink" "$1"; }
# other_config:hwaddr: the bridge's local port (br0's device) takes it.
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 set bridge br0 \
	other-config:hwaddr=02:00:00:00:00:0a
check "microvs: other-config hwaddr" \
	vsctl set bridge br0 other-config:hwaddr=02:00:00:00:00:0a
hw_shown() {
	for _ in $(seq 50); do
		run "$1" show br0
		grep -q "LOCAL(br0): addr:02:00:00:00:00:0a" "$T/raw.$1" && return 0
		sleep 0.1
	done
	return 1
}
check "show: LOCAL(br0) has the hwaddr on Open vSwitch" hw_shown o
check "show: LOCAL(br0) has the hwaddr on microvs" hw_shown m
check "microvs: br0's device has the hwaddr" \
	eval 'sw ip link show br0 | grep -q "ether 02:00:00:00:00:0a"'
# A dummy bridge's local port has no device: the datapath keeps the
# address, and port-mod's up/down (ovs-vswitchd --enable-dummy does the
# same; it failed with "No such device").
check "microvs: a dummy bridge with other-config hwaddr" \
	vsctl add-br brd -- set bridge brd datapath_type=dummy \
	other-config:hwaddr=02:00:00:00:00:0b
dummy_shows() { # PATTERN
	for _ in $(seq 50); do
		run m show brd
		grep -q "$1" "$T/raw.m" && return 0
		sleep 0.1
	done
	return 1
}
check "show: LOCAL(brd) has the hwaddr" \
	dummy_shows "LOCAL(brd): addr:02:00:00:00:00:0b"
check "mod-port brd brd down" \
	eval 'run m mod-port brd brd down && grep -q "^rc=0" "$T/out.m"'
check "show: LOCAL(brd) is PORT_DOWN" \
	eval 'dummy_shows "config:     PORT_DOWN"'
check "mod-port brd brd up" \
	eval 'run m mod-port brd brd up && grep -q "^rc=0" "$T/out.m"'
check "show: LOCAL(brd) is up again" eval 'dummy_shows "config:     0$"'
check "del-br brd" vsctl del-br brd
# The datapath id and description Bridge other_config sets.
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 set bridge br0 \
	other-config:datapath-id=00000000000000ab other-config:dp-desc=rack-7
check "microvs: other-config datapath-id and dp-desc" \
	vsctl set bridge br0 other-config:datapath-id=00000000000000ab \
	other-config:dp-desc=rack-7
for w in o m; do run $w show br0; cp "$T/raw.$w" "$T/show.$w"; done
check "show: dpid 00000000000000ab on microvs" grep -q "dpid:00000000000000ab" "$T/show.m"
check "show: dpid 00000000000000ab on Open vSwitch" grep -q "dpid:00000000000000ab" "$T/show.o"
same "dump-desc with dp-desc" dump-desc br0
for cmd in show dump-ports-desc; do
	run o $cmd br0; run m $cmd br0; run u $cmd br0
	no_link "$T/out.o"; no_link "$T/out.m"; no_link "$T/out.u"
	check "$cmd (but link features): the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
	check "$cmd: ours prints the same as Debian's" \
		diff -u "$T/out.m" "$T/out.u"
done

# Port statistics (OFPST_PORT: microvs answered OFPBRC_BAD_STAT), the
# counters left out (they count what each switch's hosts sent); the
# switch description; a flow in the hidden table 254 (refused with
# OFPBRC_EPERM); fragment handling, kept per bridge (ovs-ofctl's
# get-frags is a new connection).
no_counts() {
	sed -E 's/(pkts|bytes|drop|errs|frame|over|crc|coll)=[0-9?]+/\1=N/g' \
		"$1" >"$1.nc"
	mv "$1.nc" "$1"
}
for args in "dump-ports br0" "dump-ports br0 2" "-O OpenFlow13 dump-ports br0" \
	"-O OpenFlow15 dump-ports br0 LOCAL" "dump-desc br0"; do
	run o $args; run m $args
	no_counts "$T/out.o"; no_counts "$T/out.m"
	check "$args (but the counts): the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
done
change -O OpenFlow13 add-flow br0 "table=254,actions=drop"
change set-frags br0 drop
same "get-frags after set-frags drop" get-frags br0
change -O OpenFlow13 set-frags br0 nx-match
same "get-frags after set-frags nx-match" -O OpenFlow13 get-frags br0
change set-frags br0 normal

# Bridge.protocols: only OpenFlow 1.3 allowed.
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 set bridge br0 protocols=OpenFlow13
check "microvs: protocols=OpenFlow13" vsctl set bridge br0 protocols=OpenFlow13
sleep 0.5
# The reason printed after the warning depends on which side closes
# first (Broken pipe, End of file): the status and the warning compared.
run o dump-flows br0; run m dump-flows br0; run u dump-flows br0
for w in o m u; do head -2 "$T/out.$w" >"$T/head.$w"; done
check "protocols=OpenFlow13: an OpenFlow 1.0 client is refused, as by Open vSwitch" \
	diff -u "$T/head.o" "$T/head.m"
check "protocols=OpenFlow13: ours refused with the same warning" \
	diff -u "$T/head.m" "$T/head.u"
run m -O OpenFlow13 dump-flows br0
check "protocols=OpenFlow13: an OpenFlow 1.3 client is served" \
	grep -q "OFPST_FLOW reply (OF1.3)" "$T/out.m"
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 clear bridge br0 protocols
check "microvs: protocols cleared" vsctl clear bridge br0 protocols

# Flows steer traffic.
of() { sw env MICROVS_RUNDIR="$R" "$OF" "$@"; }
check "static flows: in_port=1 -> 2, in_port=2 -> 1" \
	of add-flows br0 - <<'EOF'
priority=100,in_port=1,actions=output:2
priority=100,in_port=2,actions=output:1
EOF
check "h1 pings h2 through the flows" pings h1 10.73.0.2
check "h3 reaches nobody (no flow for in_port=3)" no_ping h3 10.73.0.1
of dump-flows br0 >"$T/flows"
check "the flows counted the ping" \
	eval 'grep "in_port=1 " "$T/flows" | grep -q "n_packets=[1-9]"'
ns h3 tcpdump -l -n -i eth0 icmp >"$T/tcpdump" 2>/dev/null &
SW_PIDS+=($!)
sleep 1
check "mod-flows: in_port=1 now goes to port 3" \
	of mod-flows br0 "in_port=1,actions=output:3"
ns h1 ping -c 3 -i 0.2 -W 1 -q 10.73.0.2 >/dev/null 2>&1
check "h1's pings no longer reach h2" no_ping h1 10.73.0.2
sleep 0.5
check "tcpdump on h3 sees h1's pings" \
	grep -q "10.73.0.1 > 10.73.0.2: ICMP echo request" "$T/tcpdump"
finish
