#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The log directory is shared with the roles (group microvs), and the
# daemons open their log files as root before dropping privileges.  A role
# user (here microvs-vtep) tries to make them write into a root-only file:
# by replacing another role's log with a link (the sticky bit forbids it),
# and by planting a link, a file of its own or a FIFO at a free log name
# (after a rotation).  The root file never changes; each daemon ends up
# with a regular file of its own, and says what it removed.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { echo "skip: setpriv missing"; exit 77; }
start_instance
L=$T/log
gid=$(getent group microvs | cut -d: -f3)
as_vtep() {
	setpriv --reuid="$(id -u microvs-vtep)" --regid="$gid" --clear-groups "$@"
}
mkdir -m 0700 "$T/rootonly"
victim=$T/rootonly/secret
echo "root only" >"$victim"
chmod 0600 "$victim"
cp "$victim" "$T/victim.orig"
victim_intact() { cmp -s "$victim" "$T/victim.orig"; }
restart() { $CTL $CTLARGS restart "$1" >/dev/null; }

check "log directory is sticky (3770 root:microvs)" \
	eval 'test "$(stat -c "%a %U %G" "$L")" = "3770 root microvs"'
check "dbserver's log belongs to microvs-db" \
	eval 'test "$(stat -c %U "$L/microvs-dbserver.log")" = microvs-db'

# 1. The attack of the issue: rm another role's log, link to a root file.
as_vtep sh -c "rm -f '$L/microvs-dbserver.log' &&
	ln -s '$victim' '$L/microvs-dbserver.log'" 2>/dev/null
check "microvs-vtep cannot remove dbserver's log" \
	test -f "$L/microvs-dbserver.log" -a ! -L "$L/microvs-dbserver.log"
check "dbserver restarts" restart dbserver
appctl dbserver version >/dev/null
check "the root file is unchanged" victim_intact

# 2. The name is free (rotated away by root): a link planted there.
mv "$L/microvs-dbserver.log" "$L/microvs-dbserver.log.1"
check "microvs-vtep can plant a link at a free name" \
	as_vtep ln -s "$victim" "$L/microvs-dbserver.log"
check "dbserver restarts" restart dbserver
appctl dbserver version >/dev/null
check "the root file is unchanged" victim_intact
check "dbserver's log is a regular file again" \
	test -f "$L/microvs-dbserver.log" -a ! -L "$L/microvs-dbserver.log"
check "owned by microvs-db" \
	eval 'test "$(stat -c "%U %h" "$L/microvs-dbserver.log")" = "microvs-db 1"'
check "dbserver logged what it removed" \
	grep -q "removed $L/microvs-dbserver.log: it is a symbolic link" \
	"$L/microvs-dbserver.log"

# 3. A file of microvs-vtep's own at vswitchd's free name: not ours.
mv "$L/microvs-vswitchd.log" "$L/microvs-vswitchd.log.1"
as_vtep sh -c "echo planted >'$L/microvs-vswitchd.log'"
check "vswitchd restarts" restart vswitchd
check "vswitchd's log is its own" \
	eval 'test "$(stat -c %U "$L/microvs-vswitchd.log")" = microvs-sw'
check "and says the planted file was not its own" \
	grep -q "is owned by uid $(id -u microvs-vtep)" "$L/microvs-vswitchd.log"

# 4. A FIFO at tunneld's free name: no hang, replaced.
mv "$L/microvs-tunneld.log" "$L/microvs-tunneld.log.1"
as_vtep mkfifo "$L/microvs-tunneld.log"
check "tunneld restarts past a FIFO" restart tunneld
check "tunneld's log is a regular file" test -f "$L/microvs-tunneld.log"

# 5. The supervisor itself (root for its whole life) opens its log the
# same way.
$CTL $CTLARGS stop >/dev/null
mv "$L/microvs-ctl.log" "$L/microvs-ctl.log.1"
as_vtep ln -s "$victim" "$L/microvs-ctl.log"
check "the instance starts again" eval '$CTL $CTLARGS start >/dev/null'
check "the root file is unchanged" victim_intact
check "microvs-ctl's log is a regular file of root's" \
	eval 'test "$(stat -c %U "$L/microvs-ctl.log")" = root -a ! -L "$L/microvs-ctl.log"'

# After the drop, a role reopens its own file (log rotation, SIGHUP).
mv "$L/microvs-vtepd.log" "$L/microvs-vtepd.log.1"
kill -HUP "$(pidof_role vtepd)"
check "vtepd reopens its log after SIGHUP" \
	wait_for test -f "$L/microvs-vtepd.log"
check "the root file is unchanged" victim_intact
finish
