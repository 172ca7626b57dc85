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
# with good and bad values gets the same answers from both.
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
both add-flow br0 "cookie=0x55,priority=5,in_port=2,actions=controller(userdata=0a.0b.0c),load:7->NXM_NX_REG2[],resubmit(,3)"
# Controller actions from a packet-out, one with a reason Open vSwitch
# does not send by default, and a table miss from it.
both packet-out br0 "in_port=1 packet=$PKT actions=controller(userdata=01.02,reason=invalid_ttl),load:3->NXM_NX_REG0[],controller(max_len=20),resubmit(,3)"
both packet-out br0 "in_port=1 packet=$PKT actions=output:TABLE"
both packet-out br0 "in_port=2 packet=$PKT actions=controller(reason=group,userdata=ff)"
# From the hosts: through the flows, and a table miss.
for who in o m; do
	send $who 2
	send $who 1
done
sleep 2
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
finish
