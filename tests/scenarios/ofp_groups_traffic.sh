#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow groups move traffic (issue 9): hosts h1-h4 on a netdev bridge,
# h1 sends UDP flows (one source port each, three packets per flow) that a
# flow hands to a group; tcpdump on h2, h3 and h4 counts what arrives:
#   - type all: both buckets' ports get every packet, the group's and
#     each bucket's counters count them;
#   - type select: 60 flows are spread over two buckets, both get some,
#     every flow sticks to one; with weights 3:1 the first gets more;
#     selection_method=hash with fields(ip_dst) puts every flow in one
#     bucket and leaves the source port out of the megaflow, with
#     fields(udp_src) they spread again;
#   - type fast_failover: the traffic goes to the first bucket's port,
#     moves to the second's when the first port's link goes down (ip
#     link set down in h2) and comes back when it is up again;
#   - a meter of 1,000 packets/s caps a 10,000 packets/s stream, also
#     after upcalld's restart.
P=ofgt$$
. "$(dirname "$0")/swlib.sh"
sw_start
for i in 1 2 3 4; do
	host h$i "10.75.0.$i" || { fail "hosts"; finish; }
done
ports=""
for i in 1 2 3 4; do
	ports="$ports -- add-port br0 h$i -- set interface h$i ofport_request=$i"
done
# shellcheck disable=SC2086
check "br0 (netdev) with h1-h4 as ports 1-4" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev $ports
of() { sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" -O OpenFlow13 "$@"; }
# The flows' destination: no host has it, so only the groups deliver.
ip -n "$P-h1" neigh add 10.75.0.99 lladdr 02:00:00:00:00:99 dev eth0

# capture: tcpdump on h2-h4 (the UDP packets to port 7777), started.
capture() {
	local h
	for h in h2 h3 h4; do
		ip netns exec "$P-$h" tcpdump -l -n -i eth0 udp and dst port 7777 \
			>"$T/cap.$h" 2>"$T/cap.$h.err" &
		SW_PIDS+=($!)
		eval "pid_$h=\$!"
	done
	for h in h2 h3 h4; do
		for _ in $(seq 100); do
			grep -q "listening on" "$T/cap.$h.err" && break
			sleep 0.05
		done
	done
}
# stop_capture: ends the captures once what was sent has arrived.
stop_capture() {
	sleep 1
	kill "$pid_h2" "$pid_h3" "$pid_h4" 2>/dev/null
	wait "$pid_h2" "$pid_h3" "$pid_h4" 2>/dev/null
}
# send FIRST N: h1 sends 3 packets from each source port FIRST..FIRST+N-1.
send() {
	ns h1 python3 -c '
import socket, sys
first, n = int(sys.argv[1]), int(sys.argv[2])
for p in range(first, first + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.75.0.1", p))
    for _ in range(3):
        s.sendto(b"x", ("10.75.0.99", 7777))
    s.close()
' "$1" "$2"
}
# count H: packets host H captured; sports H: its source ports, sorted.
count() { grep -c "> 10.75.0.99.7777" "$T/cap.$1"; }
sports() {
	sed -n 's/.* 10\.75\.0\.1\.\([0-9]*\) > 10\.75\.0\.99\.7777.*/\1/p' \
		"$T/cap.$1" | sort -n
}
# stat_ok GROUP REGEX: dump-group-stats shows REGEX for GROUP within 15 s
# (the megaflows' statistics come back with revalidation).
stat_ok() {
	for _ in $(seq 30); do
		of dump-group-stats br0 "group_id=$1" >"$T/gstats" 2>&1
		grep -q "$2" "$T/gstats" && return 0
		sleep 0.5
	done
	cat "$T/gstats"
	return 1
}

check "no flows but ours" of del-flows br0
check "group 1: all, to ports 2 and 3" \
	of add-group br0 "group_id=1,type=all,bucket=output:2,bucket=output:3"
check "flow: h1's UDP to port 7777 goes to group 1" \
	of add-flow br0 "priority=100,in_port=1,udp,tp_dst=7777,actions=group:1"
capture
send 20000 10
stop_capture
check "all: h2 got the 30 packets ($(count h2))" test "$(count h2)" = 30
check "all: h3 got the 30 packets ($(count h3))" test "$(count h3)" = 30
check "all: h4 got none ($(count h4))" test "$(count h4)" = 0
check "all: the group and both buckets counted 30 packets" \
	stat_ok 1 "packet_count=30,.*bucket0:packet_count=30,.*bucket1:packet_count=30,"

check "group 2: select over ports 2 and 3" \
	of add-group br0 "group_id=2,type=select,bucket=output:2,bucket=output:3"
check "the flow now uses group 2" \
	of mod-flows br0 "in_port=1,udp,tp_dst=7777,actions=group:2"
capture
send 21000 60
stop_capture
sports h2 >"$T/p2"
sports h3 >"$T/p3"
n2=$(sort -u "$T/p2" | wc -l)
n3=$(sort -u "$T/p3" | wc -l)
check "select: both buckets got flows (h2 $n2, h3 $n3)" \
	eval '[ "$n2" -gt 0 ] && [ "$n3" -gt 0 ]'
check "select: every flow arrived, once per packet ($(count h2) + $(count h3))" \
	eval '[ $(($(count h2) + $(count h3))) = 180 ] && [ $((n2 + n3)) = 60 ]'
check "select: no flow went to both (each sticks to one bucket)" \
	eval '[ -z "$(comm -12 <(sort -u "$T/p2") <(sort -u "$T/p3"))" ]'
check "select: each flow's 3 packets went to one host" \
	eval '! cat "$T/p2" "$T/p3" | sort -n | uniq -c | grep -qv "^ *3 "'
check "select: h4 got none" test "$(count h4)" = 0

check "group 2 modified: weights 3 and 1" \
	of mod-group br0 "group_id=2,type=select,bucket=weight:3,output:2,bucket=weight:1,output:3"
# spread FIRST N: h1 sends N flows from source port FIRST on; b2 and b3:
# how many of them went to h2 and to h3.
spread() {
	capture
	send "$1" "$2"
	stop_capture
	b2=$(sports h2 | sort -u | wc -l)
	b3=$(sports h3 | sort -u | wc -l)
}
spread 22000 60
w2=$b2 w3=$b3
check "select weights 3:1: the first bucket got more flows (h2 $w2, h3 $w3)" \
	eval '[ "$w2" -gt "$w3" ] && [ "$w3" -gt 0 ] && [ $((w2 + w3)) = 60 ]'

# selection_method=hash (OpenFlow 1.5's group property): the hash of
# the given fields picks the bucket, and the megaflows match just those.
of15() { sw env MICROVS_RUNDIR="$R" "$B/ctl/ovs-ofctl" -O OpenFlow15 "$@"; }
check "group 2 modified: a hash of ip_dst only" \
	of15 mod-group br0 "group_id=2,type=select,selection_method=hash,fields(ip_dst),bucket=output:2,bucket=output:3"
spread 22500 20
x2=$b2 x3=$b3
check "hash of ip_dst: the 20 flows (one destination) all in one bucket (h2 $x2, h3 $x3)" \
	eval '[ $((x2 + x3)) = 20 ] && { [ "$x2" = 0 ] || [ "$x3" = 0 ]; }'
dump_flows >"$T/mf.ipdst"
check "hash of ip_dst: its megaflow matches ipv4 dst, not the UDP source port" \
	eval 'grep "dst=10.75.0.99" "$T/mf.ipdst" | grep -q "udp(dst=7777)"'
check "group 2 modified: a hash of udp_src" \
	of15 mod-group br0 "group_id=2,type=select,selection_method=hash,fields(udp_src),bucket=output:2,bucket=output:3"
spread 22600 40
y2=$b2 y3=$b3
check "hash of udp_src: both buckets got flows (h2 $y2, h3 $y3)" \
	eval '[ "$y2" -gt 0 ] && [ "$y3" -gt 0 ] && [ $((y2 + y3)) = 40 ]'
check "hash of udp_src: each flow's 3 packets to one host" \
	eval '! { sports h2; sports h3; } | sort -n | uniq -c | grep -qv "^ *3 "'
dump_flows >"$T/mf.udpsrc"
check "hash of udp_src: its megaflows match the UDP source port" \
	grep -q "udp(src=226[0-9][0-9],dst=7777)" "$T/mf.udpsrc"
# selection_method=dp_hash: Open vSwitch hashes the 5-tuple in the
# datapath (hash(l4(0)), then recirculates) and shares 16 hash values
# among the buckets by weight (12 and 4 for 3:1, Webster's method).
# microvs computes the same datapath hash in the translation and picks
# the same way; its megaflows match the 5-tuple, not the Ethernet
# addresses the default method's symmetric hash reads.
check "group 2 modified: dp_hash, weights 3 and 1" \
	of15 mod-group br0 "group_id=2,type=select,selection_method=dp_hash,bucket=weight:3,output:2,bucket=weight:1,output:3"
spread 23000 200
z2=$b2 z3=$b3
check "dp_hash 3:1: 200 flows shared by weight (h2 $z2, h3 $z3: at least 2:1)" \
	eval '[ $((z2 + z3)) = 200 ] && [ "$z3" -gt 0 ] && [ "$z2" -ge $((2 * z3)) ]'
check "dp_hash: each flow's 3 packets to one host" \
	eval '! { sports h2; sports h3; } | sort -n | uniq -c | grep -qv "^ *3 "'
dump_flows >"$T/mf.dphash"
check "dp_hash: megaflows match the 5-tuple and not the Ethernet addresses" \
	eval 'grep "udp(src=23[0-9][0-9][0-9],dst=7777)" "$T/mf.dphash" |
		grep "src=10.75.0.1,dst=10.75.0.99,proto=17" | grep -qv "eth(src="'

check "group 3: fast_failover, port 2 then port 3" \
	of add-group br0 "group_id=3,type=fast_failover,bucket=watch_port:2,output:2,bucket=watch_port:3,output:3"
check "the flow now uses group 3" \
	of mod-flows br0 "in_port=1,udp,tp_dst=7777,actions=group:3"
capture
send 23000 5
stop_capture
check "fast_failover: h2 got all 15 ($(count h2)), h3 none ($(count h3))" \
	eval '[ "$(count h2)" = 15 ] && [ "$(count h3)" = 0 ]'
# within SECS CMD...: CMD succeeds within SECS seconds (a hang guard:
# vswitchd reads the ports' link state every second while buckets watch
# ports).
within() {
	local n=$(($1 * 4))
	shift
	for _ in $(seq $n); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	return 1
}
# link_down PORT: ovs-ofctl show says PORT's link is down.
link_down() { of show br0 | grep -A2 "^ $1(" | grep -q "state:.*LINK_DOWN"; }
ip -n "$P-h2" link set eth0 down
check "h2's link down: the switch sees port 2 down" \
	within 20 link_down 2
capture
send 23100 5
stop_capture
check "fast_failover: with port 2 down, h3 got all 15 ($(count h3))" \
	test "$(count h3)" = 15
ip -n "$P-h2" link set eth0 up
check "h2's link up again" within 20 eval '! link_down 2'
capture
send 23200 5
stop_capture
check "fast_failover: back on port 2 (h2 $(count h2), h3 $(count h3))" \
	eval '[ "$(count h2)" = 15 ] && [ "$(count h3)" = 0 ]'
check "deleting group 3 deletes the flow that uses it" \
	eval 'of del-groups br0 group_id=3 && ! of dump-flows br0 | grep -q group:3'

# A meter of 1,000 packets/s on h1's UDP flow, h1 sending about 10,000
# packets/s for 3 s: h2 receives about 1,000 a second (a wide band, the
# machine is loaded: 500-2,000), the band counts the drops.
check "meter 1: 1,000 packets/s" \
	of add-meter br0 "meter=1,pktps,band=type=drop,rate=1000"
check "the flow now goes through meter 1 to port 2" \
	of add-flow br0 "priority=100,in_port=1,udp,tp_dst=7777,actions=meter:1,output:2"
# stream: h1 sends about 10,000 UDP packets a second for 3 s, captured;
# sets sent, secs, got (at h2) and rate.
stream() {
	capture
	ns h1 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
sent = 0
while time.monotonic() - start < 3.0:
    # 10 packets a millisecond, paced against the clock.
    due = int((time.monotonic() - start) * 10000)
    while sent < due:
        s.sendto(b"x", ("10.75.0.99", 7777))
        sent += 1
    time.sleep(0.0005)
print(sent, time.monotonic() - start)
' >"$T/sent"
	stop_capture
	read -r sent secs <"$T/sent"
	got=$(count h2)
	rate=$(python3 -c "print(int($got / $secs))")
}
stream
check "the sender sent at least 15,000 packets in 3 s ($sent in ${secs}s)" \
	test "$sent" -ge 15000
check "meter: h2 received $got packets, $rate a second: within 500-2,000" \
	eval '[ "$rate" -ge 500 ] && [ "$rate" -le 2000 ]'
meter_ok() {
	of meter-stats br0 meter=1 >"$T/mstats" 2>&1
	band=$(sed -n 's/^0: packet_count:\([0-9]*\).*/\1/p' "$T/mstats")
	in=$(sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' "$T/mstats")
	[ -n "$band" ] && [ "$band" -gt 0 ] && [ "$in" -ge "$got" ] &&
		[ $((in - band)) -ge "$got" ]
}
check "meter-stats: the band dropped packets, what entered covers what h2 got" \
	within 10 meter_ok
of meter-stats br0 meter=1 | sed 's/^/  /'
# upcalld restarted (its megaflows kept) has no meters until vswitchd
# gives them again when the datapath reopens.
sw_kill upcalld
stream
check "after upcalld's restart the meter caps again: $got packets, $rate a second" \
	eval '[ "$sent" -ge 15000 ] && [ "$rate" -ge 500 ] && [ "$rate" -le 2000 ]'
check "deleting meter 1 deletes the flow that uses it" \
	eval 'of del-meter br0 meter=1 && ! of dump-flows br0 | grep -q meter:1'
finish
