# SPDX-License-Identifier: Apache-2.0
# Actions on real traffic between two namespaces: VLAN push and pop,
# address and port rewrites whose checksums the receiver verifies
# (checksum offload off, so the packets carry full ones), userspace,
# recirculation; and on executed frames: clone, sample, trunc.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
for i in 1 2; do in_ns $i ethtool -K h$i tx off >/dev/null; done

# VLAN: h1 untagged, h2 on VLAN 10; the datapath tags and untags.
in_ns 1 ip addr add 198.51.100.1/24 dev h1
in_ns 2 ip link add link h2 name h2.10 type vlan id 10
in_ns 2 ip addr add 198.51.100.2/24 dev h2.10
in_ns 2 ip link set h2.10 up
$K add-flow $DP "in_port(1),eth()" "push_vlan(vid=10,pcp=0),2"
$K add-flow $DP "in_port(2),eth()" "pop_vlan,1"
expect "ping across push_vlan/pop_vlan" in_ns 1 ping -c 3 -i 0.2 -W 2 -q 198.51.100.2
$K del-flows $DP

# Rewrites: h1 talks to 192.0.2.99, which the datapath turns into h2
# (Ethernet and IPv4 destination; TCP port 7000 into 5201) and back.
iperf_server() { # one-off iperf3 server on h2, returns once it listens
	in_ns 2 iperf3 -s -1 -D --logfile /tmp/k11-iperf-s
	in_ns 2 sh -c 'until ss -ltn | grep -q ":5201 "; do sleep 0.05; done'
}
in_ns 1 ip neigh add 192.0.2.99 lladdr 02:00:00:00:00:99 dev h1
A="eth(),eth_type(0x0800),ipv4(proto=6)"
$K add-flow $DP "in_port(1),eth(),eth_type(0x0806)" 2
$K add-flow $DP "in_port(2),eth(),eth_type(0x0806)" 1
$K add-flow $DP "in_port(1),$A,tcp(dst=7000)" \
	"set(eth(dst=$(mac 2))),set(ipv4(dst=192.0.2.2)),set(tcp(dst=5201)),2"
$K add-flow $DP "in_port(2),$A,tcp(src=5201)" \
	"set(eth(src=02:00:00:00:00:99)),set(ipv4(src=192.0.2.99)),set(tcp(src=7000)),1"
iperf_server
expect "TCP through address and port rewrites (full checksums)" \
	in_ns 1 iperf3 -c 192.0.2.99 -p 7000 -n 256K
for i in 1 2; do in_ns $i ethtool -K h$i tx on >/dev/null; done
iperf_server
expect "... and with checksum offload (partial checksums)" \
	in_ns 1 iperf3 -c 192.0.2.99 -p 7000 -n 256K
expect "the rewriting flows carried it" \
	grep -Eq 'tcp\(dst=7000\).*packets:[1-9][0-9]' <<<"$($K dump-flows $DP)"
$K del-flows $DP

# userspace: the packet goes up with its userdata and on to h2.
$K add-flow $DP "in_port(1),eth()" "userspace(pid=0,userdata(0a0b0c0d)),2"
$K add-flow $DP "in_port(2),eth()" 1
bg /tmp/k11-us $K listen $DP -n 1 -t 10
expect "ping with a userspace action on the way" \
	in_ns 1 ping -c 2 -i 0.3 -W 2 -q 192.0.2.2
wait
cat /tmp/k11-us
expect "the action upcall carried its userdata" \
	grep -q 'upcall action port=1 .* userdata=4' /tmp/k11-us
$K del-flows $DP

# recirc: a second lookup with recirc_id 7 finds the output.
$K add-flow $DP "in_port(1),eth()" "recirc(7)"
$K add-flow $DP "recirc_id(7),in_port(1),eth()" 2
$K add-flow $DP "in_port(2),eth()" 1
expect "ping through a recirculation" in_ns 1 ping -c 3 -i 0.2 -W 2 -q 192.0.2.2
expect "the recirculated lookup counted the packets" \
	grep -Eq 'recirc_id\(0x7\).*packets:[3-9]' <<<"$($K dump-flows $DP)"
$K del-flows $DP

# Executed frames, seen on h2: clone works on a copy, sample 100% and
# 0%, trunc cuts the next output only.
frame=$(printf '%s' 020000000002 020000000001 88b5 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021)
sniffed() { # N ACTIONS: the frames h2 sees when the frame is executed
	# (stops after N frames, or 10 s without one: a slow guest can take
	# seconds to start the execute)
	bg /tmp/k11-sn in_ns 2 $K sniff h2 -n $1 -t 10
	$K execute $DP "in_port(1)" "$frame" "$2"
	wait
	grep -v sniffing /tmp/k11-sn
	grep -v sniffing /tmp/k11-sn | sed 's/^/  h2 got: /' >&2
}
out=$(sniffed 2 "clone(set(eth(dst=02:00:00:00:00:77)),2),2")
expect "clone: the copy rewritten, the original untouched, in order" \
	[ "$out" = "$(printf '%s\n%s' "020000000077${frame:12}" "$frame")" ]
out=$(sniffed 1 "sample(sample=100.0%,actions(2))")
expect "sample 100%: sent" [ "$out" = "$frame" ]
out=$(sniffed 1 "sample(sample=0.0%,actions(2))")
expect "sample 0%: not sent" [ -z "$out" ]
out=$(sniffed 2 "trunc(20),2,2")
expect "trunc: the next output cut to 20 bytes, the one after whole" \
	[ "$out" = "$(printf '%s\n%s' "${frame:0:40}" "$frame")" ]
out=$(sniffed 1 "push_vlan(vid=5,pcp=2),push_vlan(tpid=0x88a8,vid=6,pcp=0),2")
expect "two push_vlan: 802.1ad outside, 802.1Q inside" \
	[ "$out" = "${frame:0:24}88a800068100400588b5${frame:28}" ]
finish
