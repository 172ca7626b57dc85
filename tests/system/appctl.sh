#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every process answers the generic commands; ovs-appctl behaves as Open
# vSwitch's (targets, exit codes, errors); vlog/set changes levels at run
# time and the bus trace logs every message.
. "$(dirname "$0")/lib.sh"
need_root
start_instance

for r in $ROLES; do
	out=$(appctl "$r" list-commands)
	for c in list-commands version vlog/list vlog/set memory/show \
		 coverage/show exit; do
		check "$r lists $c" grep -q "^  $c" <<<"$out"
	done
	check "$r version" eval 'appctl "$r" version | grep -q "microvs-$r (microvs)"'
	check "$r memory/show" eval 'appctl "$r" memory/show | grep -q "rss_kb:[0-9]"'
	check "$r coverage/show" eval 'appctl "$r" coverage/show | grep -q "^Event coverage"'
done
check "-t ovs-vswitchd is vswitchd" eval '$APPCTL --rundir $R -t ovs-vswitchd version | grep -q microvs-vswitchd'
check "-t ovsdb-server is dbserver" eval '$APPCTL --rundir $R -t ovsdb-server version | grep -q microvs-dbserver'
check "default target is vswitchd" eval '$APPCTL --rundir $R version | grep -q microvs-vswitchd'
check "OVS_RUNDIR selects the instance" eval 'OVS_RUNDIR=$R $APPCTL -t upcalld version | grep -q upcalld'
$APPCTL --rundir "$R" -t vswitchd no/such 2>"$T/err"; rc=$?
check "unknown command exits 2" test $rc -eq 2
check "unknown command message" grep -q '"no/such" is not a valid command' "$T/err"
$APPCTL --rundir "$T/nowhere" -t vswitchd version 2>/dev/null; rc=$?
check "no such instance exits 1" test $rc -eq 1

# vlog/set at run time, and the bus trace switch.
check "vlog/set bustrace:file:dbg" appctl vtepd vlog/set bustrace:file:dbg
check "vlog/list shows it" eval 'appctl vtepd vlog/list | grep -Eq "^bustrace +OFF +OFF +DBG"'
appctl vtepd version >/dev/null
check "trace logged the appctl call" grep -q "bustrace|DBG|recv admin appctl_call{command=\"version\"" "$T/log/microvs-vtepd.log"
check "bad vlog spec refused" eval '! appctl vtepd vlog/set nosuch:dbg 2>/dev/null'

# exit stops the process; the supervisor brings it back.
old=$(pidof_role tunneld)
check "exit" appctl tunneld exit
sleep 0.5
check "tunneld restarted after exit" eval 'appctl tunneld version >/dev/null && test "$(pidof_role tunneld)" != "$old"'
check "microvs-ctl status" eval '$CTL $CTLARGS status | grep -c running | grep -qx 5'
check "microvs-ctl stop PROC" eval '$CTL $CTLARGS stop vtepd >/dev/null'
$CTL $CTLARGS status >/dev/null; rc=$?
check "status exits 3 with one stopped" test $rc -eq 3
check "microvs-ctl start PROC" eval '$CTL $CTLARGS start vtepd >/dev/null && appctl vtepd version >/dev/null'
# One-shot tools speak the bus wire format themselves (bus/bus_sync.c):
# they must not pull in nng and its thread pool.
for tool in ovs-appctl ovs-vsctl vtep-ctl ovsdb-client; do
	check "$tool links no nng" eval '! ldd "$B/ctl/$tool" | grep -q libnng'
done
finish
