# SPDX-License-Identifier: Apache-2.0
# One busy port cannot starve another: with a netlink socket per port,
# 3000 misses flooding port 1 fill only port 1's socket, and all 20 of
# port 2's misses reach userspace.  With one socket for the datapath the
# same flood crowds port 2 out.  The listener reads nothing until both
# ports have sent (--wait-file), so no timing decides the outcome.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
f1=$(printf '%s' 020000000002 020000000001 88b5 $(printf '00%.0s' $(seq 46)))
f2=$(printf '%s' 020000000001 020000000002 88b5 $(printf '11%.0s' $(seq 46)))
flood() { # LISTEN-OPTION: prints port 2's upcall count
	rm -f /tmp/k11-go
	bg /tmp/k11-fair $K listen $DP $1 --wait-file /tmp/k11-go -t 2
	in_ns 1 $K inject h1 "$f1" 3000
	in_ns 2 $K inject h2 "$f2" 20
	touch /tmp/k11-go
	wait
	grep '^upcalls' /tmp/k11-fair >&2
	sed -n 's/^upcalls port=2 count=//p' /tmp/k11-fair
}
lost0=$(dp_counter lost)
n=$(flood --per-port)
expect "per-port sockets: all 20 of port 2's misses came up ($n)" [ "$n" = 20 ]
expect "while port 1's flood overflowed its own socket" \
	[ "$(dp_counter lost)" -gt "$lost0" ]
n=$(flood "")
expect "one shared socket: port 2 is crowded out ($n of 20)" [ "$n" -lt 20 ]
expect "... by port 1's flood" grep -Eq '^upcalls port=1 count=[1-9]' /tmp/k11-fair
finish
