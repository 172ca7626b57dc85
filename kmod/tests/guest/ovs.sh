# SPDX-License-Identifier: Apache-2.0
# The same frames through microvs.ko and Debian's openvswitch.ko, side by
# side in this guest, with the same flows (Open vSwitch's dpctl syntax
# serves both: mvs-kctl and ovs-dpctl): what comes out of port 2 must be
# identical, byte for byte, frame for frame, in the same order.  Each
# case's frame has its own Ethernet source, which its flow matches.
. "$(dirname "$0")/lib.sh"
modprobe openvswitch || { echo "FAIL modprobe openvswitch"; exit 1; }
new_dp
ovs-dpctl add-dp k11ovs || { echo "FAIL ovs-dpctl add-dp"; exit 1; }
for side in m o; do
	for p in a b; do
		ip link add k11-$side$p type veth peer name k11-$side${p}x
		for d in k11-$side$p k11-$side${p}x; do
			sysctl -qw net.ipv6.conf.$d.disable_ipv6=1
			ip link set $d up
		done
	done
done
$K add-if $DP k11-ma,port=1 >/dev/null && $K add-if $DP k11-mb,port=2 >/dev/null
ovs-dpctl add-if k11ovs k11-oa,port_no=1 && ovs-dpctl add-if k11ovs k11-ob,port_no=2
eval "$(/usr/bin/python3 "$(dirname "$0")/frames.py")"

# Open vSwitch's datapath wants set() actions to agree with the key (down
# to non-zero L4 ports and, for TCP, a tcp_flags attribute) and pop_vlan
# to match a tag; these keys match the frames exactly.
T="eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,frag=no),tcp(src=1234,dst=80),tcp_flags(0/0)"
U="eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,frag=no),udp(src=5353,dst=53)"
I="eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,frag=no),icmp(type=8,code=0)"
T6="eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::2,proto=6,frag=no),tcp(src=1234,dst=80),tcp_flags(0/0)"
V="eth_type(0x8100),vlan(vid=100),encap(eth_type(0x0800),ipv4(frag=no))"
I6="eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::2,proto=58,frag=no),icmpv6(type=128,code=0)"
# KEY-AFTER-ETH|ACTIONS|FRAME
cases="
|2|$tcp4
|push_vlan(vid=10,pcp=3),2|$tcp4
|push_vlan(tpid=0x88a8,vid=5,pcp=0),push_vlan(vid=7,pcp=0),2|$udp4
$V|pop_vlan,2|$vlan4
|set(eth(src=02:aa:00:00:00:01,dst=02:bb:00:00:00:02)),2|$tcp4
$T|set(ipv4(src=10.9.9.9,dst=10.8.8.8,ttl=9)),2|$tcp4
$U|set(ipv4(dst=10.8.8.8)),set(udp(src=1111,dst=2222)),2|$udp4
$U|set(ipv4(src=10.7.7.7)),2|$udp4z
$T|set(tcp(src=1,dst=2)),2|$tcp4
$I|set(ipv4(src=10.9.9.9,tos=0x20)),2|$icmp4
$T6|set(ipv6(src=2001:db8::99,dst=2001:db8::98,hlimit=7)),2|$tcp6
$I6|set(ipv6(dst=2001:db8::98)),2|$icmp6
|clone(set(eth(dst=02:00:00:00:00:77)),2),2|$tcp4
|2,2|$udp4
|trunc(30),2,2|$udp4
|recirc(51)|$tcp4
"
n=0
outs=0 # frames expected out of port 2: each "2" action, and the recirc's
frames=()
while IFS='|' read -r key acts frame; do
	[ -n "$acts" ] || continue
	n=$((n + 1))
	src=$(printf '02:00:00:00:01:%02x' $n)
	# recirc_id(0) spelt out: Open vSwitch's datapath takes an absent
	# recirc_id as "any", and the recirculated packet would match again.
	k="in_port(1),eth(src=$src)${key:+,$key}"
	for add in "$K add-flow $DP" "ovs-dpctl add-flow k11ovs"; do
		$add "recirc_id(0),$k" "$acts" || bad "case $n: $add $k $acts"
		case $acts in recirc*) $add "recirc_id(51),$k" 2 ;; esac
	done
	o=$(tr '(),' '\n\n\n' <<<"$acts" | grep -cx 2)
	case $acts in recirc*) o=$((o + 1)) ;; esac
	outs=$((outs + o))
	frames+=("${frame:0:12}$(printf '0200000001%02x' $n)${frame:24}")
done <<<"$cases"
# Each sniffer ends on the expected count; its 60 s without a frame only
# ends a datapath that forwards fewer (a slow guest can take seconds
# between two injections).
bg /tmp/k11-m $K sniff k11-mbx -n $outs -t 60
bg /tmp/k11-o $K sniff k11-obx -n $outs -t 60
for f in "${frames[@]}"; do
	$K inject k11-max "$f"
	$K inject k11-oax "$f"
done
wait
grep -v sniffing /tmp/k11-m >/tmp/k11-m.out
grep -v sniffing /tmp/k11-o >/tmp/k11-o.out
echo "microvs.ko: $(wc -l </tmp/k11-m.out) frames out of port 2, openvswitch.ko: $(wc -l </tmp/k11-o.out)"
expect "both datapaths forwarded every case ($n cases, ${#frames[@]} frames in)" \
	[ "$(wc -l </tmp/k11-m.out)" -ge $n ]
if cmp -s /tmp/k11-m.out /tmp/k11-o.out; then
	ok "what came out is identical, byte for byte and in order"
else
	bad "the outputs differ (< microvs.ko, > openvswitch.ko):"
	diff /tmp/k11-m.out /tmp/k11-o.out
fi
ovs-dpctl dump-flows k11ovs | head -3
ovs-dpctl del-dp k11ovs
for side in m o; do for p in a b; do ip link del k11-$side$p; done; done
rmmod openvswitch
finish
