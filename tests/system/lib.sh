# SPDX-License-Identifier: Apache-2.0
# Helpers for system tests: real processes in a private run directory.
# Tests source this; MICROVS_BUILD is the build directory (meson sets it).
set -u
B=${MICROVS_BUILD:?MICROVS_BUILD not set}
CTL=$B/ctl/microvs-ctl
APPCTL=$B/ctl/ovs-appctl
ROLES="dbserver upcalld vswitchd tunneld vtepd"
failures=0

need_root() {
	[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
	getent passwd microvs-db >/dev/null ||
		{ echo "skip: role users missing (scripts/install-deps.sh)"; exit 77; }
}

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# wait_listen NETNS PORT: waits (up to 20 s) until a TCP socket listens on
# PORT in namespace NETNS: a server just started in the background may
# take a while on a busy machine.
wait_listen() {
	for _ in $(seq 200); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}

# start_instance: a fresh instance under $T (run, db, log); stopped on exit.
start_instance() {
	T=$(mktemp -d /tmp/microvs-test.XXXXXX)
	chmod 755 "$T"
	R=$T/run
	CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log"
	trap 'stop_instance' EXIT
	$CTL $CTLARGS start >/dev/null || { echo "FAIL: start"; exit 1; }
}

stop_instance() {
	$CTL $CTLARGS stop >/dev/null 2>&1
	[ "${KEEP:-0}" = 1 ] || rm -rf "$T"
}

# wait_for CMD...: polls CMD until it succeeds, for at most 2 s.
wait_for() {
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	return 1
}

# wait_gone CMD...: polls CMD until it fails, for at most 2 s.
wait_gone() {
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 || return 0
		sleep 0.02
	done
	return 1
}

pidof_role() { cat "$R/$1.pid" 2>/dev/null; }

appctl() { # appctl ROLE CMD...
	r=$1; shift
	$APPCTL --rundir "$R" -t "$r" "$@"
}

finish() {
	[ $failures -eq 0 ] && { echo "all checks passed"; exit 0; }
	echo "$failures checks failed"; exit 1
}
