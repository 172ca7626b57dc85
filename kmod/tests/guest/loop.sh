# SPDX-License-Identifier: Apache-2.0
# A flow that recirculates into itself: the datapath stops at its nesting
# limit, drops the packet with a (rate-limited) message and keeps working.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
$K add-flow $DP "in_port(1),eth()" "recirc(1)"
$K add-flow $DP "recirc_id(1),in_port(1),eth()" "recirc(1)"
$K add-flow $DP "in_port(2),eth()" 1
refuse "a looping packet goes nowhere" in_ns 1 ping -c 2 -i 0.3 -W 1 -q 192.0.2.2
dump=$($K dump-flows $DP)
echo "$dump"
expect "it went round the loop" grep -Eq 'recirc_id\(0x1\).*packets:([4-9]|[1-9][0-9])' <<<"$dump"
expect "the kernel said why it dropped it" \
	sh -c "dmesg | grep -q 'microvs: $DP: more than 6 nested'"
$K del-flows $DP
$K add-flow $DP "in_port(1),eth()" 2
$K add-flow $DP "in_port(2),eth()" 1
# The looped ARP left h1's entry for h2 FAILED: ping would report errors
# until the kernel retries, whatever the datapath does.
in_ns 1 ip neigh flush dev h1
expect "the datapath forwards again" in_ns 1 ping -c 2 -i 0.2 -W 2 -q 192.0.2.2
finish
