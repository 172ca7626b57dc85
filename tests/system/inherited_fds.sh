#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A descriptor the operator's shell leaves open (here a writable root-only
# file on fd 3, and a directory on fd 7) must not cross the privilege drop:
# the supervisor and all five daemons close everything above stderr at
# start.
. "$(dirname "$0")/lib.sh"
need_root
V=$(mktemp -d /tmp/microvs-fds.XXXXXX)
chmod 0700 "$V"
victim=$V/root-only
: >"$victim"
chmod 0600 "$victim"
exec 3>>"$victim" 7<"$V"
start_instance
exec 3>&- 7<&-
trap 'stop_instance; rm -rf "$V"' EXIT

# holds PID PATH: does process PID have PATH open?
holds() {
	for f in /proc/$1/fd/*; do
		[ "$(readlink "$f")" = "$2" ] && return 0
	done
	return 1
}
sup=$(cat "$R/microvs-ctl.pid")
for who in microvs-ctl $ROLES; do
	if [ $who = microvs-ctl ]; then pid=$sup; else pid=$(pidof_role $who); fi
	[ -d "/proc/$pid" ] || { fail "$who is not running"; continue; }
	check "$who (pid $pid) does not hold the root-only file" \
		eval '! holds $pid "$victim"'
	check "$who does not hold the starter's directory" \
		eval '! holds $pid "$V"'
done
check "the root-only file is still empty" test ! -s "$victim"
finish
