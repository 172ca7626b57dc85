# SPDX-License-Identifier: Apache-2.0
# Tunnel ports through the kernel's own devices in metadata mode: h1's
# traffic leaves through a VXLAN, GRE or Geneve "external" device with
# the metadata of set(tunnel(...)), reaches an ordinary tunnel device in
# namespace kmod11-r over a veth underlay, and the replies come back in
# with their tunnel key, which the flows match on.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 1
ip netns add kmod11-r
ip link add k11-u1 type veth peer name k11-u2
ip link set k11-u2 netns kmod11-r
ip addr add 203.0.113.1/24 dev k11-u1
ip link set k11-u1 up
ip -n kmod11-r addr add 203.0.113.2/24 dev k11-u2
ip -n kmod11-r link set k11-u2 up
ip -n kmod11-r link set lo up

# NAME TYPE ID: the external device on our side, the plain one in r.
tunnel() {
	local name=$1 type=$2 id=$3 port=$4
	local net=10.$((id / 100 + 8)).0
	case $type in
	vxlan) ip link add k11-$name type vxlan external dstport 4789
		ip -n kmod11-r link add r-$name type vxlan id $id \
			remote 203.0.113.1 local 203.0.113.2 dstport 4789 ;;
	gre) ip link add k11-$name type gretap external
		ip -n kmod11-r link add r-$name type gretap key $id \
			remote 203.0.113.1 local 203.0.113.2 ;;
	geneve) ip link add k11-$name type geneve external
		ip -n kmod11-r link add r-$name type geneve id $id \
			remote 203.0.113.1 ;;
	esac
	sysctl -qw net.ipv6.conf.k11-$name.disable_ipv6=1
	ip link set k11-$name up
	ip -n kmod11-r addr add $net.2/24 dev r-$name
	ip -n kmod11-r link set r-$name up
	in_ns 1 ip addr add $net.1/24 dev h1
	$K add-if $DP k11-$name,type=$type,port=$port >/dev/null ||
		bad "add-if $type"
	$K del-flows $DP
	$K add-flow $DP "in_port(1),eth()" \
		"set(tunnel(tun_id=$id,dst=203.0.113.2,ttl=64,flags(key))),$port"
	$K add-flow $DP "tunnel(tun_id=$id),in_port($port),eth()" 1
	expect "$type: ping through the tunnel port" \
		in_ns 1 ping -c 3 -i 0.2 -W 2 -q $net.2
	expect "$type: the replies matched on their tunnel key" \
		grep -Eq "in_port\($port\).*packets:[3-9]" <<<"$($K dump-flows $DP)"
	in_ns 1 ip addr del $net.1/24 dev h1
}
tunnel vx vxlan 100 3
tunnel gre gre 200 4
tunnel gnv geneve 300 5
# A reply with another key matches no flow.
$K del-flows $DP
$K add-flow $DP "in_port(1),eth()" "set(tunnel(tun_id=100,dst=203.0.113.2,ttl=64,flags(key))),3"
$K add-flow $DP "tunnel(tun_id=101),in_port(3),eth()" 1
in_ns 1 ip addr add 10.9.0.1/24 dev h1
refuse "vxlan: no flow for the reply's key, no reply" \
	in_ns 1 ping -c 2 -i 0.2 -W 1 -q 10.9.0.2
ip link del k11-u1
for d in k11-vx k11-gre k11-gnv; do ip link del $d; done
finish
