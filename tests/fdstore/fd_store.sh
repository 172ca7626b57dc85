#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The supervisor's descriptor store (systemd's FDSTORE protocol): a process
# whose role may store descriptors (upcalld; here fdstore_probe in its
# place) stores a memfd; after kill -9 the respawned process is given it
# back (LISTEN_FDS) and reads what the first one wrote; a stop empties the
# store; a role that may store nothing is refused.
. "$(dirname "$0")/../system/lib.sh"
need_root
PROBE=${1:?usage: fd_store.sh PROBE}

# A bindir with the real binaries and the probe as microvs-upcalld.
BIN=$(mktemp -d /tmp/microvs-fdstore-bin.XXXXXX)
for r in dbserver vswitchd tunneld vtepd; do
	ln -s "$B/procs/$r/microvs-$r" "$BIN/microvs-$r"
done
ln -s "$PROBE" "$BIN/microvs-upcalld"
trap 'stop_instance; rm -rf "$BIN"' EXIT
T=$(mktemp -d /tmp/microvs-test.XXXXXX)
chmod 755 "$T"
R=$T/run
CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log --bindir=$BIN"
$CTL $CTLARGS start >/dev/null || { echo "FAIL: start"; exit 1; }

check "nothing given at first start" \
	test -z "$(appctl upcalld fdstore/show)"
check "store a memfd" eval 'appctl upcalld fdstore/put "kept-across-crash" | grep -qx stored'
old=$(pidof_role upcalld)
kill -9 "$old"
check "respawned" wait_for eval 'test "$(pidof_role upcalld)" != "$old" && appctl upcalld version'
check "the new process got the memfd back" \
	eval 'appctl upcalld fdstore/show | grep -qx kept-across-crash'
check "the supervisor logged it" \
	grep -q "started upcalld (pid .*, with its stored descriptors)" "$T/log/microvs-ctl.log"
# Kept across a second crash too (the new process did not store it again:
# the supervisor still holds its copy).
kill -9 "$(pidof_role upcalld)"
sleep 0.3
check "and across a second crash" \
	wait_for eval 'appctl upcalld fdstore/show | grep -qx kept-across-crash'
# A stop empties the store, as systemd's does.
$CTL $CTLARGS stop upcalld >/dev/null
$CTL $CTLARGS start upcalld >/dev/null
check "a stop empties the store" test -z "$(appctl upcalld fdstore/show)"
check "a removal returns once the supervisor closed its copy (barrier)" \
	eval 'test "$(appctl upcalld fdstore/remove-closes)" = closed'
# A process whose role may store nothing (vswitchd) is refused: it sends
# through the same socket, so try it as vswitchd's user from outside.
check "refusal of a non-child logged" eval '
	python3 -c "
import socket, os, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
fd = os.open(\"/dev/null\", os.O_RDONLY)
s.sendmsg([b\"FDSTORE=1\nFDNAME=x\"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array(\"i\", [fd]))], 0, \"$R/notify.sock\")
" && wait_for grep -q "refused a notification from pid" "$T/log/microvs-ctl.log"'
finish
