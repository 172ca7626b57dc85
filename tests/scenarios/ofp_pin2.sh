#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Packet-ins (issue 9), Debian's ovs-ofctl monitor against microvs and
# against real Open vSwitch 3.1 (netdev bridge, own namespace, the same
# ports, fail_mode secure with a controller that is not there): monitors
# in every packet-in format (--packet-in-format nxt_packet_in2,
# nxt_packet_in, standard) and OpenFlow 1.0, 1.3 and 1.5 must print the
# same packet-ins for the same frames: packet-outs whose actions go to the
# controller (with userdata, several times, with reasons Open vSwitch
# filters or renames) and into the tables, and frames from a host's
# namespace that a flow sends to the controller or that no flow matches
# (a table miss: a packet-in to the OpenFlow 1.0 monitors only, as Open
# vSwitch's default table-miss behaviour).  Then NXT_SET_PACKET_IN_FORMAT
# with good and bad values gets the same answers from both, and so do
# set-async and get-async; connections that masked asynchronous messages
# get none.  Last, controller(pause) and NXT_RESUME with Debian's
# "ovs-ofctl monitor br0 resume", and forged continuations.
P=pin$$
. "$(dirname "$0")/swlib.sh"
sw_start
for i in 1 2; do
	host h$i "" || { fail "hosts"; finish; }
done
ovs_ref_start
ovs_ref_bridge 2
ip -n "$P-ovs" link set lo up # for its controller at 127.0.0.1
ovs ovs-vsctl --db=unix:$O/db.sock set-fail-mode br0 secure -- \
	set-controller br0 tcp:127.0.0.1:1
vsctl set-fail-mode br0 secure -- set-controller br0 tcp:127.0.0.1:1

ofdiff_filter() { cat; }
run() { ofdiff_run "$@"; }

# bg_ofctl WHO ARGS...: Debian's ovs-ofctl ARGS in the background on
# microvs (m) or Open vSwitch (o), for 20 s at most; its pid (not a
# subshell's: killing it ends the connection) in SW_PIDS.
bg_ofctl() {
	local who=$1
	shift
	case $who in
	m) ip netns exec "$P-sw" env OVS_RUNDIR="$R/vswitchd" \
		timeout 20 ovs-ofctl "$@" 2>&1 & ;;
	o) ip netns exec "$P-ovs" env OVS_RUNDIR="$O" \
		timeout 20 ovs-ofctl "$@" 2>&1 & ;;
	esac
	SW_PIDS+=($!)
}

FORMATS="nxt_packet_in2 nxt_packet_in standard"
VERSIONS="OpenFlow10 OpenFlow13 OpenFlow15"
for who in o m; do
	for F in $FORMATS; do
		for V in $VERSIONS; do
			bg_ofctl $who -O $V --packet-in-format=$F \
				monitor br0 65000 >"$T/mon.$who.$F.$V"
		done
	done
done
sleep 1

PKT=505400000003505400000002080045000054ce2a40004001f1c20a0000020a000003080079cd0003000131a5c35f00000000cb2d0e0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637
# send WHO PORT: the frame into port PORT (1 or 2) from its far end.
send() {
	local code="import socket,sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes.fromhex(sys.argv[2]))"
	case $1 in
	o) ovs python3 -c "$code" "p$2" "$PKT" ;;
	m) ns "h$2" python3 -c "$code" eth0 "$PKT" ;;
	esac
}
# both ARGS...: ovs-ofctl ARGS on both switches, with the same outcome.
both() {
	run o "$@"; run m "$@"
	check "$*: the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
}
both add-flow br0 "table=3,cookie=0x77,priority=5,actions=load:5->NXM_NX_REG1[],load:0x99->OXM_OF_METADATA[],controller(userdata=01.02,reason=no_match),controller(max_len=30,userdata=03)"
both add-flow br0 "cookie=0x55,priority=5,in_port=2,actions=controller(userdata=0a.0b.0c),load:7->NXM_NX_REG2[],resubmit(,3),resubmit(,4)"
# Rewrites before a controller action: the packet-in carries the packet
# as rewritten so far (Open vSwitch commits them first), with the
# registers at that action.
both -O OpenFlow13 add-flow br0 "table=4,cookie=0x44,priority=5,ip,actions=mod_dl_src:50:54:00:00:00:99,set_field:10.0.0.9->ip_dst,dec_ttl,controller(userdata=04),push_vlan:0x8100,mod_vlan_vid:5,load:9->NXM_NX_REG3[],controller(userdata=05),pop_vlan,mod_nw_tos:0x10,controller(userdata=06)"
# Controller actions from a packet-out, one with a reason Open vSwitch
# does not send by default, and a table miss from it.
both packet-out br0 "in_port=1 packet=$PKT actions=controller(userdata=01.02,reason=invalid_ttl),load:3->NXM_NX_REG0[],controller(max_len=20),resubmit(,3)"
both packet-out br0 "in_port=1 packet=$PKT actions=output:TABLE"
both packet-out br0 "in_port=2 packet=$PKT actions=controller(reason=group,userdata=ff)"
both packet-out br0 "in_port=1 packet=$PKT actions=resubmit(,4)"
both packet-out br0 "in_port=1 packet=$PKT actions=mod_nw_src:10.0.0.7,mod_nw_tos:0x20,controller(userdata=07),strip_vlan,mod_dl_dst:50:54:00:00:00:77,output:CONTROLLER"
# From the hosts: through the flows, and a table miss.
for who in o m; do
	send $who 2
	send $who 1
done
sleep 1
# Host 2's frame twice more: the first installed a datapath flow whose
# actions are userspace(controller(...)) actions, and these take it: each
# is still a packet-in, made from the datapath's upcall.
for who in o m; do
	send $who 2
	send $who 2
done
sleep 2
for who in o m; do
	case $who in
	o) ovs ovs-appctl dpctl/dump-flows ;;
	m) oappctl dpctl/dump-flows ;;
	esac 2>&1 | grep "controller(" |
		sed -E 's/.*(packets:[0-9]+).*(actions:)/\1 \2/; s/recirc_id=[0-9]+/recirc_id=N/g' |
		sort >"$T/dp.$who"
done
cat "$T/dp.o" "$T/dp.m"
check "datapath flows to the controllers: the same actions and packets as Open vSwitch" \
	diff -u "$T/dp.o" "$T/dp.m"
check "the flow host 2's frames took after the first (2 packets, 6 packet-ins each)" \
	grep -q "^packets:2 actions:userspace(pid=0,controller(reason=1,dont_send=0,continuation=0,recirc_id=N,rule_cookie=0x55,controller_id=0,max_len=65535))" \
	"$T/dp.m"
for F in $FORMATS; do
	for V in $VERSIONS; do
		for who in o m; do
			grep -v "fatal_signal\|^$" "$T/mon.$who.$F.$V" |
				sed 's/(xid=0x[0-9a-f]*)//' >"$T/pin.$who.$F.$V"
		done
		check "$F $V: the same packet-ins from microvs as from Open vSwitch" \
			diff -u "$T/pin.o.$F.$V" "$T/pin.m.$F.$V"
	done
done
# ofproto/trace of a frame through those rewrites: the same datapath
# actions.
for who in o m; do
	case $who in
	o) ovs ovs-appctl ofproto/trace br0 "in_port=2,icmp,nw_ttl=64" ;;
	m) oappctl ofproto/trace br0 "in_port=2,icmp,nw_ttl=64" ;;
	esac >"$T/trace.$who" 2>&1
done
cat "$T/trace.o" "$T/trace.m"
# Each controller action is a userspace(controller(...)) action (dont_send
# in a trace), numbered by each switch its own way; the megaflows differ
# (not compared).  The rest, the header changes committed before each,
# the same.
for who in o m; do
	grep -v "^Megaflow:" "$T/trace.$who" |
		sed -E 's/recirc_id=[0-9]+/recirc_id=N/g' >"$T/trace.$who.n"
done
check "ofproto/trace through the rewrites: the same as Open vSwitch" \
	diff -u "$T/trace.o.n" "$T/trace.m.n"
check "the changes committed in Open vSwitch's order (Ethernet, IP, then VLAN)" \
	eval 'sed -E "s/userspace\(pid=0,controller\([^)]*\)\),?//g; s/,$//" \
		"$T/trace.m.n" | grep -q "set(eth(src=50:54:00:00:00:99)),set(ipv4(dst=10.0.0.9,ttl=63)),push_vlan(vid=5,pcp=0),set(ipv4(tos=0x10/0xfc)),pop_vlan"'
check "a trace's controller actions say dont_send=1, with their reason, cookie and max_len" \
	grep -q "userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=N,rule_cookie=0x44,controller_id=0,max_len=65535))" \
	"$T/trace.m.n"
# What the comparison stands on (Open vSwitch 3.1's behaviour, seen).
m=$T/pin.m
check "packet-in2 carries the userdata" \
	grep -q "^ userdata=01.02$" "$m.nxt_packet_in2.OpenFlow13"
check "packet-in2: table, cookie and pipeline fields" \
	grep -q "NXT_PACKET_IN2 (OF1.3) : table_id=3 cookie=0x77 total_len=98 reg0=0x3,reg1=0x5,metadata=0x99,in_port=1 (via no_match)" \
	"$m.nxt_packet_in2.OpenFlow13"
check "nxt_packet_in format: NXT_PACKET_IN" \
	grep -q "^NXT_PACKET_IN (OF1.5) : table_id=3 cookie=0x77" \
	"$m.nxt_packet_in.OpenFlow15"
# A table miss (from the packet-out to TABLE and from host 1) is
# Open vSwitch's miss rule: cookie 0, table 0, to OpenFlow 1.0 only.
miss="cookie=0x0 total_len=98 in_port=1 (via no_match)"
check "a table miss goes to the OpenFlow 1.0 monitor (twice)" \
	test "$(grep -c "$miss" "$m.nxt_packet_in2.OpenFlow10")" = 2
check "not to the OpenFlow 1.3 one" \
	eval '! grep -q "$miss" "$m.nxt_packet_in2.OpenFlow13"'
check "no invalid_ttl packet-in (not in the default async config)" \
	eval '! grep -q "invalid_ttl" "$m".*'
# A packet-in carries the packet as the actions before the controller
# action rewrote it: Ethernet source, IP destination and TTL; then a
# pushed VLAN tag (4 bytes more); then without it and a new DSCP; from
# a packet-out's own actions too (with its reasons: action for
# controller(...), packet_out for output:CONTROLLER).
check "packet-in after mod_dl_src, set_field ip_dst, dec_ttl" \
	grep -A2 -q "^ userdata=04$" "$m.nxt_packet_in2.OpenFlow13"
check "the rewritten frame (from a host, through table 4)" eval \
	'grep -A1 "^ userdata=04$" "$m.nxt_packet_in2.OpenFlow13" |
		grep -q "dl_src=50:54:00:00:00:99,dl_dst=50:54:00:00:00:03,nw_src=10.0.0.2,nw_dst=10.0.0.9,nw_tos=0,nw_ecn=0,nw_ttl=63"'
check "after push_vlan: the tag, 102 bytes, reg3 as at the action" \
	grep -q "NXT_PACKET_IN2 (OF1.3) : table_id=4 cookie=0x44 total_len=102 reg1=0x5,reg2=0x7,reg3=0x9,metadata=0x99,in_port=2 (via action) data_len=102" \
	"$m.nxt_packet_in2.OpenFlow13"
check "the packet-out's output:CONTROLLER after mod_dl_dst: via packet_out" eval \
	'grep -A1 "^NXT_PACKET_IN2 (OF1.5) : total_len=98 in_port=1 (via packet_out)" \
		"$m.nxt_packet_in2.OpenFlow15" |
		grep -q "dl_dst=50:54:00:00:00:77,nw_src=10.0.0.7,nw_dst=10.0.0.3,nw_tos=32"'
check "its controller(userdata=07) before: via action" eval \
	'grep -B1 "^ userdata=07$" "$m.nxt_packet_in2.OpenFlow15" |
		grep -q "in_port=1 (via action)"'

# Which connections make a table miss go up (ofproto/trace's table line,
# "No match, and a "packet-in" is called for." or "No match."):
# ovs-vswitchd 3.1 does it while any service connection (any version) or
# an OpenFlow 1.0-1.2 controller is connected, not for a controller that
# is not.
for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
SW_PIDS=()
# miss_line WHO: the trace's table-0 line for a frame from port 2.
miss_line() {
	case $1 in
	o) ovs ovs-appctl ofproto/trace br0 in_port=1 ;;
	m) oappctl ofproto/trace br0 in_port=1 ;;
	esac 2>&1 | grep "^ 0\." >"$T/miss.$1"
}
miss_same() {
	miss_line o; miss_line m
	check "$1: the same table miss as Open vSwitch ($(cat "$T/miss.m"))" \
		diff -u "$T/miss.o" "$T/miss.m"
}
sleep 0.5
miss_same "a controller not connected"
check "no packet-in for it" grep -q "No match\.$" "$T/miss.m"
for V in OpenFlow13 OpenFlow10; do
	bg_ofctl m -O $V monitor br0 >/dev/null
	bg_ofctl o -O $V monitor br0 >/dev/null
	sleep 1
	miss_same "a $V service connection"
	check "$V service connection: packet-in" \
		grep -q "packet-in" "$T/miss.m"
	for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	SW_PIDS=()
done

# A controller (tests/scenarios/fake_ctrl.py, which logs what it gets)
# connected with OpenFlow 1.0 gets the table miss; with 1.3 not, and
# the miss is not sent up at all.
for ver in of10 of13; do
	flag=""
	[ $ver = of10 ] && flag=--of10
	for who in o m; do
		case $who in
		o) ns_=$P-ovs ;;
		m) ns_=$P-sw ;;
		esac
		: >"$T/ctrl.$who"
		ip netns exec "$ns_" python3 "$MICROVS_SRC/tests/scenarios/fake_ctrl.py" \
			16653 "$T/ctrl.$who" --answer $flag &
		SW_PIDS+=($!)
	done
	sleep 0.5
	ovs ovs-vsctl --db=unix:$O/db.sock set-controller br0 tcp:127.0.0.1:16653
	vsctl set-controller br0 tcp:127.0.0.1:16653
	check "$ver controller connected to both" eval \
		'for _ in $(seq 100); do
			grep -q features_reply "$T/ctrl.o" &&
				grep -q features_reply "$T/ctrl.m" && break
			sleep 0.1
		done; grep -q features_reply "$T/ctrl.o" &&
			grep -q features_reply "$T/ctrl.m"'
	miss_same "a controller connected with $ver"
	# Open vSwitch leaves a megaflow made before the controller came
	# (a drop) until its revalidator runs: purged, the frame is
	# translated with the controller there.  microvs re-translates by
	# itself.
	ovs ovs-appctl revalidator/purge >/dev/null
	for who in o m; do send $who 1; done
	sleep 1
	# Open vSwitch may still be setting the controller up (it flushes
	# the flows) when the first frame comes: for the 1.0 controller,
	# one more frame each after 2 s if its packet-in has not come.
	if [ $ver = of10 ]; then
		for _ in $(seq 20); do
			grep -q packet_in "$T/ctrl.o" && break
			sleep 0.1
		done
		grep -q packet_in "$T/ctrl.o" ||
			for who in o m; do send $who 1; done
		sleep 1
	fi
	for who in o m; do
		grep -c "packet_in" "$T/ctrl.$who" | sed 's/^[1-9][0-9]*$/1/' \
			>"$T/npin.$ver.$who"
	done
	check "$ver controller: packet-ins ($(cat "$T/npin.$ver.m")) or none from both alike" \
		diff -u "$T/npin.$ver.o" "$T/npin.$ver.m"
	for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	SW_PIDS=()
	ovs ovs-vsctl --db=unix:$O/db.sock set-controller br0 tcp:127.0.0.1:1
	vsctl set-controller br0 tcp:127.0.0.1:1
done
check "OpenFlow 1.0 controller: the table miss came up" \
	test "$(cat "$T/npin.of10.m")" = 1
check "OpenFlow 1.3 controller: it did not" \
	test "$(cat "$T/npin.of13.m")" = 0

for who in o m; do
	case $who in
	o) sock=$O/br0.mgmt ;;
	m) sock=$R/vswitchd/br0.mgmt ;;
	esac
	python3 "$MICROVS_SRC/tests/scenarios/ofp_pin_format.py" "$sock" \
		>"$T/fmt.$who" 2>&1
done
check "NXT_SET_PACKET_IN_FORMAT: the same answers from microvs as from Open vSwitch" \
	diff -u "$T/fmt.o" "$T/fmt.m"
check "an unknown format is refused" \
	grep -q "version 1 format 3: type=1 code=5, echo answered" "$T/fmt.m"
cat "$T/fmt.m"

# Asynchronous-message configuration (tests/scenarios/ofp_async.py):
# set-async in every form, good and bad, then get-async, and which of
# three connections (default, masked, secondary) get a packet-in, a
# flow-removed and port-status messages.
for who in o m; do
	case $who in
	o) sock=$O/br0.mgmt ;;
	m) sock=$R/vswitchd/br0.mgmt ;;
	esac
	timeout 60 python3 "$MICROVS_SRC/tests/scenarios/ofp_async.py" "$sock" 1 \
		>"$T/async.$who" 2>&1
done
check "set-async and get-async: the same answers from microvs as from Open vSwitch" \
	diff -u "$T/async.o" "$T/async.m"
check "the default connection got every asynchronous message" \
	grep -q "^all got: flow-removed 1, packet-in 1, port-status 2$" "$T/async.m"
check "the masked connection got none" \
	grep -q "^masked got: flow-removed 0, packet-in 0, port-status 0$" "$T/async.m"
check "a secondary gets port-status only, by default" \
	grep -q "^secondary got: flow-removed 0, packet-in 0, port-status 2$" "$T/async.m"
check "a 1.4 reason in NXT_SET_ASYNC_CONFIG2 on 1.3: ONF's OFPACFC_INVALID" \
	grep -q "^v4 NXT_SET_ASYNC_CONFIG2 1.4 reason in 1.0-1.3: type=65535 code=2370;" "$T/async.m"
grep "got:" "$T/async.m"
# ofp-print of get-async replies and set-async messages (1.3's masks,
# 1.4's properties, Nicira's two, a bad mask): ours prints what Debian's
# prints.
: >"$T/aprint.o"
: >"$T/aprint.u"
for hex in \
	041b002000000002000000030000000000000007000000070000000f00000000 \
	051b006800000002000000080000000800010008000000ff000200080000000700030008000000070004000800000000000500080000003f0006000800000000000700080000000000080008000000180009000800000000000a000800000000000b000800000003 \
	041c002000000002000000ff0000000100000007000000000000003f00000040 \
	01040028000000020000232000000013000000030000000100000007000000000000000700000000 \
	0104001800000002000023200000001b0001000800000001 \
	051c0010000000020001000800000041; do
	ovs-ofctl ofp-print "$hex" >>"$T/aprint.o" 2>&1
	"$B/ctl/ovs-ofctl" ofp-print "$hex" >>"$T/aprint.u" 2>&1
done
sed -i 's/^[0-9T:.-]*Z|[0-9]*|//' "$T/aprint.o" "$T/aprint.u"
check "ofp-print of asynchronous configurations: ours prints what Debian's prints" \
	diff -u "$T/aprint.o" "$T/aprint.u"

# Pause and resume: a flow pauses its frames (controller(pause)) before
# output:2, another sets reg0 before the pause and outputs by it after
# (resubmit to a table matching reg0).  A frame paused while no
# controller listens stays paused; with Debian's "ovs-ofctl monitor br0
# resume" (which sends back every continuation) the frames go on.
RES="$MICROVS_SRC/tests/scenarios/ofp_resume.py"
RX_PIDS=()
for who in o m; do
	run $who add-flow br0 "priority=100,in_port=1,dl_type=0x88b5,actions=controller(pause),output:2"
	run $who add-flow br0 "priority=100,in_port=2,dl_type=0x88b5,actions=load:0x2a->NXM_NX_REG0[],controller(pause),resubmit(,1)"
	run $who add-flow br0 "table=1,priority=10,reg0=0x2a,actions=output:1"
done
# rx WHO PORT WORD: waits (in the background) for WORD on the far end of
# port PORT, into $T/rx.WHO.PORT; tx WHO PORT WORD sends it into PORT.
rx() {
	case $1 in
	o) ovs python3 "$RES" --recv "p$2" "$3" 10 ;;
	m) ns "h$2" python3 "$RES" --recv eth0 "$3" 10 ;;
	esac >"$T/rx.$1.$2" 2>&1 &
	RX_PIDS+=($!)
	for _ in $(seq 50); do
		grep -q listening "$T/rx.$1.$2" && break
		sleep 0.1
	done
}
tx() {
	case $1 in
	o) ovs python3 "$RES" --send "p$2" "$3" ;;
	m) ns "h$2" python3 "$RES" --send eth0 "$3" ;;
	esac
}
for who in o m; do
	rx $who 2 one-to-two
	rx $who 1 two-to-one
	tx $who 1 held
done
sleep 1
for who in o m; do
	bg_ofctl $who monitor br0 resume >"$T/resume.$who"
done
sleep 1
for who in o m; do
	tx $who 1 one-to-two
	tx $who 2 two-to-one
done
wait "${RX_PIDS[@]}" 2>/dev/null
for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
SW_PIDS=()
for who in o m; do
	check "$who: the paused frame went on to port 2 after NXT_RESUME" \
		grep -q "^received one-to-two$" "$T/rx.$who.2"
	check "$who: the one paused with reg0=0x2a went on to port 1 by it" \
		grep -q "^received two-to-one$" "$T/rx.$who.1"
	check "$who: the frame paused with no controller stayed paused" \
		eval '! grep -q held "$T/rx.$who.2"'
	check "$who: the monitor resumed both" \
		test "$(grep -c "^send: NXT_RESUME" "$T/resume.$who")" = 2
done
check "the packet-in2 carries the continuation: the rest of the actions" \
	grep -q "continuation.actions=unroll_xlate(table=0, cookie=0),resubmit(,1)" \
	"$T/resume.m"
# pause_round NAME BRIDGE WHAT [WORD2]: h1 sends NAME-held while no
# controller resumes, then a monitor of BRIDGE resumes every
# continuation (its output in $T/NAME.WHO) and h1 sends NAME-resumed
# (and h2 WORD2); ports 1 and 2 must receive the same on both switches.
pause_round() {
	local who port
	for who in o m; do
		rx $who 2 "$1-resumed"
		rx $who 1 "$1-resumed"
	done
	for who in o m; do tx $who 1 "$1-held"; done
	sleep 1
	for who in o m; do
		bg_ofctl $who monitor "$2" resume >"$T/$1.$who"
	done
	sleep 1
	for who in o m; do
		tx $who 1 "$1-resumed"
		[ -z "${4:-}" ] || tx $who 2 "$4"
	done
	wait "${RX_PIDS[@]}" 2>/dev/null
	for p in "${SW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	SW_PIDS=()
	for port in 1 2; do
		check "$3: port $port receives the same as on Open vSwitch ($(grep -c received "$T/rx.m.$port") frames)" \
			diff -u "$T/rx.o.$port" "$T/rx.m.$port"
	done
}
# controller(pause) inside a group's bucket (reached by a resubmit: a
# bucket's own actions run as an action set, which drops a controller
# action).  Open vSwitch 3.1 freezes the rest of the bucket only: the
# rule's actions after the group (in_port) run at once, the bucket's
# output:2 after NXT_RESUME; the paused packet-in has table 0 and the
# cookie of the rule that ran the group, and the frame as rewritten
# before the pause.  Another rule pauses in a resubmitted table at the
# top level: its packet-in has table 0's rule's cookie.
for who in o m; do
	run $who -O OpenFlow13 add-group br0 "group_id=1,type=all,bucket=actions=resubmit(,5)"
	run $who add-flow br0 "table=5,cookie=0x5,priority=10,actions=mod_dl_dst:50:54:00:00:00:55,controller(pause),output:2"
	run $who add-flow br0 "cookie=0x11,priority=200,in_port=1,dl_type=0x88b5,actions=group:1,in_port"
	run $who add-flow br0 "cookie=0x22,priority=200,in_port=2,dl_type=0x88b5,actions=resubmit(,5),load:0x2a->NXM_NX_REG0[],output:1"
done
pause_round grp br0 "pause in a bucket" top-resumed
check "the rule went on after the group at once: held frame on port 1" \
	grep -q "^received grp-held$" "$T/rx.m.1"
check "the bucket's rest waited for NXT_RESUME: not the held frame on port 2" \
	eval '! grep -q grp-held "$T/rx.m.2"'
check "and went on after it" grep -q "^received grp-resumed$" "$T/rx.m.2"
# The packet-ins and the bucket's continuation as Open vSwitch's (its
# continuation of the top-level pause marks the return to table 0's rule
# with one more unroll_xlate, which microvs's does not carry).
for who in o m; do
	grep -E "^NXT_PACKET_IN2|^vlan_tci" "$T/grp.$who" >"$T/gpin.$who"
	grep -m1 "continuation.actions" "$T/grp.$who" >>"$T/gpin.$who"
done
check "paused packet-ins (bucket, top level) and the bucket's continuation as Open vSwitch's" \
	diff -u "$T/gpin.o" "$T/gpin.m"
check "the bucket's pause: cookie of the rule with the group, no table" \
	grep -q "^NXT_PACKET_IN2 (xid=0x0): cookie=0x11 total_len=60 in_port=1 (via action)" \
	"$T/gpin.m"
check "its continuation: the rest of the bucket only" \
	grep -q "^ continuation.actions=unroll_xlate(table=5, cookie=5),output:2$" \
	"$T/gpin.m"
# controller(pause) in a patch peer: br0 sends port 1's frames over a
# patch port to br1, which rewrites, pauses and sends them back (to
# br0's port 2); br0 goes on with in_port at once.  The continuation is
# br1's (its monitor resumes it).
PATCH="-- add-br br1 -- set bridge br1 datapath_type=netdev -- add-port br0 pa -- set interface pa type=patch options:peer=pb ofport_request=10 -- add-port br1 pb -- set interface pb type=patch options:peer=pa ofport_request=1"
# shellcheck disable=SC2086
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 $PATCH
# shellcheck disable=SC2086
check "microvs: br1 patched to br0" vsctl $PATCH
for who in o m; do
	run $who add-flow br0 "cookie=0x33,priority=300,in_port=1,dl_type=0x88b5,actions=output:10,in_port"
	run $who add-flow br0 "priority=300,in_port=10,dl_type=0x88b5,actions=output:2"
	run $who add-flow br1 "cookie=0x9,priority=300,in_port=1,dl_type=0x88b5,actions=mod_dl_dst:50:54:00:00:00:66,controller(pause),output:IN_PORT"
done
pause_round patch br1 "pause in a patch peer"
check "br0 went on after the patch output at once: held frame on port 1" \
	grep -q "^received patch-held$" "$T/rx.m.1"
check "br1's rest waited for NXT_RESUME: only the resumed frame on port 2" \
	eval '! grep -q patch-held "$T/rx.m.2" && grep -q "^received patch-resumed$" "$T/rx.m.2"'
for who in o m; do
	grep -E "^NXT_PACKET_IN2|^vlan_tci| continuation.actions" \
		"$T/patch.$who" >"$T/ppin.$who"
done
check "pause in a patch peer: br1's packet-in and continuation as Open vSwitch's" \
	diff -u "$T/ppin.o" "$T/ppin.m"
check "its cookie: br1's rule's; the rest: back over the patch" \
	grep -q "cookie=0x9 total_len=60 in_port=1 (via action)" "$T/ppin.m"
# Forged and replayed continuations (tests/scenarios/ofp_resume.py).
python3 "$RES" "$O/br0.mgmt" >"$T/res.o" 2>&1
python3 "$RES" "$R/vswitchd/br0.mgmt" >"$T/res.m" 2>&1
check "NXT_RESUME, good, stale and forged: the same answers from microvs as from Open vSwitch" \
	diff -u "$T/res.o" "$T/res.m"
check "a continuation sent back as it came is accepted" \
	grep -q "^v4 the continuation as it came: none, echo answered" "$T/res.m"
check "a continuation of another bridge: NXR_STALE" \
	grep -q "^v4 its bridge changed: type=65535 code=35, echo answered" "$T/res.m"
finish
