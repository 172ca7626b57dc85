#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# dp_veth: 64-byte UDP packets per second, and iperf3 TCP with the veths'
# default offloads, through upcalld's userspace
# datapath (dp_driver with one flow per direction, no vswitchd) between
# two namespaces, against the bare veth pair with no switch, in one run.
# The generator is trafgen (netsniff-ng) on one CPU; the sink is host B's
# UDP layer (datagrams delivered, to a socket or to a closed port), read
# from /proc/net/snmp, so a packet counts only once it crossed everything.
# The datapath runs on the other CPU.  Prints one line per setup, the
# datapath's CPU use and the ratio.  The machine must be otherwise idle:
# on 2 cores any other load halves what the datapath gets; the CPU time
# per packet is the figure least disturbed by such load.
# MICROVS_AFPACKET_RING=0 measures the recvmmsg receive path instead of
# the ring.
#
# Usage (root): bench/switch/dp_veth.sh BUILD_DIR [SECONDS]
set -u
. "$(dirname "$0")/udp64.sh"
B=${1:?usage: dp_veth.sh BUILD_DIR [SECONDS]}
SECS=${2:-5}
command -v trafgen >/dev/null || { echo "skip: trafgen (netsniff-ng) missing"; exit 77; }
SW=dp8-bsw-$$ HA=dp8-ba-$$ HB=dp8-bb-$$
T=$(mktemp -d /tmp/dp8-bench.XXXXXX)
DRV=
cleanup() {
	[ -n "$DRV" ] && kill "$DRV" 2>/dev/null && wait "$DRV" 2>/dev/null
	for n in $SW $HA $HB; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

conf() { udp64_conf "$T/udp.cfg" "$1" 10 88 9; } # conf DST_MAC

rx() { # datagrams that reached host $1's UDP layer
	ip netns exec "$1" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $2 + $3 }' /proc/net/snmp
}

# measure NS_RX: runs trafgen in $HA for $SECS s, prints packets/s at $1.
measure() {
	local r0 r1
	r0=$(rx "$1")
	ip netns exec $HA taskset -c 0 timeout -s INT "$SECS" trafgen \
		--dev eth0 --conf "$T/udp.cfg" --cpus 1 -q >/dev/null 2>&1
	sleep 0.2
	r1=$(rx "$1")
	echo $(((r1 - r0) / SECS))
}

# tcp: iperf3 from $HA to $HB for $SECS s, in Mbit/s received.
tcp() {
	ip netns exec $HB iperf3 -s -1 -B 10.88.9.2 >/dev/null 2>&1 &
	local srv=$!
	sleep 0.5
	ip netns exec $HA iperf3 -c 10.88.9.2 -t "$SECS" -J 2>/dev/null |
		python3 -c "import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second'] / 1e6))" ||
		echo 0
	kill $srv 2>/dev/null; wait $srv 2>/dev/null
}

mac_of() { ip -n "$1" -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }

setup_hosts() {
	for n in $HA $HB; do
		ip -n $n link set eth0 up; ip -n $n link set lo up
	done
	ip -n $HA addr add 10.88.9.1/24 dev eth0
	ip -n $HB addr add 10.88.9.2/24 dev eth0
}

# 1. Bare veth pair.
ip netns add $HA; ip netns add $HB
ip -n $HA link add eth0 type veth peer name eth0 netns $HB
setup_hosts
conf "$(mac_of $HB)"
bare=$(measure $HB)
bare_tcp=$(tcp)
ip netns del $HA; ip netns del $HB

# 2. Through the datapath.
for n in $SW $HA $HB; do ip netns add $n; done
ip -n $SW link add va type veth peer name eth0 netns $HA
ip -n $SW link add vb type veth peer name eth0 netns $HB
for l in va vb lo; do ip -n $SW link set $l up; done
setup_hosts
conf "$(mac_of $HB)"
ip netns exec $SW taskset -c 1 "$B/tests/dp_driver" --dp dp8bdp \
	--report "$T/report" --port va --port vb \
	--flow 'in_port(va) vb' --flow 'in_port(vb) va' >"$T/drv.log" 2>&1 &
DRV=$!
for _ in $(seq 50); do [ -s "$T/report" ] && break; sleep 0.1; done
t0=$(awk '{print $14 + $15}' /proc/$DRV/stat)
dp=$(measure $HB)
t1=$(awk '{print $14 + $15}' /proc/$DRV/stat)
hz=$(getconf CLK_TCK)
cpu=$(echo "scale=2; ($t1 - $t0) / $hz / $SECS" | bc)
dp_tcp=$(tcp)

echo "64-byte UDP, bare veth:      $bare pkt/s"
echo "64-byte UDP, microvs netdev: $dp pkt/s (datapath CPU: $cpu of one core, $(echo "scale=2; $cpu * 1000000 / $dp" | bc) us per packet)"
echo "64-byte UDP, ratio:          $(echo "scale=2; $dp / $bare" | bc)"
echo "iperf3 TCP, bare veth:       $bare_tcp Mbit/s"
echo "iperf3 TCP, microvs netdev:  $dp_tcp Mbit/s"
echo "iperf3 TCP, ratio:           $(echo "scale=2; $dp_tcp / $bare_tcp" | bc)"
