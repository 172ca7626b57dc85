#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside the guest (kmod/tests/run.sh): each test script of this
# directory (or those named), one after the other, with the module loaded.
# Prints a line per test and writes them to $KMOD_OUT/results.txt.
HERE=$(cd "$(dirname "$0")" && pwd)
# restart (kill -9 of a test controller) runs by name only: switch does
# the same with vswitchd and upcalld, and CI's time is short.
ALL="ping upcall actions loop fairness badinput keys ovs tunnel provider meter switch scenarios"
tests=${*:-$ALL}
failed=0
# Processes of microvs take longer than the supervisor's 5 s to start in a
# TCG guest on a loaded host: the switch and scenario tests wait longer.
export MICROVS_UP_TIMEOUT_MS=60000
: >"$KMOD_OUT/results.txt"
for t in $tests; do
	SECONDS=0
	bash "$HERE/$t.sh" >"$KMOD_OUT/$t.log" 2>&1
	rc=$?
	cat "$KMOD_OUT/$t.log"
	if [ $rc = 0 ]; then
		line="PASS $t (${SECONDS}s)"
	else
		line="FAIL $t (rc=$rc, ${SECONDS}s)"
		failed=$((failed + 1))
	fi
	echo "=== $line"
	echo "$line" >>"$KMOD_OUT/results.txt"
done
exit $failed
