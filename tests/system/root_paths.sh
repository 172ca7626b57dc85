#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What the daemons do as root before the privilege drop touches only paths
# no role user can change, and follows no link there:
#  - the database directory belongs to microvs-db: a link it plants at
#    conf.db (to a root-only database) is refused, not opened and chowned;
#  - a run directory a role user could change is refused;
#  - links planted at a pidfile's name (in a run directory that was
#    2770, as systemd-tmpfiles makes it) are replaced, never written
#    through.
. "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { echo "skip: setpriv missing"; exit 77; }
start_instance
gid=$(getent group microvs | cut -d: -f3)
as() { u=$1; shift; setpriv --reuid="$(id -u "$u")" --regid="$gid" --clear-groups "$@"; }
mkdir -m 0700 "$T/rootonly"

# 1. microvs-db swaps conf.db for a link to a root-only database.
D=$T/db
check "the database directory is microvs-db's" \
	eval 'test "$(stat -c %U "$D")" = microvs-db'
$CTL $CTLARGS stop >/dev/null
cp "$D/conf.db" "$T/rootonly/victim.db"
chmod 0600 "$T/rootonly/victim.db"
as microvs-db sh -c "mv '$D/conf.db' '$D/conf.db.orig' &&
	ln -s '$T/rootonly/victim.db' '$D/conf.db'"
out=$($CTL $CTLARGS start 2>&1); rc=$?
check "dbserver refuses a linked database (rc $rc)" test $rc -ne 0
check "and says so" grep -q "conf.db is a symbolic link" <<<"$out"
check "the root-only database still belongs to root" \
	eval 'test "$(stat -c "%U %a" "$T/rootonly/victim.db")" = "root 600"'
as microvs-db sh -c "rm '$D/conf.db' && mv '$D/conf.db.orig' '$D/conf.db'"
check "with its own file back, it starts" eval '$CTL $CTLARGS start >/dev/null'

# 2. A run directory below a directory a role user owns.
mkdir "$T/vtephome"
chown microvs-vtep "$T/vtephome"
out=$("$B/procs/vtepd/microvs-vtepd" --rundir="$T/vtephome/run" \
	--logdir="$T/vtephome" --detach 2>&1); rc=$?
[ $rc -eq 0 ] && kill "$(cat "$T/vtephome/run/vtepd.pid")"
check "a run directory a role user could replace is refused (rc $rc)" \
	test $rc -ne 0
check "naming the owner" grep -q "vtephome is owned by microvs-vtep" <<<"$out"

# 3. A run directory that was 2770 (roles could create entries): a link
# planted at the pidfile's name and at its temporary's.
R2=$T/run2
mkdir -m 2770 "$R2"
chgrp microvs "$R2"
echo "root only" >"$T/rootonly/secret"
as microvs-vtep ln -s "$T/rootonly/secret" "$R2/vtepd.pid"
as microvs-vtep ln -s "$T/rootonly/secret" "$R2/vtepd.pid.tmp"
"$B/procs/vtepd/microvs-vtepd" --rundir="$R2" --logdir="$T/log2" --detach
check "vtepd starts in it" test $? -eq 0
check "the root file is unchanged" \
	eval 'test "$(cat "$T/rootonly/secret")" = "root only"'
check "the pidfile is vtepd's own" \
	eval 'test ! -L "$R2/vtepd.pid" && kill -0 "$(cat "$R2/vtepd.pid")"'
check "the run directory is no longer writable by the roles" \
	eval 'test "$(stat -c %a "$R2")" = 2750'
kill "$(cat "$R2/vtepd.pid")" 2>/dev/null
finish
