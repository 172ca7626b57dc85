#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# One connect() and close() on each process's bus socket, before it could
# answer the handshake: Debian 12's nng then stops accepting there for
# good (bus/bus_watch.h).  Each process notices within seconds: the
# supervisor (root) listens again in place; a role process, which cannot
# re-create its socket in the root-owned run directory, exits and is
# restarted.  Afterwards every one answers ovs-appctl and the database
# takes a change.
. "$(dirname "$0")/lib.sh"
need_root
start_instance

connect_and_close() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.close()' "$1"
}
# answers ROLE: ovs-appctl gets an answer within 45 s (a hang guard: the
# watch reads every 2 s, and a restart may take seconds on a busy machine).
answers() {
	for _ in $(seq 90); do
		appctl "$1" -T 1 version >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# stop PID: SIGSTOP, and wait until every thread has stopped (kill returns
# before: a thread still running could answer before the close).
stop() {
	kill -STOP "$1"
	for _ in $(seq 200); do
		awk '{ print $3 }' /proc/"$1"/task/*/stat 2>/dev/null |
			grep -qv '^[tT]$' || return 0
		sleep 0.01
	done
	echo "pid $1 did not stop"
}

declare -A before=()
for r in $ROLES; do before[$r]=$(pidof_role "$r"); done
sv=$(cat "$R/microvs-ctl.pid")
# Stopped, a process cannot answer before the close.
for r in $ROLES; do
	stop "${before[$r]}"
	connect_and_close "$R/$r.rpc"
	kill -CONT "${before[$r]}"
done
stop "$sv"
connect_and_close "$R/supervisor.rpc"
kill -CONT "$sv"

for r in $ROLES; do
	check "$r answers ovs-appctl again" answers "$r"
	check "$r was restarted (pid ${before[$r]} -> $(pidof_role "$r"))" \
		test "$(pidof_role "$r")" != "${before[$r]}"
	check "$r said why it exited" grep -q \
		"$r.rpc: cannot listen again.*exiting to be restarted" \
		"$T/log/microvs-$r.log"
done
check "the supervisor listened again in place" grep -q \
	"supervisor.rpc: nng stopped accepting connections there.*listening again" \
	"$T/log/microvs-ctl.log"
check "the supervisor answers (microvs-ctl status)" eval \
	'$CTL $CTLARGS status >/dev/null'
check "the supervisor kept its pid" test "$(cat "$R/microvs-ctl.pid")" = "$sv"
check "ovs-vsctl add-br goes through" eval \
	'MICROVS_RUNDIR=$R $B/ctl/ovs-vsctl --timeout=20 add-br br9 -- set bridge br9 datapath_type=dummy'
finish
