#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Real ovs-vsctl (--no-wait) against microvs-dbserver gives the same
# output as against the real ovsdb-server (UUIDs normalised).
. "$(dirname "$0")/lib.sh"
command -v ovs-vsctl >/dev/null || exit 77
start_ovs "$TMP/ref"
start_microvs "$TMP/mv"
run() {
	local sock=$1
	export OVS_RUNDIR=$(dirname "$sock")
	v() { echo "\$ ovs-vsctl $*"; timeout 10 ovs-vsctl --db=unix:$sock --no-wait "$@" 2>&1; echo "rc=$?"; }
	v init
	v add-br br0
	v add-port br0 eth0
	v add-port br0 eth1 -- set interface eth1 type=internal
	v list-br
	v list-ports br0
	v show
	v br-exists br0
	v br-exists nope
	v add-br br0
	v set bridge br0 fail_mode=secure other_config:hwaddr=00:11:22:33:44:55
	v get bridge br0 fail_mode other_config
	v --columns=name,fail_mode list bridge
	v set bridge br0 fail_mode=bogus
	v del-port br0 eth1
	v list-ports br0
	v add-br br1 -- set bridge br1 datapath_type=netdev
	v list-br
	v del-br br0
	v list-br
	v show
}
run "$TMP/ref/db.sock" | sort_show_blocks | normalize_uuids >"$TMP/ref.out"
run "$TMP/mv/db.sock" | sort_show_blocks | normalize_uuids >"$TMP/mv.out"
if ! diff -u "$TMP/ref.out" "$TMP/mv.out"; then
	echo "FAIL: ovs-vsctl output differs"
	exit 1
fi
echo "ok: $(grep -c '^\$' "$TMP/mv.out") ovs-vsctl commands identical"
