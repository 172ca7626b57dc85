#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kill -9 of any process under microvs-ctl: it is running again and
# answering ovs-appctl within 2 s; the others keep their pids and answer
# throughout.
. "$(dirname "$0")/lib.sh"
need_root
start_instance

now_ms() { date +%s%3N; }
for victim in $ROLES; do
	declare -A before=()
	for r in $ROLES; do before[$r]=$(pidof_role "$r"); done
	old=${before[$victim]}
	t0=$(now_ms)
	kill -9 "$old"
	back=""
	while [ $(( $(now_ms) - t0 )) -lt 2000 ]; do
		new=$(pidof_role "$victim")
		if [ "$new" != "$old" ] &&
		   appctl "$victim" -T 1 version >/dev/null 2>&1; then
			back=$(( $(now_ms) - t0 ))
			break
		fi
		sleep 0.01
	done
	if [ -n "$back" ]; then
		pass "$victim back in ${back} ms (pid $old -> $new)"
	else
		fail "$victim not answering within 2 s of kill -9"
	fi
	for r in $ROLES; do
		[ "$r" = "$victim" ] && continue
		check "$r kept pid ${before[$r]}" test "$(pidof_role "$r")" = "${before[$r]}"
		check "$r answers" eval 'appctl "$r" version >/dev/null'
	done
	unset before
done
# Ten crashes in a row are throttled, not a fork storm, and it recovers.
for i in $(seq 10); do kill -9 "$(pidof_role vtepd)" 2>/dev/null; sleep 0.02; done
sleep 1.5
check "vtepd back after a crash loop" eval 'appctl vtepd version >/dev/null'
check "supervisor logged the throttle" grep -q "restarting too often" "$T/log/microvs-ctl.log"
finish
