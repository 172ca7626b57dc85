#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# microvs-ctl's supervisor on the bus (RUNDIR/supervisor.rpc): only root
# may call it, restart PROC answers with the new pid, an unknown process
# and a stopped supervisor are errors, and SIGTERM stops everything.  Its
# event loop never waits: while a stop waits the 3 s before it SIGKILLs a
# process that does not exit (a SIGSTOPped vtepd), a kill -9'd upcalld is
# respawned and answering before that stop has returned.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { echo "skip: setpriv missing"; exit 77; }
start_instance

back() { # back ROLE OLDPID: a new pid that answers
	new=$(pidof_role "$1")
	[ -n "$new" ] && [ "$new" != "$2" ] && appctl "$1" -T 1 version >/dev/null 2>&1
}

# Only admin (root) may call the supervisor.
uid=$(id -u microvs-vtep)
gid=$(getent group microvs | cut -d: -f3)
out=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	$CTL $CTLARGS stop vswitchd 2>&1); rc=$?
check "microvs-vtep may not stop vswitchd (rc $rc)" test $rc -eq 1
check "it is told why" grep -q "may not send proc_stop" <<<"$out"
check "the supervisor logged uid and message" \
	grep -q "refused proc_stop from uid $uid (vtepd)" "$T/log/microvs-ctl.log"
check "vswitchd still answers" eval 'appctl vswitchd version >/dev/null'

# restart PROC: "ok PID" with the new pid, which answers.
old=$(pidof_role vswitchd)
out=$($CTL $CTLARGS restart vswitchd); rc=$?
check "restart vswitchd exits 0" test $rc -eq 0
check "restart prints ok and the new pid ($out)" \
	test "$out" = "ok $(pidof_role vswitchd)" -a "$out" != "ok $old"
check "the new vswitchd answers" eval 'appctl vswitchd version >/dev/null'
out=$($CTL $CTLARGS stop vtepd); rc=$?
check "stop vtepd prints ok" test "$rc $out" = "0 ok"
out=$($CTL $CTLARGS start vtepd); rc=$?
check "start vtepd prints ok and its pid" test "$rc $out" = "0 ok $(pidof_role vtepd)"

# The loop does not wait for a stop: vtepd ignores SIGTERM while stopped.
vtep=$(pidof_role vtepd) up=$(pidof_role upcalld)
kill -STOP "$vtep"
$CTL $CTLARGS stop vtepd >"$T/stop.out" 2>&1 &
job=$!
sigterm_pending() { # SIGTERM (15: bit 14) waits on the stopped vtepd
	local m
	m=$(awk '/^ShdPnd:/ {print $2}' "/proc/$vtep/status" 2>/dev/null)
	[ -n "$m" ] && (( (16#$m >> 14) & 1 ))
}
wait_for sigterm_pending
check "the stop sent SIGTERM" sigterm_pending
kill -9 "$up"
for _ in $(seq 500); do back upcalld "$up" && break; sleep 0.02; done
check "upcalld came back while the stop waits" back upcalld "$up"
check "... and the stop was still under way then" kill -0 "$job"
wait "$job"; rc=$?
check "the stop then ends: SIGKILL (rc $rc)" \
	eval 'test $rc -eq 0 && grep -q "vtepd did not stop: killing it" "$T/log/microvs-ctl.log"'
check "vtepd is gone" eval '! kill -0 $vtep 2>/dev/null'
$CTL $CTLARGS start vtepd >/dev/null

out=$($CTL $CTLARGS restart nosuch 2>&1); rc=$?
check "restart of no such process exits 1" test $rc -eq 1

# SIGTERM: every process stops, then the supervisor.
pids=$(for r in $ROLES; do pidof_role "$r"; done)
sp=$(cat "$R/microvs-ctl.pid")
kill -TERM "$sp"
for _ in $(seq 500); do kill -0 "$sp" 2>/dev/null || break; sleep 0.02; done
check "SIGTERM: the supervisor exits" eval '! kill -0 $sp 2>/dev/null'
for p in $pids; do
	check "SIGTERM: pid $p stopped" eval '! kill -0 $p 2>/dev/null'
done
out=$($CTL $CTLARGS stop vtepd 2>&1); rc=$?
check "no supervisor: an error (rc $rc)" \
	eval 'test $rc -eq 1 && grep -q "supervisor not running" <<<"$out"'
finish
