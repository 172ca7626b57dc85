#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S9 (seed 002): start-up as the seed does it —
#   ovsdb-tool create conf.db vswitch.ovsschema
#   dbserver --remote=punix:RUNDIR/db.sock
#            --remote=db:Open_vSwitch,Open_vSwitch,manager_options
#   then vswitchd.
# A manager set with ovs-vsctl makes dbserver listen there (the db:
# remote follows the database), and removing it stops the listener.
. "$(dirname "$0")/../system/lib.sh"
need_root
T=$(mktemp -d /tmp/microvs-s9.XXXXXX)
chmod 755 "$T"
R=$T/run
mkdir -p "$R"
pids=()
trap 'kill ${pids[@]} 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
port=$((20000 + $$ % 20000))

check "ovsdb-tool create conf.db vswitch.ovsschema" \
	"$B/ctl/ovsdb-tool" create "$T/conf.db" "$MICROVS_SRC/schemas/vswitch.ovsschema"
check "conf.db is SQLite" eval 'sqlite3 "$T/conf.db" "select count(*) from Bridge" | grep -qx 0'
"$B/procs/dbserver/microvs-dbserver" --rundir="$R" --logdir="$T" --log-file \
	--remote=punix:"$R/db.sock" \
	--remote=db:Open_vSwitch,Open_vSwitch,manager_options "$T/conf.db" &
pids+=($!)
wait_for test -S "$R/db.sock"
"$B/procs/vswitchd/microvs-vswitchd" --rundir="$R" --logdir="$T" --log-file &
pids+=($!)
check "vswitchd is up after dbserver" wait_for appctl vswitchd version

vsctl() { ovs-vsctl --db=unix:"$R/db.sock" --no-wait "$@"; }
check "ovs-vsctl init through punix:" vsctl init
check "set-manager ptcp:$port:127.0.0.1" vsctl set-manager "ptcp:$port:127.0.0.1"
check "dbserver listens on the manager's port (db: remote)" \
	wait_for ovsdb-client list-dbs tcp:127.0.0.1:$port
check "a client on the manager's port sees Open_vSwitch" \
	eval 'ovsdb-client list-dbs tcp:127.0.0.1:$port | grep -qx Open_vSwitch'
check "del-manager" vsctl del-manager
check "the listener goes away with the manager" \
	wait_gone ovsdb-client list-dbs tcp:127.0.0.1:$port
check "list-remotes shows the db: remote" \
	eval 'appctl dbserver ovsdb-server/list-remotes | grep -q "db:Open_vSwitch,Open_vSwitch,manager_options"'
finish
