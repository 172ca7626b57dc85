#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# RFC 6040 decapsulation: outer ECN CE is copied into an ECN-capable inner
# packet (its IP checksum fixed) and a Not-ECT inner packet under an outer
# CE is dropped, as Linux's tunnel devices and Open vSwitch do.  The S7
# layout (tnllib.sh) with host 1 microvs and host 2 Debian's real Open
# vSwitch (userspace datapath), each with a VXLAN, then a Geneve, then a
# GRE port to the other.  Each host's namespace writes onto its cable
# crafted frames (tnl_ecn.py: VXLAN, Geneve and GRE, inner IPv4 and IPv6,
# every outer and inner ECN value) to the other host; what the VM behind
# each receives is captured with a packet socket and checked against the
# RFC, and the two switches' results must be the same, as must the form of
# their megaflows (set(ipv4(tos=0x3/0x3)) for an ECT inner packet).
P=tnlecn$$
. "$(dirname "$0")/../system/lib.sh"
need_root
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
TNL_OVS_HOST2=1 tnl_hosts vxlan
check "vm1 (microvs) pings vm2 (Open vSwitch) across vxlan" \
	ping_soon vm1 10.77.0.2
macof() { ip -n "$P-$1" -o link show "$2" | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }
export PYTHONPATH=$(dirname "$0")
py=$(dirname "$0")/tnl_ecn.py
# crafted TYPE FROM TO: host FROM's namespace sends TYPE frames to host
# TO; vmTO's capture goes to $T/TYPE-vmTO.txt.
crafted() {
	local f=$2 t=$3 out=$T/$1-vm$3.txt
	rm -f "$T/ready"
	ip netns exec "$P-vm$t" python3 "$py" recv "$1" eth0 "$T/ready" \
		>"$out" &
	local pid=$!
	for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.1; done
	ip netns exec "$P-host$f" python3 "$py" send "$1" eth0 \
		"$(macof host$f br-phy)" "$(macof host$t br-phy)" \
		192.168.77.$f 192.168.77.$t "$(macof vm$t eth0)" 10.77.0.$t
	wait $pid
}
# One type at a time: two tunnels between the same two NORMAL bridges
# would make a loop.
prev=vxlan
for type in vxlan geneve gre; do
	if [ $type != vxlan ]; then
		check "both hosts: ${type}0 replaces ${prev}0" eval "
			vsctl 1 del-port ${prev}0 -- add-port br-tun ${type}0 -- \
				set interface ${type}0 type=$type \
				options:remote_ip=192.168.77.2 &&
			ovs_vsctl del-port ${prev}0 -- add-port br-int ${type}0 -- \
				set interface ${type}0 type=$type \
				options:remote_ip=192.168.77.1"
		check "vm1 pings vm2 across $type" ping_soon vm1 10.77.0.2
		prev=$type
	fi
	crafted $type 2 1
	# (Right away: idle megaflows expire.)
	hostctl 1 dpctl/dump-flows >"$T/flows" 2>&1
	crafted $type 1 2
	ovs_appctl dpctl/dump-flows >"$T/ovs-flows" 2>&1
	v1=$T/$type-vm1.txt v2=$T/$type-vm2.txt
	python3 "$py" verdict $type "$v1" >"$T/verdict1"
	python3 "$py" verdict $type "$v2" "$v1" >"$T/verdict2"
	echo "microvs (vm1) received:"; sed 's/^/    /' "$v1"
	cat "$T/verdict1" "$T/verdict2"
	check "$type, microvs: CE copied into ECT inner packets, Not-ECT under CE dropped, the rest as sent ($(wc -l <"$v1") of 32 arrived)" \
		eval "[ -s $v1 ] && ! [ -s $T/verdict1 ]"
	check "$type, real Open vSwitch: the same, and the same as microvs" \
		eval "[ -s $v2 ] && ! [ -s $T/verdict2 ]"
	grep -E 'tunnel.*tos=0x3,' "$T/flows" | sed 's/^/    microvs: /'
	grep -E 'tunnel.*tos=0x3,' "$T/ovs-flows" | sed 's/^/    Open vSwitch: /'
	check "$type: microvs's megaflows set CE in the inner packet, as Open vSwitch's do" \
		eval "grep -q 'set(ipv4(tos=0x3/0x3))' $T/flows &&
			grep -q 'set(ipv4(tos=0x3/0x3))' $T/ovs-flows"
done
check "vm1 still pings vm2" ping_ok vm1 10.77.0.2
finish
