#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# port-mod and table-mod (issue 9), Debian's ovs-ofctl against microvs
# and against real Open vSwitch 3.1 (netdev bridge, own namespace, the
# same ports): mod-port down, up, no-flood, no-receive, no-forward,
# no-packet-in and back, by name and number, over OpenFlow 1.0, 1.3 and
# 1.5, then show and dump-ports-desc print the same (but the link's
# speed); a bad port is refused alike.  mod-table is accepted or refused
# alike, and dump-table-desc shows what it set.  Then traffic: with h3's port no-flood a flood reaches h2 only;
# with port 2 no-forward an output to it is skipped; port-mod down sets
# the device down (as Open vSwitch does) and up again; no-receive and
# no-packet-in change nothing for a flow's packets, as in Open vSwitch.
P=ofpm$$
. "$(dirname "$0")/swlib.sh"
ofdiff_start 3 10.76.0

# The link's features and speed (what ethtool says) are left out, the
# addresses and times normalised.
ofdiff_filter() {
	grep -v "current:\|speed:" |
		sed -e 's/dpid:[0-9a-f]*/dpid:X/' \
			-e 's/addr:[0-9a-f:]*/addr:X/' \
			-e 's/^[0-9T:-]*Z|/TIME|/'
}
run() { ofdiff_run "$@"; }
same() {
	run o "$@"; run m "$@"
	check "$*: the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
}
# settle: the switches apply a port going down or up when the device
# says so; wait for both to show the same.
settle() {
	for _ in $(seq 40); do
		run o "$@"; run m "$@"
		diff -q "$T/out.o" "$T/out.m" >/dev/null && break
		sleep 0.25
	done
	check "$*: the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
}

same mod-port br0 h2 no-flood
same mod-port br0 3 no-receive
same mod-port br0 h3 no-forward
same mod-port br0 h3 no-packet-in
same show br0
same -O OpenFlow13 dump-ports-desc br0
same -O OpenFlow15 mod-port br0 h3 receive
same -O OpenFlow13 mod-port br0 h3 forward
same -O OpenFlow15 show br0
same mod-port br0 h9 up
same mod-port br0 h1 down
settle show br0
same mod-port br0 h1 up
settle show br0
same mod-port br0 h2 flood
same mod-port br0 h3 packet-in
same show br0
same -O OpenFlow14 mod-table br0 0 evict
same -O OpenFlow14 mod-table br0 0 vacancy:20,80
same -O OpenFlow14 mod-table br0 all noevict
same -O OpenFlow14 mod-table br0 254 evict
same -O OpenFlow15 mod-table br0 1 novacancy
same -O OpenFlow11 mod-table br0 0 drop
same -O OpenFlow12 mod-table br0 3 continue
same -O OpenFlow14 dump-table-desc br0
same -O OpenFlow15 dump-table-desc br0

# Traffic.
of() { sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" "$@"; }
ip -n "$P-h1" neigh add 10.76.0.99 lladdr 02:00:00:00:00:99 dev eth0
# capture HOSTS...: tcpdump of UDP to port 7777 on each, started.
capture() {
	CAP_PIDS=()
	for h in "$@"; do
		ip netns exec "$P-$h" tcpdump -l -n -i eth0 udp and dst port 7777 \
			>"$T/cap.$h" 2>"$T/cap.$h.err" &
		CAP_PIDS+=($!)
		SW_PIDS+=($!)
	done
	for h in "$@"; do
		for _ in $(seq 100); do
			grep -q "listening on" "$T/cap.$h.err" && break
			sleep 0.05
		done
	done
}
stop_capture() { sleep 1; kill "${CAP_PIDS[@]}" 2>/dev/null; wait "${CAP_PIDS[@]}" 2>/dev/null; }
send() {
	ns h1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"x", ("10.76.0.99", 7777))
'
}
count() { grep -c "> 10.76.0.99.7777" "$T/cap.$1"; }

check "flows: h1's UDP floods" of add-flow br0 "priority=100,in_port=1,udp,actions=FLOOD"
check "mod-port h3 no-flood" of mod-port br0 h3 no-flood
capture h2 h3
send
stop_capture
check "no-flood: the flood reached h2 ($(count h2)) but not h3 ($(count h3))" \
	eval '[ "$(count h2)" = 5 ] && [ "$(count h3)" = 0 ]'
check "mod-port h3 flood" of mod-port br0 h3 flood
capture h2 h3
send
stop_capture
check "flood again: h2 ($(count h2)) and h3 ($(count h3)) both" \
	eval '[ "$(count h2)" = 5 ] && [ "$(count h3)" = 5 ]'
check "flows: h1's UDP to ports 2 and 3" \
	of mod-flows br0 "in_port=1,udp,actions=output:2,output:3"
check "mod-port 2 no-forward" of mod-port br0 2 no-forward
capture h2 h3
send
stop_capture
check "no-forward: output to port 2 skipped ($(count h2)), port 3 got it ($(count h3))" \
	eval '[ "$(count h2)" = 0 ] && [ "$(count h3)" = 5 ]'
check "mod-port 2 forward" of mod-port br0 2 forward
# Open vSwitch 3.1 forwards what a no-receive port receives (its flows
# count the packets, checked there by injecting frames): so does microvs.
check "mod-port h1 no-receive" of mod-port br0 h1 no-receive
capture h2 h3
send
stop_capture
check "no-receive: still forwarded, as by Open vSwitch (h2 $(count h2), h3 $(count h3))" \
	eval '[ "$(count h2)" = 5 ] && [ "$(count h3)" = 5 ]'
check "mod-port h1 receive" of mod-port br0 h1 receive
check "mod-port h3 down" of mod-port br0 h3 down
dev_up() { sw ip link show h3 | head -1 | grep -q "[<,]UP[,>]"; }
dev_down() { ! dev_up; }
# soon CMD...: CMD succeeds within 4 s.
soon() {
	for _ in $(seq 40); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
check "the device h3 is down" soon dev_down
check "show: h3 PORT_DOWN" eval 'of show br0 | grep -A1 "(h3)" | grep -q "config:.*PORT_DOWN"'
check "mod-port h3 up" of mod-port br0 h3 up
check "the device h3 is up again" soon dev_up
capture h2 h3
send
stop_capture
check "after up: h2 ($(count h2)) and h3 ($(count h3)) both" \
	eval '[ "$(count h2)" = 5 ] && [ "$(count h3)" = 5 ]'

# no-packet-in: h1's UDP goes to the controller; a monitor (a service
# connection that asked for packet-ins) sees them, and still does with
# port 1 set no-packet-in: Open vSwitch 3.1 drops only table-miss
# packet-ins for such a port, not the ones an action asks for (checked
# there by injecting frames under a CONTROLLER flow: 10 of 10 came up).
check "flows: h1's UDP to the controller" \
	of mod-flows br0 "in_port=1,udp,actions=CONTROLLER:64"
sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl monitor br0 65534 \
	>"$T/monitor" 2>&1 &
MON=$!
SW_PIDS+=($MON)
sleep 1
send
pins() { grep -c "PACKET_IN.* total_len=" "$T/monitor"; }
soon eval '[ "$(pins)" -ge 5 ]'
p0=$(pins)
check "the monitor got h1's 5 packets as packet-ins ($p0)" test "$p0" -ge 5
check "mod-port h1 no-packet-in" of mod-port br0 h1 no-packet-in
send
check "no-packet-in: the action's packet-ins still come, as from Open vSwitch" \
	soon eval '[ "$(pins)" -ge $((p0 + 5)) ]'
check "mod-port h1 packet-in" of mod-port br0 h1 packet-in
kill "$MON" 2>/dev/null
finish
