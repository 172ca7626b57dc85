#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A private real Open vSwitch (ovsdb-server + ovs-vswitchd with the dummy
# datapath) for recording golden outputs: ovs_start DIR, then ovs_vsctl,
# ovs_ofctl BRIDGE-CMD..., ovs_appctl CMD...; ovs_stop when done.  Nothing
# touches the system's own Open vSwitch (every path is under DIR).
ovs_start() {
	OVS_DIR=$1
	mkdir -p "$OVS_DIR"
	export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR
	rm -f "$OVS_DIR/conf.db"
	ovsdb-tool create "$OVS_DIR/conf.db" \
		/usr/share/openvswitch/vswitch.ovsschema
	ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
		--pidfile --detach --log-file --no-chdir
	ovs_vsctl --no-wait init
	ovs-vswitchd "unix:$OVS_DIR/db.sock" --enable-dummy=override \
		--pidfile --detach --log-file --no-chdir -vconsole:off
}

ovs_vsctl() { ovs-vsctl --db="unix:$OVS_DIR/db.sock" "$@"; }
ovs_appctl() {
	ovs-appctl -t "$OVS_DIR/ovs-vswitchd.$(cat "$OVS_DIR/ovs-vswitchd.pid").ctl" "$@"
}

ovs_stop() {
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$OVS_DIR/$p.pid" ] && kill "$(cat "$OVS_DIR/$p.pid")" 2>/dev/null
	done
	sleep 0.5
}
