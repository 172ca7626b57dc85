#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S14 (seed 003): the VTEP emulator.  One microvs instance (host1,
# its dbserver serving Open_vSwitch and hardware_vtep, vtepd running) with
# br0 (p0, p1) and an underlay br-phy (192.168.78.1) cabled to a namespace
# of remote VTEPs: Linux vxlan devices (VNI 33) on 192.168.78.2, .3, .4.
# The seed's sequence: vtep-ctl add-ps br0, set tunnel_ips, add-ls ls0,
# bind-ls br0 p0 0 ls0, tunnel_key=33, add-mcast-remote (two service
# nodes here, so the replication modes differ), add-ucast-remote,
# set-manager.  Then, with tcpdump on the remotes' underlay:
#   - a broadcast from the host on p0 reaches only the first unknown-dst
#     locator (service_node) with VNI 33, and every one after
#     set-replication-mode source_node;
#   - a frame to the ucast remote's MAC reaches only its VTEP;
#   - the host's MAC appears in Ucast_Macs_Local;
#   - Physical_Switch br0's tunnels hold one Tunnel row per remote VTEP
#     (local locator 192.168.78.1, BFD off), as Open vSwitch's emulator
#     keeps them;
#   - removing the ucast remote removes its tunnel port and Tunnel row.
P=s14x$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
VTEPCTL() { MICROVS_RUNDIR=$T/h1/run "$B/ctl/vtep-ctl" --timeout=20 "$@"; }
for n in host1 remote h0 h1; do mkns $n; done
ip -n "$P-host1" link add eth0 type veth peer name eth0 netns "$P-remote"
ip -n "$P-host1" link set eth0 up
for i in 0 1; do
	ip -n "$P-host1" link add p$i type veth peer name eth0 netns "$P-h$i"
	ip -n "$P-host1" link set p$i up
	ip -n "$P-h$i" link set eth0 address 02:78:00:00:00:0$((i + 1)) up
	ip -n "$P-h$i" addr add 10.78.0.$((i + 1))/24 dev eth0
done
ip -n "$P-remote" link set eth0 up
for k in 2 3 4; do
	ip -n "$P-remote" addr add 192.168.78.$k/24 dev eth0
	ip -n "$P-remote" link add vtep$k type vxlan id 33 dstport 4789 \
		local 192.168.78.$k nolearning
	ip -n "$P-remote" link set vtep$k up
done

check "host1: its own microvs instance starts" host_start 1
check "host1: br-phy with the cable" eval "vsctl 1 add-br br-phy -- \
	set bridge br-phy datapath_type=netdev -- add-port br-phy eth0"
ip -n "$P-host1" addr add 192.168.78.1/24 dev br-phy
ip -n "$P-host1" link set br-phy up
check "ovs-vsctl add-br br0, add-port br0 p0, add-port br0 p1" eval "
	vsctl 1 add-br br0 -- set bridge br0 datapath_type=netdev &&
	vsctl 1 add-port br0 p0 && vsctl 1 add-port br0 p1"
# vtepd asks vswitchd what the bound ports learned once a second; with
# nothing bound it has nothing to ask and only follows the databases (a
# late change of theirs may still start one round: at most 1 here, where
# a timer would make 4).
refreshes() {
	hostctl 1 -t vtepd coverage/show | awk '/^vtepd_refresh/ { print $NF }'
}
sleep 1
r0=$(refreshes); sleep 4; r1=$(refreshes)
check "no VTEP configured: vtepd makes no rounds of its own ($r0 -> $r1 in 4 s)" \
	test -n "$r0" -a "${r1:-0}" -le $((r0 + 1))
check "vtep-ctl add-ps br0" VTEPCTL add-ps br0
check "vtep-ctl set Physical_Switch br0 tunnel_ips=192.168.78.1" \
	VTEPCTL set Physical_Switch br0 tunnel_ips=192.168.78.1
has_ports() { VTEPCTL list-ports br0 | grep -qx p0 && VTEPCTL list-ports br0 | grep -qx p1; }
check "vtepd adds br0's ports as Physical_Ports" eval \
	'for _ in $(seq 50); do has_ports && break; sleep 0.2; done; has_ports'
check "vtep-ctl add-ls ls0" VTEPCTL add-ls ls0
check "vtep-ctl bind-ls br0 p0 0 ls0" VTEPCTL bind-ls br0 p0 0 ls0
check "vtep-ctl set Logical_Switch ls0 tunnel_key=33" \
	VTEPCTL set Logical_Switch ls0 tunnel_key=33
check "vtep-ctl add-mcast-remote ls0 unknown-dst (two service nodes)" eval \
	"VTEPCTL add-mcast-remote ls0 unknown-dst 192.168.78.2 &&
	 VTEPCTL add-mcast-remote ls0 unknown-dst 192.168.78.4"
check "vtep-ctl add-ucast-remote ls0 00:11:22:33:44:55 192.168.78.3" \
	VTEPCTL add-ucast-remote ls0 00:11:22:33:44:55 192.168.78.3
check "vtep-ctl set-manager tcp:127.0.0.1:6640" \
	VTEPCTL set-manager tcp:127.0.0.1:6640
check "vtep-ctl get-manager" eval \
	"VTEPCTL get-manager | grep -qx tcp:127.0.0.1:6640"
ls_ports() { vsctl 1 list-ports br0_vtep_ls0 2>/dev/null | tr '\n' ' '; }
want="0000-p0-l vxc0a84e02 vxc0a84e03 vxc0a84e04 "
check "vtepd builds br0_vtep_ls0 with the patch and three VXLAN ports" eval \
	'for _ in $(seq 50); do [ "$(ls_ports)" = "$want" ] && break; sleep 0.2; done
	 [ "$(ls_ports)" = "$want" ]'
r0=$(refreshes); sleep 3; r1=$(refreshes)
check "ls0 bound: vtepd polls vswitchd for learned MACs ($r0 -> $r1 in 3 s)" \
	test "$r1" -gt "$r0"
check "br0_vtep_ls0 is tagged as the logical switch" eval \
	"vsctl 1 br-get-external-id br0_vtep_ls0 logical_switch_name | grep -qx ls0"
check "the VXLAN ports have key 33" eval \
	"vsctl 1 get interface vxc0a84e03 options:key | grep -qx '\"\\?33\"\\?'"
# tunnels: br0's Tunnel rows, one line each, "LOCAL REMOTE BFD_STATUS",
# sorted.
tunnels() {
	local t l r
	for t in $(VTEPCTL get Physical_Switch br0 tunnels | tr -d '[],'); do
		l=$(VTEPCTL get Physical_Locator \
			"$(VTEPCTL get Tunnel "$t" local)" dst_ip)
		r=$(VTEPCTL get Physical_Locator \
			"$(VTEPCTL get Tunnel "$t" remote)" dst_ip)
		echo "$l $r $(VTEPCTL get Tunnel "$t" bfd_status)"
	done | tr -d '"' | sort
}
want_tunnels() {
	for k in "$@"; do
		echo "192.168.78.1 192.168.78.$k {enabled=false}"
	done
}
check "br0's tunnels: one Tunnel row per remote VTEP, local 192.168.78.1, BFD off" eval \
	'for _ in $(seq 50); do [ "$(tunnels)" = "$(want_tunnels 2 3 4)" ] && break; sleep 0.2; done
	 [ "$(tunnels)" = "$(want_tunnels 2 3 4)" ] || { tunnels; false; }'
check "a Tunnel row has bfd_config_local's defaults" eval \
	"VTEPCTL --columns=bfd_config_local list Tunnel | grep -q 'bfd_dst_ip=\"169.254.1.0\", bfd_dst_mac=\"00:23:20:00:00:01\"'"
sleep 2 # tunneld resolves the remotes; vtepd's flows reach vswitchd

# send FRAMES: from h0's eth0, raw frames: "bcast" (an ARP request) or
# "ucast" (to the ucast remote's MAC), 5 each.
send() {
	ip netns exec "$P-h0" python3 - "$1" <<'EOPY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
src = bytes.fromhex('027800000001')
dst = b'\xff' * 6 if sys.argv[1] == 'bcast' else bytes.fromhex('001122334455')
arp = bytes.fromhex('0001080006040001') + src + bytes([10, 78, 0, 1]) + \
      bytes(6) + bytes([10, 78, 0, 99])
for _ in range(5):
    s.send(dst + src + b'\x08\x06' + arp + bytes(18))
EOPY
}
# capture NAME CMD...: counts per remote VTEP of VNI 33 packets seen on the
# remotes' underlay while CMD runs, into $T/NAME (lines "192.168.78.K N").
capture() {
	local name=$1; shift
	ip netns exec "$P-remote" tcpdump -i eth0 -nn -l -c 100 \
		'udp port 4789' >"$T/$name.txt" 2>/dev/null &
	local pid=$!
	sleep 1
	"$@"
	sleep 1
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}
seen() { # seen NAME K: packets with VNI 33 to 192.168.78.K
	ip netns exec "$P-remote" true
	grep -c "> 192.168.78.$2.4789: VXLAN.*vni 33" "$T/$1.txt"
}
capture svc send bcast
check "service_node: the broadcast reaches the first service node ($(seen svc 2))" \
	[ "$(seen svc 2)" -ge 5 ]
check "service_node: not the second ($(seen svc 4)), not the ucast VTEP ($(seen svc 3))" \
	[ "$(seen svc 4)" = 0 -a "$(seen svc 3)" = 0 ]
check "vtep-ctl set-replication-mode ls0 source_node" \
	VTEPCTL set-replication-mode ls0 source_node
sleep 2
capture src send bcast
check "source_node: both service nodes get it ($(seen src 2), $(seen src 4))" \
	[ "$(seen src 2)" -ge 5 -a "$(seen src 4)" -ge 5 ]
capture uc send ucast
check "a frame to 00:11:22:33:44:55 reaches only its VTEP ($(seen uc 3); $(seen uc 2), $(seen uc 4))" \
	[ "$(seen uc 3)" -ge 5 -a "$(seen uc 2)" = 0 -a "$(seen uc 4)" = 0 ]
has_local() { VTEPCTL list-local-macs ls0 | grep -q "02:78:00:00:00:01"; }
check "the host's MAC on p0 appears in Ucast_Macs_Local" eval \
	'for _ in $(seq 30); do has_local && break; sleep 0.2; done; has_local'
check "h1 (p1, not bound) hears nothing of it" eval \
	"! ip netns exec $P-h1 timeout 2 tcpdump -i eth0 -c 1 -nn arp 2>/dev/null | grep -q ."
check "vtep-ctl del-ucast-remote ls0 00:11:22:33:44:55" \
	VTEPCTL del-ucast-remote ls0 00:11:22:33:44:55
want="0000-p0-l vxc0a84e02 vxc0a84e04 "
check "its tunnel port goes" eval \
	'for _ in $(seq 50); do [ "$(ls_ports)" = "$want" ] && break; sleep 0.2; done
	 [ "$(ls_ports)" = "$want" ]'
check "and its Tunnel row" eval \
	'for _ in $(seq 50); do [ "$(tunnels)" = "$(want_tunnels 2 4)" ] && break; sleep 0.2; done
	 [ "$(tunnels)" = "$(want_tunnels 2 4)" ] || { tunnels; false; }'
check "no Tunnel row is left unreferenced" eval \
	"[ \$(VTEPCTL --columns=_uuid list Tunnel | grep -c _uuid) = 2 ]"
finish
