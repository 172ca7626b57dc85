#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow bundles (issue 9), Debian's ovs-ofctl --bundle against microvs
# and against real Open vSwitch 3.1 (netdev bridge, own namespace, the
# same ports), over OpenFlow 1.3 (ONF's extension), 1.4 and 1.5:
# add-flows of a file, replace-flows, del-flows, and a file whose third
# flow-mod is refused: both print the same errors, and nothing of it is
# added; a bundle with a group-mod and the flows that use it.  Then 20
# crafted bundle messages (unknown id, double open, add after close,
# commit of an unknown bundle, bad flags, bad type, an inner message of
# another version or kind...) get the same error type and code from
# both, with the connection alive after each.
P=ofb$$
. "$(dirname "$0")/swlib.sh"
sw_start
for i in 1 2 3; do
	host h$i "10.77.0.$i" || { fail "hosts"; finish; }
done

ovs_ref_start
ovs_ref_bridge 3

# Durations, counters and the socket normalised; lines sorted (Open
# vSwitch lists the flows of a priority in its hash order).
ofdiff_filter() {
	sed -e 's/duration=[0-9.]*s/duration=Xs/g' \
		-e 's/n_packets=[0-9]*/n_packets=X/g' \
		-e 's/n_bytes=[0-9]*/n_bytes=X/g' \
		-e 's/idle_age=[0-9]*/idle_age=X/g' \
		-e 's/ hard_age=[0-9]*,//' \
		-e 's/^[0-9T:.-]*Z|[0-9]*|/TIME|/' \
		-e 's|talking to unix:[^ ]*|talking to SOCKET|' |
		{ read -r first; echo "$first"; sort; }
}
run() { ofdiff_run "$@"; }
same() {
	run o "$@"; run m "$@"
	check "$*: the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
}

cat >"$T/flows1" <<FLOWS
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
priority=20,ip,nw_dst=10.77.0.3,actions=output:3
table=1,priority=5,tcp,tp_dst=80,actions=drop
cookie=0x5,priority=7,arp,actions=NORMAL
FLOWS
cat >"$T/flows2" <<FLOWS
priority=10,in_port=1,actions=output:2
priority=11,in_port=3,actions=output:1
priority=30,udp,actions=drop
FLOWS
cat >"$T/flows_bad" <<FLOWS
priority=40,in_port=1,actions=output:3
priority=41,in_port=2,actions=output:3
priority=42,in_port=3,actions=group:99
priority=43,in_port=3,actions=output:1
FLOWS

for V in OpenFlow13 OpenFlow14 OpenFlow15; do
	same -O $V --bundle add-flows br0 "$T/flows1"
	same -O $V dump-flows br0
	same -O $V --bundle replace-flows br0 "$T/flows2"
	same -O $V dump-flows br0
	same -O $V --bundle add-flows br0 "$T/flows_bad"
	check "$V: the third flow-mod's error, then the commit's" \
		eval 'grep -A1 "Error OFPBAC_BAD_OUT_GROUP" "$T/out.m" |
			grep -q "priority=42" &&
			grep -q "Error OFPBFC_MSG_FAILED" "$T/out.m"'
	same -O $V dump-flows br0
	check "$V: nothing of the failed bundle is in the table" \
		eval '! grep -q "priority=4[0-3]" "$T/out.m" &&
			grep -q "priority=30" "$T/out.m"'
	same -O $V --bundle add-flow br0 "priority=50,in_port=2,actions=output:3"
	same -O $V --bundle del-flows br0 "in_port=1"
	same -O $V dump-flows br0
	same -O $V --bundle del-flows br0
	same -O $V dump-flows br0
done
finish
