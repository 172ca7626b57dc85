#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# VXLAN over an IPv6-only underlay: the S7 layout (tnllib.sh) with
# fd77::1 and fd77::2 on the hosts' br-phy and no IPv4 there.  The VMs
# ping; tunneld resolved the other host through the ND table
# (tnl/neigh/show); tcpdump on the cable decodes VXLAN over IPv6 with a
# correct UDP checksum (on by default over IPv6), hop limit 64 and a
# flow label; a flow on tun_ipv6_src drops what host 2 sends; outer IPv6
# packets with an extension header or a payload length short of the UDP
# length are counted and dropped (the other bad IPv6 outer headers are
# in lib/flow/tnl_test.c); with remote_ip=flow on host 1's port, a flow's
# set_field to tun_ipv6_dst picks the IPv6 remote.
# Usage: tnl_ipv6.sh [ovs|gre]: with "ovs", host 2 is Debian's real Open
# vSwitch 3.1 (TNL_OVS_HOST2, userspace datapath), whose packets must
# decode the same way; with "gre", both microvs over GRE (ip6gre) instead
# of VXLAN (the bad packets are VXLAN's: not sent).
MODE=${1:-microvs}
TYPE=vxlan
[ "$MODE" = gre ] && TYPE=gre
P=tnl6${MODE:0:1}$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
if [ "$MODE" = ovs ]; then
	TNL_OVS_HOST2=1 TNL_UNDERLAY6=1 tnl_hosts vxlan
	# Open vSwitch's userspace datapath takes no offloads from vm2.
	ip netns exec "$P-vm2" ethtool -K eth0 tx off tso off gso off \
		>/dev/null 2>&1
else
	TNL_UNDERLAY6=1 tnl_hosts $TYPE
fi
check "vm1 pings vm2 across $TYPE over IPv6" ping_soon vm1 10.77.0.2
check "vm2 pings vm1" ping_ok vm2 10.77.0.1
check "tunneld lists its IPv6 neighbour" eval \
	"hostctl 1 -t tunneld tnl/neigh/show | grep -q '^fd77::2 .* br-phy'"
check "Interface.status: the tunnel leaves by br-phy" eval \
	"vsctl 1 get interface ${TYPE}0 status:tunnel_egress_iface |
	 grep -qx '\"br-phy\"\\|br-phy'"

filter='udp port 4789'
[ $TYPE = gre ] && filter='ip6 proto 47'
ip netns exec "$P-host2" tcpdump -i eth0 -nn -s 0 --immediate-mode \
	-w "$T/u.pcap" "$filter" >/dev/null 2>&1 &
dump=$!
sleep 1
ping_ok vm1 10.77.0.2
sleep 0.5
kill -INT $dump 2>/dev/null
wait $dump 2>/dev/null
tcpdump -r "$T/u.pcap" -nn -v 2>/dev/null >"$T/decoded"
head -4 "$T/decoded"
if [ $TYPE = gre ]; then
	check "tcpdump decodes microvs's GRE over IPv6" \
		eval "grep 'hlim 64, next-header GRE (47)' $T/decoded | grep -q 'fd77::1 > fd77::2: GREv0'"
else
	check "tcpdump decodes microvs's VXLAN over IPv6, UDP checksum correct" \
		eval "grep -A1 'hlim 64, next-header UDP' $T/decoded | grep 'fd77::1\.[0-9]* > fd77::2\.4789: \[udp sum ok\]' | grep -q 'VXLAN, flags \[I\] (0x08), vni 0'"
fi
check "the outer flow label is set" eval \
	"grep 'fd77::1' -B1 $T/decoded | grep -q 'flowlabel 0x[0-9a-f]*[1-9a-f]'"
if [ "$MODE" = ovs ]; then
	check "and Open vSwitch's, the same way" \
		eval "grep 'fd77::2\.[0-9]* > fd77::1\.4789: \[udp sum ok\] VXLAN, flags \[I\] (0x08), vni 0' $T/decoded | grep -q 'hlim 64'"
	grep 'fd77::2\.[0-9]* > fd77::1' "$T/decoded" | head -1
fi

of1() { env MICROVS_RUNDIR="$T/h1/run" "$B/ctl/ovs-ofctl" "$@"; }
check "host1: a flow drops tun_ipv6_src=fd77::2" of1 add-flow br-tun \
	"priority=100,tun_ipv6_src=fd77::2,actions=drop"
check "vm1 no longer reaches vm2" eval "! ping_ok vm1 10.77.0.2"
check "host1: the flow goes" of1 del-flows br-tun "tun_ipv6_src=fd77::2"
check "vm1 reaches vm2 again" ping_soon vm1 10.77.0.2

# remote_ip=flow on host 1: the remote comes from a flow's tun_ipv6_dst,
# and tunneld resolves it on vswitchd's demand.
check "host1: ${TYPE}0 with remote_ip=flow, its remote set by a flow" eval "
	vsctl 1 set interface ${TYPE}0 options:remote_ip=flow &&
	of1 add-flow br-tun 'in_port=patch-int,actions=set_field:fd77::2->tun_ipv6_dst,output:${TYPE}0' &&
	of1 add-flow br-tun 'in_port=${TYPE}0,actions=output:patch-int'"
check "vm1 pings vm2 through the flow's IPv6 remote" ping_soon vm1 10.77.0.2
check "host1's megaflow pushes an IPv6 header from fd77::1 to fd77::2" eval \
	"hostctl 1 dpctl/dump-flows | grep -q 'tnl_push(.*86dd6.*fd770*1fd770*2'"

[ $TYPE = gre ] && finish

# Bad outer IPv6 packets from host 2's cable to host 1.
macof() { ip -n "$P-$1" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }
cov() { hostctl 1 -t upcalld coverage/read-counter "$1"; }
before_ipv6=$(cov tnl_pop_bad_ipv6)
before_udp=$(cov tnl_pop_bad_udp)
ip netns exec "$P-host2" python3 - "$(macof host1)" "$(macof host2)" <<'EOPY'
import socket, struct, sys
mac = lambda s: bytes.fromhex(s.replace(':', ''))
dmac, smac = mac(sys.argv[1]), mac(sys.argv[2])
src = socket.inet_pton(socket.AF_INET6, 'fd77::2')
dst = socket.inet_pton(socket.AF_INET6, 'fd77::1')
inner = b'\xff' * 6 + bytes.fromhex('027700000099') + b'\x08\x06' + bytes(28)
vx = bytes.fromhex('0800000000000000') + inner
def udp(payload):
    return struct.pack('!HHHH', 40000, 4789, 8 + len(payload), 0) + payload
def ip6(nh, payload, plen=None):
    return struct.pack('!IHBB', 0x60000000, len(payload) if plen is None
                       else plen, nh, 64) + src + dst + payload
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
send = lambda l3: s.send(dmac + smac + b'\x86\xdd' + l3)
for _ in range(3):
    # A hop-by-hop options header before UDP.
    send(ip6(0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(vx)))
    # A payload length shorter than the UDP datagram.
    send(ip6(17, udp(vx), plen=len(udp(vx)) - 8))
EOPY
sleep 1
cov_grew() { [ "$(cov "$1")" -ge $(($2 + $3)) ]; }
check "an extension header: tnl_pop_bad_ipv6 +3" cov_grew tnl_pop_bad_ipv6 "$before_ipv6" 3
check "a payload length short of UDP's: tnl_pop_bad_udp +3" cov_grew tnl_pop_bad_udp "$before_udp" 3
check "upcalld still runs and vm1 reaches vm2" ping_ok vm1 10.77.0.2
finish
