#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside the guest (kmod/tests/run.sh): each test script of this
# directory (or those named), one after the other, with the module loaded.
# Prints a line per test and writes them to $KMOD_OUT/results.txt.
HERE=$(cd "$(dirname "$0")" && pwd)
ALL="ping upcall actions loop fairness restart badinput keys ovs tunnel provider switch scenarios"
tests=${*:-$ALL}
failed=0
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
