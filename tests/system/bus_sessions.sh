#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bus sessions live as long as their client: 40 `ovsdb-client transact`
# calls over the bus, each holding a "wait" that is never satisfied, are
# killed; dbserver must then free every one of their sessions (memory/show
# "sessions" back where it was) and keep answering.  Over db.sock a
# disconnect already cancels the wait; the bus did not notice (issue 12).
. "$(dirname "$0")/lib.sh"
need_root
start_instance
export MICROVS_RUNDIR=$R
CLIENT=$B/ctl/ovsdb-client
N=40
sessions() { appctl ovsdb-server memory/show | grep -Eo 'sessions:[0-9]+' | cut -d: -f2; }
wait_sessions() { # wait_sessions TEST N: until sessions TEST N, at most 10 s
	for _ in $(seq 500); do
		[ "$(sessions)" "$1" "$2" ] && return 0
		sleep 0.02
	done
	return 1
}
WAIT='["Open_vSwitch",{"op":"wait","table":"Open_vSwitch","where":[],"columns":["next_cfg"],"until":"==","rows":[{"next_cfg":424242}]}]'

base=$(sessions)
check "memory/show counts sessions ($base)" test -n "$base"
pids=
for i in $(seq $N); do
	"$CLIENT" transact "$WAIT" >/dev/null 2>&1 &
	pids="$pids $!"
done
check "$N waiting bus clients hold $N sessions" wait_sessions -ge $((base + N))
kill -9 $pids 2>/dev/null
wait $pids 2>/dev/null
check "killing them frees every session (now $(sessions), was $base)" \
	wait_sessions -le "$base"
check "dbserver still answers over the bus" \
	eval '"$CLIENT" transact "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[]}]" | grep -q rows'
finish
