#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# dp_xsk: which packet I/O pays on veth for 64-byte UDP (issue 8: "AF_XDP
# for small packets ... measure it").  One topology (host A -- switch
# namespace -- host B, as in dp_veth.sh), and in each round, one after the
# other on it:
#   ring      upcalld's datapath (dp_driver, one flow per direction) on its
#             AF_PACKET TPACKET_V2 ring with vnet headers, as shipped;
#   xring     xskfwd: a bare forwarder doing upcalld's I/O alone (the same
#             ring, vnet headers and send-only socket);
#   afpacket  xskfwd with AF_PACKET recvmmsg/sendmmsg;
#   xdp-skb   xskfwd on AF_XDP sockets, generic (skb) XDP, copy mode;
#   xdp-drv   xskfwd on AF_XDP sockets, veth's native XDP, copy mode.
# xskfwd does no lookup at all, so "xring" against "xdp-*" is the I/O
# method alone, and "ring" against "xring" what the datapath adds.
# trafgen sends on CPU 0, the forwarder runs on CPU 1.  Per setup: packets
# per second delivered to host B's UDP layer, the forwarder's CPU (of one
# core) and per packet, and the whole machine's busy CPU per packet (all
# cores, so other load on the machine inflates it; the receive half of the
# veth work runs in trafgen's softirq on CPU 0, which only this figure
# sees) and trafgen's CPU plus the forwarder's per packet ("gen+fwd":
# the receive half runs in trafgen's softirq, so this is the whole path
# without other processes' load, but trafgen's own sending is in it
# too).  Then the forwarders' CPU while idle (no busy-polling: ~0).
# Rounds alternate the setups (A/B/A/B) so that load changes hit all alike.
#
# SETUPS="ring xdp-drv" picks setups (default: all five); RATE=100000pps
# paces trafgen (default: as fast as it can), so that every setup carries
# the same load and its CPU per packet compares at that load.
#
# Usage (root): bench/switch/dp_xsk.sh BUILD_DIR [SECONDS] [ROUNDS]
set -u
. "$(dirname "$0")/udp64.sh"
B=${1:?usage: dp_xsk.sh BUILD_DIR [SECONDS] [ROUNDS]}
SECS=${2:-5}
ROUNDS=${3:-2}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v trafgen >/dev/null || { echo "skip: trafgen (netsniff-ng) missing"; exit 77; }
SW=xsk-sw-$$ HA=xsk-a-$$ HB=xsk-b-$$
T=$(mktemp -d /tmp/dp-xsk.XXXXXX)
FWD=
cleanup() {
	[ -n "$FWD" ] && kill "$FWD" 2>/dev/null && wait "$FWD" 2>/dev/null
	for n in $SW $HA $HB; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
HZ=$(getconf CLK_TCK)

conf() { udp64_conf "$T/udp.cfg" "$1" 10 88 17; } # conf DST_MAC

rx() { # datagrams that reached host $1's UDP layer
	ip netns exec "$1" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $2 + $3 }' /proc/net/snmp
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# start SETUP: the forwarder for SETUP in $SW, its pid in FWD.
start() {
	: >"$T/report"
	case $1 in
	ring)
		ip netns exec $SW taskset -c 1 "$B/tests/dp_driver" \
			--dp xskdp$$ --report "$T/report" --port va --port vb \
			--flow 'in_port(va) vb' --flow 'in_port(vb) va' \
			>"$T/fwd.log" 2>&1 &
		FWD=$!
		for _ in $(seq 50); do [ -s "$T/report" ] && break; sleep 0.1; done
		;;
	*)
		local m=$1; [ "$m" = xring ] && m=ring
		ip netns exec $SW taskset -c 1 "$B/bench/switch/xskfwd" "$m" \
			va vb >"$T/fwd.log" 2>"$T/fwd.err" &
		FWD=$!
		sleep 1
		;;
	esac
}
stop() {
	kill -INT "$FWD" 2>/dev/null; wait "$FWD" 2>/dev/null; FWD=
}

# measure SETUP: one line of figures.
measure() {
	local r0 r1 c0 c1 b0 b1 pps
	start "$1"
	if ! kill -0 "$FWD" 2>/dev/null; then
		echo "$1: did not start: $(tail -1 "$T/fwd.err" "$T/fwd.log" 2>/dev/null | tr '\n' ' ')"
		FWD=; return
	fi
	r0=$(rx $HB); c0=$(ticks "$FWD"); b0=$(busy)
	# ip netns exec and taskset exec: $! is trafgen itself.
	ip netns exec $HA taskset -c 0 trafgen --dev eth0 --conf "$T/udp.cfg" \
		--cpus 1 ${RATE:+--rate $RATE} -q >/dev/null 2>&1 &
	local gen=$! kids g1=0 k
	sleep "$SECS"
	# trafgen forks one sender per CPU: count and stop them too.
	kids=$(cat /proc/$gen/task/*/children 2>/dev/null)
	for k in $gen $kids; do g1=$((g1 + $(ticks $k 2>/dev/null || echo 0))); done
	kill -INT $kids $gen 2>/dev/null; wait $gen 2>/dev/null
	sleep 0.2
	r1=$(rx $HB); c1=$(ticks "$FWD"); b1=$(busy)
	sleep 1
	local i0 i1; i0=$(ticks "$FWD"); sleep 2; i1=$(ticks "$FWD")
	stop
	local note=; [ "$1" = ring ] || note=" ($(tail -1 "$T/fwd.log"))"
	pps=$(((r1 - r0) / SECS))
	[ "$pps" -gt 0 ] || pps=1
	printf '%-9s %7d pkt/s  fwd CPU %4.2f  us/pkt: fwd %5.3f  gen+fwd %5.3f  machine %6.3f  idle CPU %4.2f%s\n' \
		"$1" "$pps" "$(echo "scale=3; ($c1 - $c0) / $HZ / $SECS" | bc)" \
		"$(echo "scale=4; ($c1 - $c0) * 1000000 / $HZ / ($r1 - $r0 + 1)" | bc)" \
		"$(echo "scale=4; ($c1 - $c0 + $g1) * 1000000 / $HZ / ($r1 - $r0 + 1)" | bc)" \
		"$(echo "scale=4; ($b1 - $b0) * 1000000 / $HZ / ($r1 - $r0 + 1)" | bc)" \
		"$(echo "scale=3; ($i1 - $i0) / $HZ / 2" | bc)" "$note"
}

for n in $SW $HA $HB; do ip netns add $n; done
ip -n $SW link add va type veth peer name eth0 netns $HA
ip -n $SW link add vb type veth peer name eth0 netns $HB
for l in va vb lo; do ip -n $SW link set $l up; done
for n in $HA $HB; do ip -n $n link set eth0 up; ip -n $n link set lo up; done
ip -n $HA addr add 10.88.17.1/24 dev eth0
ip -n $HB addr add 10.88.17.2/24 dev eth0
conf "$(ip -n $HB -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/')"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $SECS s per setup, $ROUNDS rounds, rate ${RATE:-max}"
for r in $(seq "$ROUNDS"); do
	echo "round $r"
	for s in ${SETUPS:-ring xring afpacket xdp-skb xdp-drv}; do
		measure $s
	done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
