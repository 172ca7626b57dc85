#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow's tunnel fields: two tenants over one VXLAN port per host
# (key=flow), kept apart by VNI.  Host 1 runs microvs; host 2 runs
# microvs too, or with "ovs" Debian's real Open vSwitch (the same flows,
# to compare).  Each host: br-phy with the underlay cable and address
# (tnllib.sh's layout), br-int with the tenants' VMs vmNa (tenant A,
# 10.77.0.N) and vmNb (tenant B, 10.77.0.1N, the same subnet) and vx.
# Host 1's vx has remote_ip=flow and key=flow, host 2's a fixed remote
# and key=flow; br-int has only these flows:
#   host 1: in_port=vm1a,actions=set_field:192.168.77.2->tun_dst,set_tunnel:100,output:vx
#           in_port=vm1b,actions=set_field:192.168.77.2->tun_dst,set_field:200->tun_id,output:vx
#           tun_src=192.168.77.2,tun_id=100,actions=output:vm1a
#           tun_src=192.168.77.2,tun_id=200,actions=output:vm1b
#   host 2: in_port=vm2a,actions=set_tunnel64:100,output:vx
#           in_port=vm2b,actions=set_tunnel:200,output:vx
#           tun_id=100,tun_dst=192.168.77.2,actions=output:vm2a
#           tun_id=200,actions=output:vm2b
#   both:   priority=40000,tun_flags=+oam,actions=drop
# Each tenant's VMs ping each other, never the other tenant's; the
# underlay carries tenant A in VNI 100 and B in VNI 200 only; the
# megaflows push both VNIs; ofproto/trace shows the tunnel fields; after
# kill -9 of host1's tunneld the flow-chosen remote is resolved again.
# Usage: tnl_vni.sh [microvs|ovs]
HOST2=${1:-microvs}
P=tv${HOST2:0:2}$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"

# sw N ARGS: ovs-vsctl on host N; of N ARGS: ovs-ofctl on host N's
# br-int; ofport N PORT.
sw() {
	local h=$1; shift
	if [ $h = 2 ] && [ $HOST2 = ovs ]; then ovs_vsctl "$@"; else vsctl $h "$@"; fi
}
of() {
	local h=$1; shift
	if [ $h = 2 ] && [ $HOST2 = ovs ]; then
		ovs-ofctl "$1" "unix:$T/ovs/br-int.mgmt" "${@:2}"
	else
		MICROVS_RUNDIR=$T/h$h/run "$B/ctl/ovs-ofctl" "$1" br-int "${@:2}"
	fi
}
trace() {
	local h=$1; shift
	if [ $h = 2 ] && [ $HOST2 = ovs ]; then ovs_appctl ofproto/trace "$@"
	else hostctl $h ofproto/trace "$@"; fi
}
ofport() { sw $1 get interface $2 ofport; }

for n in host1 host2 vm1a vm1b vm2a vm2b; do mkns $n; done
ip -n "$P-host1" link add eth0 type veth peer name eth0 netns "$P-host2"
for h in 1 2; do
	ip -n "$P-host$h" link set eth0 up
	for t in a b; do
		ip -n "$P-host$h" link add vm$h$t type veth peer name eth0 \
			netns "$P-vm$h$t"
		ip -n "$P-host$h" link set vm$h$t up
		ip -n "$P-vm$h$t" link set eth0 up mtu 1450
	done
	ip -n "$P-vm${h}a" addr add 10.77.0.$h/24 dev eth0
	ip -n "$P-vm${h}b" addr add 10.77.0.1$h/24 dev eth0
done
check "host1: its own microvs instance starts" host_start 1
if [ $HOST2 = ovs ]; then
	tnl_ovs_start 2
else
	check "host2: its own microvs instance starts" host_start 2
fi
for h in 1 2; do
	if [ $h = 1 ]; then remote=flow; else remote=192.168.77.1; fi
	check "host$h: br-phy with the cable, br-int with the tenants and vx" \
		eval "sw $h add-br br-phy -- set bridge br-phy datapath_type=netdev \
			-- add-port br-phy eth0 &&
		sw $h add-br br-int -- set bridge br-int datapath_type=netdev \
			-- add-port br-int vm${h}a -- add-port br-int vm${h}b \
			-- add-port br-int vx -- set interface vx type=vxlan \
			options:remote_ip=$remote options:key=flow"
	ip -n "$P-host$h" addr add 192.168.77.$h/24 dev br-phy
	ip -n "$P-host$h" link set br-phy up
	of $h del-flows
done
a1=$(ofport 1 vm1a) b1=$(ofport 1 vm1b) x1=$(ofport 1 vx)
a2=$(ofport 2 vm2a) b2=$(ofport 2 vm2b) x2=$(ofport 2 vx)
check "host1: the tenants' flows (set_field to tun_dst and tun_id, set_tunnel; tun_src and tun_id matches)" eval "
	of 1 add-flow in_port=$a1,actions=set_field:192.168.77.2-\>tun_dst,set_tunnel:100,output:$x1 &&
	of 1 add-flow in_port=$b1,actions=set_field:192.168.77.2-\>tun_dst,set_field:200-\>tun_id,output:$x1 &&
	of 1 add-flow tun_src=192.168.77.2,tun_id=100,actions=output:$a1 &&
	of 1 add-flow tun_src=192.168.77.2,tun_id=200,actions=output:$b1"
check "host1 and host2: OAM tunnel packets dropped (tun_flags=+oam)" eval "
	of 1 add-flow priority=40000,tun_flags=+oam,actions=drop &&
	of 2 add-flow priority=40000,tun_flags=+oam,actions=drop"
check "host2: the tenants' flows (set_tunnel64, set_tunnel; tun_id and tun_dst matches)" eval "
	of 2 add-flow in_port=$a2,actions=set_tunnel64:100,output:$x2 &&
	of 2 add-flow in_port=$b2,actions=set_tunnel:200,output:$x2 &&
	of 2 add-flow tun_id=100,tun_dst=192.168.77.2,actions=output:$a2 &&
	of 2 add-flow tun_id=200,actions=output:$b2"
of 1 dump-flows >"$T/flows1"
# (Open vSwitch 3.1's ovs-ofctl prints the same for these flows: a
# set_field sent over OpenFlow 1.0 is a load.)
check "host1's flows read back as Open vSwitch prints them" eval "
	grep -Fq 'in_port=$a1 actions=load:0xc0a84d02->NXM_NX_TUN_IPV4_DST[],set_tunnel:0x64,output:$x1' $T/flows1 &&
	grep -Fq 'in_port=$b1 actions=load:0xc0a84d02->NXM_NX_TUN_IPV4_DST[],load:0xc8->NXM_NX_TUN_ID[],output:$x1' $T/flows1 &&
	grep -Fq 'tun_id=0xc8,tun_src=192.168.77.2 actions=output:$b1' $T/flows1 &&
	grep -Fq 'priority=40000,tun_flags=+oam actions=drop' $T/flows1"

dumps=()
for h in 1 2; do
	ip netns exec "$P-host$h" tcpdump -i eth0 -nn -s 0 -c 2000 \
		-w "$T/underlay$h.pcap" udp port 4789 >/dev/null 2>&1 &
	dumps+=($!)
done
sleep 1
check "tenant A: vm1a pings vm2a" ping_soon vm1a 10.77.0.2
check "tenant A: vm2a pings vm1a" ping_ok vm2a 10.77.0.1
check "tenant B: vm1b pings vm2b" ping_soon vm1b 10.77.0.12
check "tenant B: vm2b pings vm1b" ping_ok vm2b 10.77.0.11
no_ping() { ! ip netns exec "$P-$1" ping -c 2 -i 0.2 -W 1 -q "$2" >/dev/null 2>&1; }
check "vm1a cannot reach tenant B's vm2b (same subnet)" no_ping vm1a 10.77.0.12
check "vm2b cannot reach tenant A's vm1a" no_ping vm2b 10.77.0.1
sleep 0.5
kill -INT "${dumps[@]}" 2>/dev/null
wait "${dumps[@]}" 2>/dev/null

# VNI -> the inner senders (IPv4 or ARP source addresses) on the underlay.
PYTHONPATH=$(dirname "$0") python3 - "$T/underlay1.pcap" "$T/underlay2.pcap" \
	>"$T/vnis" <<'EOPY'
import collections, socket, sys
from pcaplib import packets
seen = collections.defaultdict(set)
for name in sys.argv[1:]:
    for p, _, _ in packets(name):
        if len(p) < 50 + 34 or p[12:14] != b'\x08\x00': continue
        vni = int.from_bytes(p[46:49], 'big')
        inner = p[50:]
        et = inner[12:14]
        if et == b'\x08\x00': src = inner[26:30]
        elif et == b'\x08\x06': src = inner[28:32]
        else: continue
        seen[vni].add(socket.inet_ntoa(src))
for vni in sorted(seen):
    print(vni, ' '.join(sorted(seen[vni])))
EOPY
cat "$T/vnis"
check "the underlay carries tenant A in VNI 100 and B in VNI 200, nothing else" \
	diff -u - "$T/vnis" <<EOV
100 10.77.0.1 10.77.0.2
200 10.77.0.11 10.77.0.12
EOV
if [ $HOST2 = microvs ]; then
	check "host1's megaflows push VNI 100 and VNI 200 (VXLAN header in tnl_push)" eval "
		hostctl 1 dpctl/dump-flows | grep -q 'tnl_push(.*0800000000006400),' &&
		hostctl 1 dpctl/dump-flows | grep -q 'tnl_push(.*080000000000c800),'"
fi
# kill -9 of host1's tunneld: the new one knows no remote_ip=flow
# destination until vswitchd asks again; tenant A must come back.
old_tnl=$(cat "$T/h1/run/tunneld.pid")
vlog=$T/h1/log/microvs-vswitchd.log
vlines=$(wc -l <"$vlog")
kill -9 "$old_tnl"
check "after kill -9 of host1's tunneld, the flow remote 192.168.77.2 is resolved again" eval \
	'for _ in $(seq 50); do tunneld_back 1 $old_tnl 192.168.77.2 && break; sleep 0.2; ping_ok vm1a 10.77.0.2; done; tunneld_back 1 $old_tnl 192.168.77.2 || { tnl_diag 1; false; }'
check "and tenant A still pings across" ping_soon vm1a 10.77.0.2
# vswitchd handed the new tunneld its flow remotes before taking its
# table: the new run's first (empty) table never reached translation.
check "vswitchd never applied a tunnel table without the flow remote" \
	eval '! tail -n +$((vlines + 1)) "$vlog" | grep "tunnel routes: 0$"'
for h in 1 2; do
	trace $h br-int "in_port=$(ofport $h vm${h}b),dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02" >"$T/trace$h.out" 2>&1
	trace $h br-int "tun_id=100,tun_src=192.168.77.$((3 - h)),tun_dst=192.168.77.$h,in_port=$(ofport $h vx),dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02" >"$T/trace$h.in" 2>&1
	trace $h br-int "tun_id=100,tun_src=192.168.77.$((3 - h)),tun_dst=192.168.77.$h,tun_flags=oam,in_port=$(ofport $h vx),dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02" >"$T/trace$h.oam" 2>&1
done
sed 's/^/    /' "$T/trace1.oam"
for h in 1 2; do
	check "host$h's ofproto/trace: an OAM packet of VNI 100 meets tun_flags=+oam and is dropped" eval "
		grep -q 'tun_flags=+oam, priority 40000' $T/trace$h.oam &&
		grep -q '^Datapath actions: drop' $T/trace$h.oam"
done
sed 's/^/    /' "$T/trace1.out" "$T/trace1.in"
check "host1's ofproto/trace: tenant B's packet gets tun_dst and tun_id 200, pushed with VNI 200" eval "
	grep -Fq 'load:0xc0a84d02->NXM_NX_TUN_IPV4_DST[]' $T/trace1.out &&
	grep -Fq 'load:0xc8->NXM_NX_TUN_ID[]' $T/trace1.out &&
	grep -q 'Datapath actions: .*tnl_push(.*080000000000c800)' $T/trace1.out"
check "host1's ofproto/trace: the megaflow of a VM's packet matches no tunnel field (as Open vSwitch's)" eval "
	grep '^Megaflow:' $T/trace1.out | grep -vq tun_"
check "host1's ofproto/trace: VNI 100 from host2 matches tun_id and tun_src, reaches vm1a only" eval "
	grep -q 'tun_id=0x64,tun_src=192.168.77.2, priority 32768' $T/trace1.in &&
	grep -q '^Megaflow: .*tun_id=0x64,tun_src=192.168.77.2' $T/trace1.in &&
	grep -q 'output:$a1' $T/trace1.in && ! grep -q 'output:$b1' $T/trace1.in"
finish
