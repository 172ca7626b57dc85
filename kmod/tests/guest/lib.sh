# SPDX-License-Identifier: Apache-2.0
# Sourced by the guest tests: the client, assertions, hosts in namespaces.
# Every name starts with kmod11 or k11 (the guest is ours alone, but the
# names stay recognisable).
K=${MVS_KCTL:?}
DP=k11dp
FAILED=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }

# expect WHAT CMD...: CMD must succeed.
expect() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# refuse WHAT CMD...: CMD must fail.
refuse() {
	local what=$1
	shift
	if "$@"; then bad "$what"; else ok "$what"; fi
}

# in_ns I CMD...: runs CMD in host I's namespace.
in_ns() {
	local i=$1
	shift
	ip netns exec kmod11-h$i "$@"
}

# bg FILE CMD...: runs CMD in the background, output to FILE, and returns
# once CMD has said it is ready ("listening" or "sniffing").
bg() {
	local out=$1
	shift
	"$@" >"$out" 2>&1 &
	while ! grep -Eq '^(listening|sniffing)' "$out" 2>/dev/null; do
		kill -0 $! 2>/dev/null || return 1
		sleep 0.05
	done
}

mac() { printf '02:00:00:00:00:%02x' "$1"; }

# hosts N: namespaces kmod11-h1..hN, each with a veth hI (192.0.2.I/24,
# MAC 02:00:00:00:00:0I) whose peer k11-hI is port I of $DP.  IPv6 is off
# so that only the test's own packets cross.
hosts() {
	local i
	for i in $(seq 1 "$1"); do
		ip netns add kmod11-h$i
		ip link add h$i type veth peer name k11-h$i
		sysctl -qw net.ipv6.conf.k11-h$i.disable_ipv6=1
		ip link set h$i netns kmod11-h$i
		in_ns $i sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n kmod11-h$i link set h$i address "$(mac $i)"
		ip -n kmod11-h$i link set lo up
		ip -n kmod11-h$i addr add 192.0.2.$i/24 dev h$i
		ip -n kmod11-h$i link set h$i up
		ip link set k11-h$i up
		[ -n "${NO_PORTS:-}" ] ||
			$K add-if $DP k11-h$i,port=$i >/dev/null ||
			bad "add-if k11-h$i"
	done
}

# A datapath to test with.
new_dp() {
	$K add-dp $DP || { echo "FAIL add-dp"; exit 1; }
	sysctl -qw net.ipv6.conf.$DP.disable_ipv6=1
}

# Counter NAME of "show" ("hit", "missed", "lost").
dp_counter() { $K show $DP | sed -n "s/.*lookups:.* $1:\([0-9]*\).*/\1/p;s/.*lookups: $1:\([0-9]*\).*/\1/p"; }

# The ufid of the flow whose dump-flows -m line matches REGEX.
ufid_of() { $K dump-flows -m $DP | grep -E "$1" | grep -o 'ufid:[0-9a-f-]*' | head -1; }

cleanup() {
	local ns
	$K del-dp $DP 2>/dev/null
	for ns in $(ip netns list | awk '/^kmod11-/ {print $1}'); do
		ip netns del "$ns"
	done
}

# Ends the test: cleans up and exits 0 only if nothing failed.
finish() {
	cleanup
	echo "$FAILED failed"
	[ "$FAILED" = 0 ]
	exit
}
