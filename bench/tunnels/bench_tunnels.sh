#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# VXLAN between two hosts: microvs against Debian's Open vSwitch 3.1 (both
# userspace datapaths, netdev), with plain Linux vxlan devices and a Linux
# bridge as the ceiling, in one run, printed as ratios (microvs / ovs).
#
# Each "host" is a network namespace; the hosts are cabled by a veth pair
# (default offloads on), each holds br-phy (the cable, the underlay address
# 192.168.79.N on its own port) and br-int (a VM namespace's veth and
# vxlan0 to the other host), as Open vSwitch's userspace tunnelling wants.
# Measured from VM1 to VM2: ping round trip (200 pings, 5 ms apart),
# TCP throughput (iperf3, one stream; again with the VMs' checksum, TSO
# and GSO offloads off), 64-byte frames per second (bench/switch's swgen in VM1 as fast as
# it goes, swsink in VM2: frames received per second).
#
# Usage (root): bench_tunnels.sh [--build DIR] [--seconds N] [--only KINDS]
#   KINDS: a comma list of microvs, ovs, linux (default all three)
# The last line is one JSON object: {"bench":"tunnels","metrics":{...}}.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$SRC/build
SECS=3
ONLY=microvs,ovs,linux
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	-h|--help) sed -n 2,20p "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench_tunnels: must run as root" >&2; exit 77; }
for t in iperf3 ping ip python3; do
	command -v $t >/dev/null || { echo "bench_tunnels: no $t" >&2; exit 77; }
done
P=btnl$$
W=$(mktemp -d /tmp/microvs-bench-tnl.XXXXXX)
chmod 755 "$W"
NETNS=()
STOP=()
cleanup() {
	for c in "${STOP[@]}"; do eval "$c" >/dev/null 2>&1; done
	for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
mkns() {
	ip netns add "$1" || exit 1
	NETNS+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$1" link set lo up
}
nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }

# topo KIND: the namespaces and cables of one run.
topo() {
	local k=$1 h
	for h in 1 2; do mkns $P-$k-host$h; mkns $P-$k-vm$h; done
	ip -n $P-$k-host1 link add eth0 type veth peer name eth0 netns $P-$k-host2
	for h in 1 2; do
		ip -n $P-$k-host$h link add vm$h type veth peer name eth0 \
			netns $P-$k-vm$h
		ip -n $P-$k-host$h link set eth0 up
		ip -n $P-$k-host$h link set vm$h up
		ip -n $P-$k-vm$h link set eth0 up mtu 1450
		ip -n $P-$k-vm$h addr add 10.79.0.$h/24 dev eth0
	done
}

# bridges K H VSCTL...: br-phy and br-int on host H through the given
# ovs-vsctl command line.
bridges() {
	local k=$1 h=$2 o=$((3 - $2)); shift 2
	"$@" add-br br-phy -- set bridge br-phy datapath_type=netdev -- \
		add-port br-phy eth0 &&
	"$@" add-br br-int -- set bridge br-int datapath_type=netdev -- \
		add-port br-int vm$h -- \
		add-port br-int vxlan0 -- set interface vxlan0 type=vxlan \
		options:remote_ip=192.168.79.$o || return 1
	ip -n $P-$k-host$h addr add 192.168.79.$h/24 dev br-phy
	ip -n $P-$k-host$h link set br-phy up
}

start_microvs() {
	local h r
	for h in 1 2; do
		r=$W/microvs$h
		mkdir -p "$r" && chmod 755 "$r"
		nsx $P-microvs-host$h "$BUILD/ctl/microvs-ctl" --rundir=$r/run \
			--dbdir=$r/db --logdir=$r/log start >/dev/null || return 1
		STOP+=("$BUILD/ctl/microvs-ctl --rundir=$r/run stop")
		bridges microvs $h env MICROVS_RUNDIR=$r/run \
			"$BUILD/ctl/ovs-vsctl" --timeout=30 || return 1
	done
}

start_ovs() {
	local h r
	for h in 1 2; do
		r=$W/ovs$h
		mkdir -p "$r"
		ovsdb-tool create $r/conf.db \
			/usr/share/openvswitch/vswitch.ovsschema || return 1
		nsx $P-ovs-host$h ovsdb-server $r/conf.db \
			--remote=punix:$r/db.sock --pidfile=$r/ovsdb-server.pid \
			--log-file=$r/ovsdb-server.log \
			--unixctl=$r/ovsdb-server.ctl --detach --no-chdir \
			-vconsole:off || return 1
		STOP+=("kill \$(cat $r/ovsdb-server.pid)")
		ovs-vsctl --db=unix:$r/db.sock --no-wait init
		nsx $P-ovs-host$h ovs-vswitchd unix:$r/db.sock \
			--pidfile=$r/ovs-vswitchd.pid \
			--log-file=$r/ovs-vswitchd.log \
			--unixctl=$r/ovs-vswitchd.ctl --detach --no-chdir \
			-vconsole:off || return 1
		STOP=("ovs-appctl -t $r/ovs-vswitchd.ctl exit --cleanup"
		      "${STOP[@]}")
		bridges ovs $h ovs-vsctl --db=unix:$r/db.sock --timeout=30 ||
			return 1
	done
}

start_linux() {
	local h o
	for h in 1 2; do
		o=$((3 - h))
		ip -n $P-linux-host$h addr add 192.168.79.$h/24 dev eth0
		ip -n $P-linux-host$h link add vxlan0 type vxlan id 0 \
			remote 192.168.79.$o local 192.168.79.$h dstport 4789
		ip -n $P-linux-host$h link add br0 type bridge
		ip -n $P-linux-host$h link set vxlan0 master br0 up
		ip -n $P-linux-host$h link set vm$h master br0
		ip -n $P-linux-host$h link set br0 up
	done
}

# tcp_stream KIND TAG: Mbit/s of one iperf3 TCP stream from vm1 to vm2.
tcp_stream() {
	local vm1=$P-$1-vm1 vm2=$P-$1-vm2 srv
	nsx $vm2 timeout $((SECS + 40)) iperf3 -s -1 -B 10.79.0.2 \
		>/dev/null 2>&1 &
	srv=$!
	sleep 0.5
	nsx $vm1 timeout $((SECS + 30)) iperf3 -c 10.79.0.2 -t $SECS -J \
		>$W/$1.$2.json 2>&1
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	python3 -c 'import json,sys
try: print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e6, 1))
except Exception: print(0)' $W/$1.$2.json
}

declare -A RES
measure() {
	local k=$1 vm1=$P-$1-vm1 vm2=$P-$1-vm2 ok=0 out srv
	for _ in $(seq 40); do
		nsx $vm1 ping -c 1 -W 1 -q 10.79.0.2 >/dev/null 2>&1 && { ok=1; break; }
		sleep 0.5
	done
	if [ $ok = 0 ]; then
		echo "$k: vm1 cannot reach vm2 across vxlan" >&2
		return 1
	fi
	out=$(nsx $vm1 ping -c 200 -i 0.005 -q 10.79.0.2 2>&1)
	RES[$k.rtt]=$(echo "$out" | sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
	RES[$k.tcp]=$(tcp_stream $k tso)
	# The same TCP stream with the VMs' checksum and segmentation
	# offloads off: what Open vSwitch's userspace tunnels need.
	nsx $vm1 ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1
	nsx $vm2 ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1
	RES[$k.tcp_nooffload]=$(tcp_stream $k notso)
	nsx $vm1 ethtool -K eth0 tx on tso on gso on >/dev/null 2>&1
	nsx $vm2 ethtool -K eth0 tx on tso on gso on >/dev/null 2>&1
	# 64-byte frames, one flow, as fast as the generator goes.
	local mac2
	mac2=$(ip -n $vm2 -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/')
	nsx $vm2 "$BUILD/bench/switch/swsink" 10.79.0.2 9000 1 $((SECS + 20)) \
		>$W/$k.sink 2>&1 &
	srv=$!
	sleep 0.5
	nsx $vm1 "$BUILD/bench/switch/swgen" -p 9000 eth0 $mac2 10.79.0.1 \
		10.79.0.2 $SECS >$W/$k.gen 2>&1
	sleep 1
	kill -INT $srv 2>/dev/null
	wait $srv 2>/dev/null
	RES[$k.pps]=$(sed -n "s/received=\([0-9]*\).*/\1/p" $W/$k.sink |
		awk -v s=$SECS '{ printf "%d", $1 / s }')
	RES[$k.sent_pps]=$(sed -n 's/.*pps=\([0-9.]*\).*/\1/p' $W/$k.gen)
}

for k in microvs ovs linux; do
	case ",$ONLY," in *",$k,"*) ;; *) continue ;; esac
	if [ $k = ovs ] && ! command -v ovs-vswitchd >/dev/null; then
		echo "ovs: not installed, skipped" >&2
		continue
	fi
	topo $k
	if start_$k && measure $k; then
		echo "$k: rtt ${RES[$k.rtt]} ms, tcp ${RES[$k.tcp]} Mbit/s" \
			"(offloads off ${RES[$k.tcp_nooffload]})," \
			"64-byte ${RES[$k.pps]} pps received" \
			"(${RES[$k.sent_pps]} sent)" >&2
	fi
	# Free the CPU for the next one.
	for c in "${STOP[@]}"; do eval "$c" >/dev/null 2>&1; done
	STOP=()
done

python3 - "$(declare -p RES)" <<'EOPY'
import json, re, sys
res = dict(re.findall(r'\[([a-z._]+)\]="([^"]*)"', sys.argv[1]))
def val(k):
    try: return float(res[k])
    except (KeyError, ValueError): return None
rows, metrics = [], {}
for name, key, unit, better, target in (
        ("ping round trip", "rtt", "ms", "lower", None),
        ("TCP throughput", "tcp", "Mbit/s", "higher", 2.0),
        ("TCP, no TSO/GSO", "tcp_nooffload", "Mbit/s", "higher", None),
        ("64-byte frames", "pps", "pps", "higher", 2.0)):
    o, m, c = val("ovs." + key), val("microvs." + key), val("linux." + key)
    ratio = round(m / o, 2) if o and m else None
    if o == 0 and m:
        ratio = float("inf")  # Open vSwitch carried nothing
    met = None
    if ratio is not None and target:
        met = ratio >= target
    metrics[key] = {"ovs": o, "microvs": m, "linux": c, "ratio": ratio,
                    "unit": unit, "better": better, "target": target,
                    "met": met}
    rows.append((name, o, m, ratio, c, better,
                 ("%.1fx %s" % (target, "met" if met else "NOT met"))
                 if target and met is not None else "-"))
print("%-16s %12s %12s %9s %12s %7s %s" % ("metric", "ovs", "microvs",
      "ratio m/o", "linux", "better", "target"))
for r in rows:
    print("%-16s %12s %12s %9s %12s %7s %s" % tuple(
        "-" if x is None else x for x in r))
for m in metrics.values():
    if m["ratio"] == float("inf"):
        m["ratio"] = "inf"
print(json.dumps({"bench": "tunnels", "mode": "vxlan, two hosts, netdev",
                  "metrics": metrics}))
EOPY
