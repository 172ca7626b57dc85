#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Helpers for scenarios with several "hosts": each host is a network
# namespace running a complete microvs instance of its own
# (--rundir/--dbdir/--logdir under $T/hN).  Source after tests/system/lib.sh
# with P (the namespace prefix, unique to the run) set.
#   mkns NAME          a namespace $P-NAME with lo up and no IPv6
#   host_start N       starts host N's instance (inside $P-hostN)
#   vsctl N ARGS...    our ovs-vsctl on host N's instance
#   hostctl N ARGS...  ovs-appctl on host N's instance
#   ping_ok NS IP      three pings from $P-NS to IP, none lost
#   ping_soon NS IP    the same, tried for up to 10 s
command -v ip >/dev/null || { echo "skip: no iproute2"; exit 77; }
T=$(mktemp -d /tmp/microvs-$P.XXXXXX)
chmod 755 "$T"
NETNS=()
HOSTS=()
hosts_cleanup() {
	for h in "${HOSTS[@]}"; do
		$CTL --rundir="$T/h$h/run" stop >/dev/null 2>&1
	done
	for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ "${KEEP:-0}" = 1 ] || rm -rf "$T"
}
trap hosts_cleanup EXIT
mkns() {
	ip netns add "$P-$1" || exit 1
	NETNS+=("$P-$1")
	ip netns exec "$P-$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$P-$1" link set lo up
}
vsctl() {
	local h=$1; shift
	MICROVS_RUNDIR=$T/h$h/run "$B/ctl/ovs-vsctl" --timeout=20 "$@"
}
hostctl() {
	local h=$1; shift
	"$APPCTL" --rundir "$T/h$h/run" "$@"
}
host_start() {
	local h=$1
	# The role users must reach each other's sockets below it.
	mkdir -p "$T/h$h" && chmod 755 "$T/h$h"
	HOSTS+=("$h")
	ip netns exec "$P-host$h" $CTL --rundir="$T/h$h/run" \
		--dbdir="$T/h$h/db" --logdir="$T/h$h/log" start >/dev/null
}
ping_ok() {
	ip netns exec "$P-$1" ping -c 3 -i 0.2 -W 2 -q "$2" >"$T/ping" 2>&1 &&
		grep -q " 0% packet loss" "$T/ping"
}
# ping_soon NS IP: ping_ok, tried for up to 10 s (ARP, routes and the
# first megaflows settle first).
ping_soon() {
	for _ in $(seq 10); do
		ping_ok "$@" && return 0
		sleep 0.5
	done
	return 1
}
