#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Our ovsdb-client against real Open vSwitch's: the same commands against
# the real ovsdb-server print the same (UUIDs normalised; rows and the
# hash-ordered listings sorted), monitor shows the same updates, and over
# the microvs bus against our dbserver it prints what it prints over
# unix:RUNDIR/db.sock.
. "$(dirname "$0")/lib.sh"
need_root
command -v ovsdb-server >/dev/null || { echo "skip: no real ovsdb-server"; exit 77; }
OURS=$B/ctl/ovsdb-client
start_instance
S=$MICROVS_SRC/schemas/vswitch.ovsschema
ovsdb-tool create "$T/ref.db" "$S"
ovsdb-server --remote=punix:"$T/ref.sock" --unixctl="$T/ref.ctl" \
	--pidfile="$T/ref.pid" --detach --no-chdir "$T/ref.db"
trap 'kill $(cat $T/ref.pid) 2>/dev/null; stop_instance' EXIT
REF=unix:$T/ref.sock
for db in "--db=$REF" ""; do
	OVS_RUNDIR=$R ovs-vsctl $db --no-wait add-br br0 -- \
		set bridge br0 external-ids:k=v -- add-port br0 p1
done

norm() { sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<U>/g' | grep -v fatal_signal; }
sorted() { norm | sort; }
same() { # same DESCRIPTION FILTER ARGS... : real vs ours against real server
	d=$1 f=$2; shift 2
	a=$(ovsdb-client "$@" 2>&1; echo "rc=$?")
	b=$("$OURS" "$@" 2>&1; echo "rc=$?")
	check "$d" test "$(echo "$a" | $f)" = "$(echo "$b" | $f)"
}
same "list-dbs" norm list-dbs $REF
same "get-schema-version" norm get-schema-version $REF
same "get-schema-version of a missing db" norm get-schema-version $REF nodb
same "list-tables (sorted)" sorted list-tables $REF Open_vSwitch
same "list-columns (sorted)" sorted list-columns $REF Open_vSwitch Port
same "dump Bridge name external_ids" sorted dump $REF Open_vSwitch Bridge name external_ids
same "dump all of Port" sorted dump $REF Open_vSwitch Port
same "dump -f json (one row)" norm dump -f json $REF Open_vSwitch Bridge name external_ids
same "dump -f list" sorted dump -f list $REF Open_vSwitch Bridge name
same "dump -f csv" sorted dump -f csv $REF Open_vSwitch Bridge name
same "query" norm query $REF '["Open_vSwitch",{"op":"select","table":"Bridge","where":[],"columns":["name"]}]'
same "transact error" norm transact $REF '["Open_vSwitch",{"op":"select","table":"Nope","where":[]}]'
same "unknown command" norm nonsense $REF
same "bad arguments" norm get-schema-version $REF a b c

# monitor: initial, modify and insert, as Open vSwitch prints them.
for who in ovsdb-client "$OURS"; do
	timeout 2 $who monitor $REF Open_vSwitch Bridge name,external_ids \
		>"$T/mon.$(basename $who).$$" 2>&1 &
done
sleep 0.5
ovs-vsctl --db=$REF --no-wait set bridge br0 external-ids:c=d
ovs-vsctl --db=$REF --no-wait add-br br1
wait
check "monitor prints the same updates" \
	diff <(norm <"$T/mon.ovsdb-client.$$") <(norm <"$T/mon.$(basename $OURS).$$")

# Ours over the bus (default) against our dbserver = over unix:.
export MICROVS_RUNDIR=$R
for args in "list-dbs" "get-schema-version hardware_vtep" \
	    "dump Open_vSwitch Bridge name external_ids" "list-tables"; do
	a=$("$OURS" $args 2>&1 | sorted)
	first=${args%% *} rest=${args#"$first"}
	b=$("$OURS" $first unix:$R/db.sock $rest 2>&1 | sorted)
	check "bus = unix for '$args'" test "$a" = "$b"
	check "'$args' printed something" test -n "$a"
done
check "bus dump shows br0" eval '"$OURS" dump Open_vSwitch Bridge name | grep -qx br0'
finish
