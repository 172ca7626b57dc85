# SPDX-License-Identifier: Apache-2.0
# Two namespaces ping each other through flows the client installed;
# dump-flows shows them with their statistics; deleting one returns its
# final statistics; execute sends a frame out of a port.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
$K add-flow $DP "in_port(1),eth()" 2
$K add-flow $DP "in_port(2),eth()" 1
expect "ping h1 -> h2 through the installed flows" \
	in_ns 1 ping -c 5 -i 0.2 -W 2 -q 192.0.2.2
dump=$($K dump-flows $DP)
echo "$dump"
expect "dump-flows shows the two megaflows" \
	[ "$(grep -c 'actions:' <<<"$dump")" = 2 ]
expect "each with the packets it forwarded" \
	grep -Eq 'in_port\(1\).*packets:([5-9]|[1-9][0-9]+),.*actions:2' <<<"$dump"
show=$($K show $DP)
echo "$show"
expect "lookups: hits, no misses" [ "$(dp_counter hit)" -ge 10 -a "$(dp_counter missed)" = 0 ]
expect "port 1 counts what it received" \
	grep -Eq 'RX packets:([5-9]|[1-9][0-9]+) ' <<<"$(grep -A1 'port 1:' <<<"$show")"
ufid=$(ufid_of 'in_port\(1\)')
del=$($K del-flow $DP "$ufid")
echo "$del"
expect "del-flow returns the final statistics" grep -Eq 'packets:([5-9]|[1-9][0-9]+)' <<<"$del"
expect "one flow left" [ "$($K dump-flows $DP | wc -l)" = 1 ]
refuse "without the flow, h1 no longer reaches h2" \
	in_ns 1 ping -c 2 -i 0.2 -W 1 -q 192.0.2.2
expect "those misses are lost: nobody listens" [ "$(dp_counter lost)" -ge 2 ]
$K del-flows $DP
expect "del-flows empties the table" [ -z "$($K dump-flows $DP)" ]
$K set-dp $DP limit=1
$K add-flow $DP "in_port(1),eth()" 2
refuse "at the flow limit a new flow is refused" $K add-flow $DP "in_port(2),eth()" 1
expect "... with EFBIG" sh -c "$K add-flow $DP 'in_port(2),eth()' 1 2>&1 | grep -q 'File too large'"
expect "show reports the limit" grep -q 'flows: 1 (limit 1)' <<<"$($K show $DP)"
$K set-dp $DP limit=200000
$K del-flows $DP

# execute: a frame from "port 1" out of port 2, seen as sent on h2.
frame=$(printf '%s' 020000000002 020000000001 88b5 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011)
bg /tmp/k11-sniff in_ns 2 $K sniff h2 -n 1 -t 30
expect "execute output:2" $K execute $DP "in_port(1)" "$frame" 2
wait
expect "h2 received the frame, byte for byte" grep -qx "$frame" /tmp/k11-sniff
finish
