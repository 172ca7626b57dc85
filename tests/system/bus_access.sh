#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A bus client running as a uid the catalogue does not allow for a message
# is refused, and the refusal is logged with the uid and message name.
# appctl_call may come only from admin (uid 0); here microvs-vtep sends it.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { echo "skip: setpriv missing"; exit 77; }
start_instance

uid=$(id -u microvs-vtep)
gid=$(getent group microvs | cut -d: -f3)
for r in vswitchd dbserver; do
	out=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		$APPCTL --rundir "$R" -t "$r" version 2>&1); rc=$?
	check "$r refuses appctl_call from microvs-vtep (rc $rc)" test $rc -eq 2
	check "the caller is told why" grep -q "may not send appctl_call" <<<"$out"
	check "$r logged uid and message" \
		grep -q "refused appctl_call from uid $uid (vtepd)" "$T/log/microvs-$r.log"
	check "$r still answers root" eval 'appctl "$r" version >/dev/null'
done
# Outside group microvs the socket itself is closed (0660 root:microvs).
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	$APPCTL --rundir "$R" -t vswitchd version 2>&1); rc=$?
check "nobody cannot reach the bus (rc $rc)" test $rc -eq 1
check "socket mode 0660 root:microvs" eval 'test "$(stat -c "%a %U %G" $R/vswitchd.rpc)" = "660 root microvs"'
check "run directory 2750 root:microvs" eval 'test "$(stat -c "%a %U %G" $R)" = "2750 root microvs"'
finish
