#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two instances (two run directories) pointed at one database directory,
# the sequence of issue 12: instance 1 adds dupA; instance 2, had it
# started, would serve its own stale copy, add dupB over it, and dupA
# would be gone after a restart.  Now the second dbserver refuses to
# start, microvs-ctl says why (the lock file and the holder's pid), and
# no committed row is ever lost.  ovsdb-tool's writing commands refuse
# the held database too; reads (ovsdb-tool query, sqlite3) keep working.
. "$(dirname "$0")/lib.sh"
need_root
T=$(mktemp -d /tmp/microvs-dblock.XXXXXX)
chmod 755 "$T"
D=$T/db
I1="--rundir=$T/run1 --dbdir=$D --logdir=$T/log1"
I2="--rundir=$T/run2 --dbdir=$D --logdir=$T/log2"
trap '$CTL $I1 stop >/dev/null 2>&1; $CTL $I2 stop >/dev/null 2>&1; rm -rf "$T"' EXIT
vsctl() { # vsctl RUNDIR ARGS...: our ovs-vsctl over that instance's bus
	r=$1; shift
	MICROVS_RUNDIR=$r timeout 20 "$B/ctl/ovs-vsctl" --no-wait "$@"
}
bridges() { vsctl "$1" list-br | tr '\n' ' '; }
TOOL=$B/ctl/ovsdb-tool

check "instance 1 starts" eval '$CTL $I1 start >/dev/null'
pid1=$(cat "$T/run1/dbserver.pid")
out=$($CTL $I2 start 2>&1); rc=$?
check "instance 2 on the same database does not start (rc $rc)" test $rc -ne 0
check "microvs-ctl says why: the lock and its holder" \
	grep -qF "dbserver exited with status 1: I/O error: $D/conf.db: failed to lock lockfile (Resource temporarily unavailable): $D/.conf.db.~lock~ is held by pid $pid1 (microvs-dbserver)" <<<"$out"
# (its supervisor may still be on its way out when start returns)
check "no process of instance 2 runs" \
	eval '! $CTL $I2 status >/dev/null && wait_gone pgrep -f -- "--rundir=$T/run2"'

check "instance 1 adds dupA" vsctl "$T/run1" add-br dupA
committed="dupA "
# Had instance 2 started (the old code did), it adds dupB on its own copy,
# which never saw dupA.
if $CTL --rundir="$T/run2" status dbserver >/dev/null 2>&1 &&
	vsctl "$T/run2" add-br dupB; then
	committed="dupA dupB "
fi
check "sqlite3 reads the database while dbserver runs" \
	eval 'test "$(sqlite3 "$D/conf.db" "select name from Bridge")" = dupA'
# SQLite's write lock on the WAL stays with the server between commits
# (ovsdb_vfs): a write behind its back is refused, not lost at its next
# start.
sqlite_write() { sqlite3 "$D/conf.db" "update Bridge set name='behind'" 2>&1; }
out=$(sqlite_write); rc=$?
check "sqlite3 cannot write the served database (rc $rc: $out)" \
	eval 'test $rc -ne 0 && grep -q "database is locked" <<<"$out"'
check "and the served bridge is unchanged" \
	eval 'test "$(sqlite3 "$D/conf.db" "select name from Bridge")" = dupA'
for c in "compact $D/conf.db" "convert $D/conf.db $MICROVS_SRC/schemas/vswitch.ovsschema" \
	 "transact $D/conf.db [\"Open_vSwitch\"]"; do
	out=$($TOOL $c 2>&1); rc=$?
	check "ovsdb-tool ${c%% *} refuses the served database (rc $rc)" \
		eval 'test $rc -ne 0 && grep -q "failed to lock lockfile.*held by pid $pid1" <<<"$out"'
done
check "ovsdb-tool query still reads it" \
	eval '$TOOL query "$D/conf.db" "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[],\"columns\":[\"name\"]}]" | grep -q dupA'
check "ovsdb-tool db-name still reads it" \
	eval 'test "$($TOOL db-name "$D/conf.db")" = Open_vSwitch'

# A restart: dupA, committed and answered, is still there.
$CTL $I1 stop >/dev/null 2>&1
$CTL $I2 stop >/dev/null 2>&1
check "instance 1 starts again" eval '$CTL $I1 start >/dev/null'
check "every committed bridge survived the restart ($committed)" \
	eval 'test "$(bridges "$T/run1")" = "$committed"'
check "dupA among them" eval 'bridges "$T/run1" | grep -qw dupA'
$CTL $I1 stop >/dev/null

# One at a time, they share the database as they should.
check "instance 2 starts once instance 1 is gone" eval '$CTL $I2 start >/dev/null'
check "instance 2 sees dupA" eval 'test "$(bridges "$T/run2")" = "dupA "'
check "instance 2 adds dupB" vsctl "$T/run2" add-br dupB
$CTL $I2 stop >/dev/null
check "instance 1 starts again" eval '$CTL $I1 start >/dev/null'
check "dupA and dupB are both there" \
	eval 'test "$(bridges "$T/run1")" = "dupA dupB "'

# `microvs-ctl start PROC` says why too: another process (here a Python
# holding Open vSwitch's kind of lock) has the database.
$CTL $I1 stop dbserver >/dev/null
exec 3< <(python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
time.sleep(60)' "$D/.conf.db.~lock~")
holder=$!
read -r -t 10 line <&3
check "a Python process holds the lock" test "$line" = locked
out=$($CTL $I1 start dbserver 2>&1); rc=$?
check "microvs-ctl start dbserver fails (rc $rc)" test $rc -ne 0
check "and names the holder" grep -q "is held by pid $holder (python3)" <<<"$out"
kill $holder
exec 3<&-
# The lock goes with the process, which may take a moment to die.
for _ in $(seq 100); do kill -0 $holder 2>/dev/null || break; sleep 0.05; done
check "once it is gone, dbserver starts" \
	eval '$CTL $I1 start dbserver >/dev/null'
check "with both bridges" eval 'test "$(bridges "$T/run1")" = "dupA dupB "'
finish
