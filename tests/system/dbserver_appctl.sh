#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# dbserver's own appctl commands through ovs-appctl -t ovsdb-server:
# list-dbs, add-remote / list-remotes / remove-remote (the remote really
# listens and really goes away), compact, and memory/show with row counts.
. "$(dirname "$0")/lib.sh"
need_root
start_instance
port=$((20000 + ($$ * 7) % 20000))
db() { appctl ovsdb-server "$@"; }

check "list-dbs" eval 'test "$(db ovsdb-server/list-dbs | sort | tr "\n" " ")" = "Open_vSwitch _Server hardware_vtep "'
check "list-remotes has the default punix" \
	eval 'db ovsdb-server/list-remotes | grep -qx "punix:$R/db.sock"'
check "add-remote ptcp:$port:127.0.0.1" db ovsdb-server/add-remote "ptcp:$port:127.0.0.1"
check "list-remotes shows it" eval 'db ovsdb-server/list-remotes | grep -qx "ptcp:$port:127.0.0.1"'
check "the added remote answers" wait_for ovsdb-client list-dbs tcp:127.0.0.1:$port
check "remove-remote" db ovsdb-server/remove-remote "ptcp:$port:127.0.0.1"
check "the removed remote is gone" wait_gone ovsdb-client list-dbs tcp:127.0.0.1:$port
check "remove-remote of an unknown remote fails" eval '! db ovsdb-server/remove-remote ptcp:1:127.0.0.1 2>/dev/null'
export MICROVS_RUNDIR=$R
for i in $(seq 20); do "$B/ctl/ovs-vsctl" --no-wait add-br br$i; done
check "memory/show counts rows" eval 'db memory/show | grep -Eq "rows:[0-9]+"'
rows=$(db memory/show | grep -Eo "rows:[0-9]+" | cut -d: -f2)
check "row count reflects 20 bridges, their ports and interfaces (rows:$rows)" test "${rows:-0}" -ge 61
check "compact" db ovsdb-server/compact
check "data intact after compact" eval '"$B/ctl/ovs-vsctl" list-br | wc -l | grep -qx 20'
check "sqlite3 reads the compacted file" eval 'sqlite3 "$T/db/conf.db" "select count(*) from Bridge" | grep -qx 20'
finish
