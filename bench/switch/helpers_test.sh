#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark's helpers count right: swgen's frames over a bare veth pair
# between two namespaces reach swsink one for one, -f walks the UDP ports as
# documented, -M sends to MACs nobody has (the device sees every frame, the
# socket none), and bad arguments are refused.  Needs root (else skipped).
#   helpers_test.sh BUILD_DIR
set -u
B=${1:?usage: helpers_test.sh BUILD_DIR}
GEN=$B/bench/switch/swgen SINK=$B/bench/switch/swsink
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
a=bench8-$$-ta b=bench8-$$-tb
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
cleanup() {
	[ -n "${sp:-}" ] && kill "$sp" 2>/dev/null
	ip netns del $a 2>/dev/null
	ip netns del $b 2>/dev/null
	rm -f "$out"
}
out=$(mktemp)
trap cleanup EXIT
ip netns add $a || { echo "skip: cannot create a network namespace"; exit 77; }
ip netns add $b
ip -n $a link add eth0 type veth peer name eth0 netns $b
ip -n $a addr add 10.99.0.1/24 dev eth0
ip -n $b addr add 10.99.0.2/24 dev eth0
ip -n $a link set eth0 up
ip -n $b link set eth0 up
mac=$(ip netns exec $b cat /sys/class/net/eth0/address)
rx() { ip netns exec $b cat /sys/class/net/eth0/statistics/rx_packets; }

# sink NPORTS: starts swsink in $b, waits for "ready"
sink() {
	ip netns exec $b "$SINK" 10.99.0.2 9000 "$1" 30 >"$out" &
	sp=$!
	for _ in $(seq 100); do
		grep -q ready "$out" && return
		sleep 0.05
	done
	fail "swsink printed no ready"
}
# stop_sink: stops the sink (not in a subshell: it must wait for it) and
# sets n to its count
stop_sink() {
	kill "$sp"
	wait "$sp"
	sp=
	n=$(sed -n 's/^received=\([0-9]*\) .*/\1/p' "$out")
}
gen() { ip netns exec $a "$GEN" "$@" eth0 "$mac" 10.99.0.1 10.99.0.2 10; }

sink 1
g=$(gen -r 20000 -c 1000)
stop_sink
case "$g" in sent=1000\ *) pass "swgen: $g" ;; *) fail "swgen: $g" ;; esac
[ "$n" = 1000 ] && pass "one flow: the sink counted 1000" ||
	fail "one flow: the sink counted '$n', not 1000"

# Flow i has destination port 9000 + i / 64512 % NPORTS: of 64000..64999,
# the first 512 go to 9000, the other 488 to 9001.
sink 1
g=$(gen -f -n 2 -i 64000 -r 20000 -c 1000)
stop_sink
case "$g" in *next=65000) pass "-f: $g" ;; *) fail "-f: $g" ;; esac
[ "$n" = 512 ] && pass "-f: 512 of 1000 frames to port 9000" ||
	fail "-f: port 9000 got '$n' frames, not 512"
sink 2
gen -f -n 2 -i 64000 -r 20000 -c 1000 >/dev/null
stop_sink
[ "$n" = 1000 ] && pass "-f: ports 9000-9001 got all 1000" ||
	fail "-f: ports 9000-9001 got '$n' frames, not 1000"

sink 1
r0=$(rx)
gen -M -r 20000 -c 1000 >/dev/null
r1=$(rx)
stop_sink
[ $((r1 - r0)) -ge 1000 ] && [ "$n" = 0 ] &&
	pass "-M: eth0 received $((r1 - r0)), the socket none" ||
	fail "-M: eth0 received $((r1 - r0)), the socket '$n'"

"$GEN" >/dev/null 2>&1
[ $? = 2 ] && pass "swgen without arguments: exit 2" || fail "swgen usage"
"$GEN" eth0 zz:00:00:00:00:00 1.2.3.4 1.2.3.5 1 >/dev/null 2>&1
[ $? = 2 ] && pass "swgen with a bad MAC: exit 2" || fail "swgen bad MAC"
"$SINK" 10.99.0.2 0 >/dev/null 2>&1
[ $? = 2 ] && pass "swsink with port 0: exit 2" || fail "swsink port 0"

[ $failures = 0 ] && echo "all passed" || echo "$failures failed"
[ $failures = 0 ]
