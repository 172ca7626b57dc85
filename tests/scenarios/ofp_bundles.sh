#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow bundles (issue 9) against real Open vSwitch 3.1 (netdev
# bridge, own namespace, the same ports), in OpenFlow 1.3 (ONF's
# extension), 1.4 and 1.5:
#  - ovs-ofctl --bundle add-flows, replace-flows, add-flow, del-flows,
#    add-group(s), mod-group, del-groups, and a flow file whose third
#    flow-mod is refused at the commit: the same output and tables (the
#    error of the third, then OFPBFC_MSG_FAILED; nothing of it added),
#    with Debian's ovs-ofctl and then with ours;
#  - ovs-ofctl bundle SWITCH FILE (flow, group and packet-out lines,
#    keywords abbreviated, a line refused at the commit, a meter line, a
#    syntax error, no file) in 1.3-1.5 and without -O (1.4): the same
#    output and tables, Debian's ovs-ofctl and ours;
#  - ofp-print of 39 bundle messages: ours prints what Debian's prints;
#  - 40 crafted bundle conversations per version (unknown id, double
#    open, add after close, commit of an unknown bundle, bad flags, bad
#    type, inner messages of another version, xid or kind, cut or
#    refused ones, port-mods...), 4 in each of OpenFlow 1.0-1.2 (which
#    have no bundles) and an idle bundle's 10 s timeout: the
#    same replies and errors (type and code) from both, the connection
#    alive after each;
#  - microvs only: a failed bundle that deleted a group gets the group
#    and its flow back; a commit publishes the tables to upcalld once,
#    a failed one not at all; 10 bundled replace-flows while h1 pings h2
#    lose no ping.
P=ofb$$
. "$(dirname "$0")/swlib.sh"
ofdiff_start 3 10.77.0

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
# same ARGS...: Debian's ovs-ofctl on both switches prints the same (in
# the second pass, ours on microvs: WHO=u).
WHO=m
same() {
	run o "$@"; run $WHO "$@"
	check "$*: the same on microvs ($WHO) as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.$WHO"
}

# A bundle left open on each switch, in the background while the rest
# runs: Open vSwitch drops it after 10 s idle with OFPBFC_TIMEOUT.
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" "$O/br0.mgmt" \
	--idle >"$T/idle.o" 2>&1 &
IDLE_O=$!
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" \
	"$R/vswitchd/br0.mgmt" --idle >"$T/idle.m" 2>&1 &
IDLE_M=$!
SW_PIDS+=("$IDLE_O" "$IDLE_M")

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
cat >"$T/flows_mixed" <<FLOWS
add priority=80,in_port=1,actions=output:2
add priority=81,in_port=2,actions=output:1
modify in_port=1,actions=output:3
modify_strict priority=81,in_port=2,actions=output:3
delete_strict priority=80,in_port=1
add priority=82,in_port=3,send_flow_rem,actions=group:6
delete priority=30,udp
FLOWS
cat >"$T/groups_mixed" <<GROUPS
add group_id=6,type=all,bucket=output:1
modify group_id=6,type=select,bucket=output:2,bucket=output:3
add group_id=8,type=indirect,bucket=output:1
delete group_id=8
GROUPS
cat >"$T/groups" <<GROUPS
group_id=6,type=all,bucket=output:1
group_id=7,type=indirect,bucket=output:2
group_id=5,type=all,bucket=output:3
GROUPS

# ovs-ofctl bundle SWITCH FILE: flow-mods, group-mods and packet-outs,
# each line's keyword (or a prefix of it) first, then its command (or
# add).
cat >"$T/bundle_file" <<BUNDLE
# a comment
flow add priority=80,in_port=1,actions=output:2
flow priority=81,in_port=2,actions=output:1

group add group_id=6,type=all,bucket=output:1
f modify in_port=1,actions=output:2,output:1
flow delete_strict priority=81,in_port=2
g group_id=7,type=indirect,bucket=output:2
flow add priority=82,in_port=3,actions=group:7
packet-out in_port=1 packet=505400000003505400000002080045000054ce2a40004001f1c20a0000020a000003080079cd actions=drop
BUNDLE
cat >"$T/bundle_bad" <<BUNDLE
flow add priority=90,in_port=1,actions=output:2
group add group_id=9,type=all,bucket=output:1
flow add priority=91,in_port=1,actions=group:99
BUNDLE
cat >"$T/bundle_meter" <<BUNDLE
flow add priority=90,in_port=1,actions=output:2
meter add meter=1,kbps,band=type=drop,rate=1
BUNDLE
cat >"$T/bundle_syntax" <<BUNDLE
flow add priority=90,in_port=1,actions=bogus
BUNDLE

# Our ovs-ofctl in 1.3 (ONF's messages) and 1.5 (the standard ones, as
# 1.4's).
for WHO in m u; do
VERSIONS="OpenFlow13 OpenFlow14 OpenFlow15"
[ $WHO = u ] && VERSIONS="OpenFlow13 OpenFlow15"
for V in $VERSIONS; do
	same -O $V --bundle add-flows br0 "$T/flows1"
	same -O $V dump-flows br0
	same -O $V --bundle replace-flows br0 "$T/flows2"
	same -O $V dump-flows br0
	same -O $V --bundle add-flows br0 "$T/flows_bad"
	check "$V: the third flow-mod's error, then the commit's" \
		eval 'grep -A1 "Error OFPBAC_BAD_OUT_GROUP" "$T/out.$WHO" |
			grep -q "priority=42" &&
			grep -q "Error OFPBFC_MSG_FAILED" "$T/out.$WHO"'
	same -O $V dump-flows br0
	check "$V: nothing of the failed bundle is in the table" \
		eval '! grep -q "priority=4[0-3]" "$T/out.$WHO" &&
			grep -q "priority=30" "$T/out.$WHO"'
	same -O $V --bundle add-groups br0 "$T/groups_mixed"
	same -O $V --bundle add-flows br0 "$T/flows_mixed"
	same -O $V dump-flows br0
	same -O $V dump-groups br0
	same -O $V --bundle del-groups br0
	same -O $V --bundle add-flow br0 "priority=50,in_port=2,actions=output:3"
	same -O $V --bundle del-flows br0 "in_port=1"
	same -O $V dump-flows br0
	same -O $V --bundle del-flows br0
	same -O $V dump-flows br0
	same -O $V --bundle add-group br0 "group_id=5,type=all,bucket=output:1"
	same -O $V --bundle add-group br0 "group_id=5,type=all,bucket=output:2"
	same -O $V --bundle add-groups br0 "$T/groups"
	same -O $V --bundle mod-group br0 "group_id=6,type=all,bucket=output:3"
	same -O $V dump-groups br0
	same -O $V --bundle del-groups br0 group_id=5
	same -O $V --bundle del-groups br0
	same -O $V dump-groups br0
	[ $V = OpenFlow14 ] && continue
	same -O $V bundle br0 "$T/bundle_file"
	same -O $V dump-flows br0
	check "$V bundle FILE: the flows of the file" \
		grep -q "priority=82,in_port=3 actions=group:7" "$T/out.$WHO"
	same -O $V dump-groups br0
	same -O $V bundle br0 "$T/bundle_bad"
	check "$V bundle FILE: the third line's error, then the commit's" \
		eval 'grep -q "Error OFPBAC_BAD_OUT_GROUP" "$T/out.$WHO" &&
			grep -q "Error OFPBFC_MSG_FAILED" "$T/out.$WHO"'
	same -O $V bundle br0 "$T/bundle_meter"
	same -O $V bundle br0 "$T/bundle_syntax"
	same -O $V bundle br0 "$T/no_such_file"
	same -O $V dump-flows br0
	same -O $V dump-groups br0
	same -O $V del-flows br0
	same -O $V del-groups br0
done
done
WHO=m
# Without -O (only OpenFlow 1.0 allowed): OpenFlow 1.4 (the errors of a
# failed bundle say the version).
for WHO in m u; do
	same bundle br0 "$T/bundle_bad"
	check "bundle without -O: in OpenFlow 1.4 ($WHO)" \
		grep -q "OFPT_BUNDLE_CONTROL (OF1.4)" "$T/out.$WHO"
	same bundle br0 "$T/bundle_file"
	same -O OpenFlow15 dump-flows br0
	same -O OpenFlow15 dump-groups br0
	same -O OpenFlow15 del-flows br0
	same -O OpenFlow15 del-groups br0
done
WHO=m

# A commit publishes the tables to upcalld once, whatever its size; a
# failed one not at all.
published() {
	sleep 0.5
	oappctl -t vswitchd coverage/read-counter tables_published
}
for i in $(seq 50); do
	echo "priority=70,in_port=1,tcp,tp_dst=$i,actions=output:2"
done >"$T/flows50"
mof() { sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@"; }
# A service connection held open meanwhile: the first and the last one
# change whether table misses go up (as in Open vSwitch), which
# re-publishes the tables; ovs-ofctl's own connections then do not.
mof monitor br0 >/dev/null 2>&1 &
MON=$!
sleep 0.5
p0=$(published)
mof -O OpenFlow14 --bundle add-flows br0 "$T/flows50"
p1=$(published)
mof -O OpenFlow14 --bundle add-flows br0 "$T/flows_bad" 2>/dev/null
p2=$(published)
mof -O OpenFlow14 del-flows br0 tcp
p3=$(published)
mof -O OpenFlow14 add-flows br0 "$T/flows50"
p4=$(published)
echo "publications: bundle of 50 flows $((p1 - p0)), failed bundle" \
	"$((p2 - p1)), 50 flows without a bundle $((p4 - p3))"
check "a bundle of 50 flow-mods: one publication of the tables" \
	[ $((p1 - p0)) = 1 ]
check "a failed bundle: no publication" [ $((p2 - p1)) = 0 ]
kill $MON 2>/dev/null
wait $MON 2>/dev/null
mof -O OpenFlow14 del-flows br0

# ofp-print of bundle messages of every form (control of each type, an
# unknown type, add with a flow-mod, a group-mod, an echo, another xid,
# a cut inner message, trailing bytes): ours prints what Debian's does.
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" --samples \
	>"$T/samples"
: >"$T/print.o"
: >"$T/print.u"
while read -r hex; do
	ovs-ofctl ofp-print "$hex" >>"$T/print.o" 2>&1
	"$B/ctl/ovs-ofctl" ofp-print "$hex" >>"$T/print.u" 2>&1
done <"$T/samples"
sed -i 's/^[0-9T:.-]*Z|[0-9]*|//' "$T/print.o" "$T/print.u"
check "ofp-print of 39 bundle messages: ours prints what Debian's prints" \
	eval '[ "$(wc -l <"$T/samples")" = 39 ] &&
		diff -u "$T/print.o" "$T/print.u"'

# Crafted bundle conversations: the same replies and errors from both,
# and the connection alive after each.  But one: Open vSwitch answers a
# control of an unknown type (9) with a reply whose type it never set
# (its switch has no default; 0 here); microvs refuses it with
# OFPBFC_BAD_TYPE, as it does a reply type.
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" "$O/br0.mgmt" \
	>"$T/err.o" 2>&1
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" \
	"$R/vswitchd/br0.mgmt" >"$T/err.m" 2>&1
for w in o m; do
	grep -v "unknown control type" "$T/err.$w" >"$T/errs.$w"
done
check "crafted bundle messages: the same replies and errors as Open vSwitch's" \
	diff -u "$T/errs.o" "$T/errs.m"
check "crafted bundle messages: an unknown control type is OFPBFC_BAD_TYPE" \
	eval '[ "$(grep -c "unknown control type: 1:error(\(17\|exp=0x4f4e4600\),\(6\|2306\))$" "$T/err.m")" = 3 ]'
check "crafted bundle messages: 132 conversations, the connection alive after each" \
	eval '[ "$(grep -c "^OF1\.[0-5] " "$T/err.m")" = 132 ] &&
		! grep -q "dead$" "$T/err.m"'

wait "$IDLE_O" "$IDLE_M"
check "an idle bundle: the same timeout as Open vSwitch's" \
	diff -u "$T/idle.o" "$T/idle.m"
check "an idle bundle: OFPBFC_TIMEOUT about its open, then gone" \
	eval '[ "$(grep -c "idle bundle: error(\(17\|exp=0x4f4e4600\),\(14\|2314\)) about the open; then commit: 1:error(\(17\|exp=0x4f4e4600\),\(2\|2302\))$" "$T/idle.m")" = 2 ]'

# A bundle that deletes group 1, and so the flow that uses it, and then
# fails: both are back (microvs only: real Open vSwitch 3.1 aborts on
# this undo, "assertion group != NULL failed in ofproto_rule_insert__()").
of -O OpenFlow13 del-flows br0
of -O OpenFlow13 add-group br0 "group_id=1,type=all,bucket=output:2"
of -O OpenFlow13 add-flow br0 "priority=60,in_port=3,actions=group:1"
of -O OpenFlow13 --no-stats dump-flows br0 >"$T/before"
python3 "$MICROVS_SRC/tests/scenarios/ofp_bundle_errors.py" \
	"$R/vswitchd/br0.mgmt" --undo >"$T/undo" 2>&1
check "group deletion, then a failing flow-mod: its error, then OFPBFC_MSG_FAILED, in each version" \
	eval '[ "$(grep -c ": 2:error(2,9) 3:error(\(17\|exp=0x4f4e4600\),\(13\|2313\))$" "$T/undo")" = 3 ]'
of -O OpenFlow13 --no-stats dump-flows br0 >"$T/after"
check "a failed bundle's group deletion is undone, with the group's flow" \
	eval 'diff -u "$T/before" "$T/after" &&
		grep -q "priority=60,in_port=3 actions=group:1" "$T/after" &&
		of -O OpenFlow13 dump-groups br0 | grep -q "group_id=1,type=all"'

# Traffic: h1 pings h2 (100 a second) while --bundle replace-flows
# swaps 10 times between two flow sets that both forward it (by port;
# by IP destination, through other priorities and tables): no ping is
# lost, each swap is accepted, and both sets carried packets.
cat >"$T/setA" <<FLOWS
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
FLOWS
cat >"$T/setB" <<FLOWS
priority=20,ip,nw_dst=10.77.0.2,actions=resubmit(,3)
table=3,priority=1,actions=output:2
priority=20,ip,nw_dst=10.77.0.1,actions=output:1
priority=5,arp,actions=NORMAL
FLOWS
mof -O OpenFlow14 --bundle replace-flows br0 "$T/setA"
ns h1 ping -c 2 -W 2 10.77.0.2 >/dev/null
ns h1 ping -q -c 300 -i 0.01 -W 2 10.77.0.2 >"$T/ping" 2>&1 &
PING=$!
SW_PIDS+=("$PING")
fails=0
for i in $(seq 5); do
	for set in setB setA; do
		mof -O OpenFlow14 --bundle replace-flows br0 "$T/$set" ||
			fails=$((fails + 1))
		sleep 0.1
		[ $set = setB ] && mof -O OpenFlow14 dump-flows br0 \
			"ip,nw_dst=10.77.0.2" >>"$T/dumpB"
	done
done
wait "$PING"
check "10 bundled replace-flows during the ping: all accepted" \
	[ "$fails" = 0 ]
check "no ping lost while the flow sets swapped" \
	grep -q "300 packets transmitted, 300 received" "$T/ping"
check "set B forwarded some of them" \
	eval 'grep -q "n_packets=[1-9]" "$T/dumpB"'
grep transmitted "$T/ping"
finish
