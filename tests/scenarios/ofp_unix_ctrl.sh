#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Unix domain socket controllers (issue 9): Controller targets punix:PATH
# and unix:PATH.  As in Open vSwitch, vswitchd makes or connects to no
# socket outside its run directory (a database writer could otherwise
# make it create or reach any file): punix: must be RUNDIR/vswitchd/
# BRIDGE.* (vswitchd's own directory: RUNDIR is root's), unix: a socket
# in RUNDIR or RUNDIR/vswitchd.
#   punix: Debian's ovs-ofctl show / add-flow over it; refused paths
#          leave no socket behind and log Open vSwitch's error.
#   unix:  Debian's ovs-testcontroller listening on punix:RUNDIR/tc.sock
#          (group microvs may write it, as vswitchd's user must): the
#          bridge connects, is_connected true, hosts ping through the
#          controller's flows; the controller gone, is_connected false;
#          back, the bridge reconnects.
P=oun$$
. "$(dirname "$0")/swlib.sh"
command -v ovs-testcontroller >/dev/null ||
	{ echo "skip: no ovs-testcontroller (openvswitch-testcontroller)"; exit 77; }
sw_start
host h1 10.17.0.1 && host h2 10.17.0.2 || { fail "hosts"; finish; }
check "br0 (netdev) with h1 h2" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2
# exists PATH: PATH is a socket within 5 s.
exists() {
	for _ in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
	return 1
}

# --- punix: ---
S=$R/vswitchd/br0.ctl
check "set-controller br0 punix:RUNDIR/vswitchd/br0.ctl" \
	vsctl set-controller br0 "punix:$S"
check "vswitchd listens on it" exists "$S"
sw ovs-ofctl show "unix:$S" >"$T/show.out" 2>&1
check "Debian's ovs-ofctl show unix:PATH: features reply with h1 and h2" \
	eval 'grep -q "OFPT_FEATURES_REPLY" "$T/show.out" &&
	      grep -q "1(h1)" "$T/show.out" && grep -q "2(h2)" "$T/show.out"'
check "Debian's ovs-ofctl add-flow unix:PATH" \
	sw ovs-ofctl add-flow "unix:$S" "priority=7,ip,nw_dst=10.17.0.99,actions=drop"
check "the flow is in the bridge's table" \
	eval 'of dump-flows br0 | grep -q "priority=7,ip,nw_dst=10.17.0.99 actions=drop"'
check "a punix: controller is a service connection: never is_connected" \
	eval '! vsctl show | grep -q "is_connected: true"'

# Refused paths: outside the run directory, or not named after the bridge.
check "set-controller br0 punix:T/evil.sock (outside RUNDIR)" \
	vsctl set-controller br0 "punix:$T/evil.sock"
check "set-controller br0 punix:RUNDIR/vswitchd/br1.ctl (another bridge's)" \
	vsctl set-controller br0 "punix:$R/vswitchd/br1.ctl"
gone() { for _ in $(seq 50); do [ -e "$1" ] || return 0; sleep 0.1; done; return 1; }
check "the old listener's socket is gone with its row" gone "$S"
check "set-controller br0 punix:RUNDIR/vswitchd/br0.x/../../../evil.sock (climbing out)" \
	vsctl set-controller br0 "punix:$R/vswitchd/br0.x/../../../evil.sock"
sleep 0.5
check "no socket made outside the run directory" test ! -e "$T/evil.sock"
check "no socket made under another bridge's name" test ! -e "$R/vswitchd/br1.ctl"
check "no socket made by climbing out of the run directory" test ! -e "$T/evil.sock"
check "that refusal is logged too" \
	grep -q "Not adding Unix domain socket controller \"punix:$R/vswitchd/br0.x/../../../evil.sock\"" "$T/log/microvs-vswitchd.log"
check "Open vSwitch's refusal is logged" \
	grep -q "Not adding Unix domain socket controller \"punix:$T/evil.sock\" due to possibility of overwriting local files. Instead, specify path in permitted format \"punix:$R/vswitchd/br0.\*\"" "$T/log/microvs-vswitchd.log"

# --- unix: (active) ---
TC=$R/tc.sock
start_tc() {
	tc_start "punix:$TC"
	exists "$TC" || return 1
	# vswitchd runs as its own user in group microvs: it may connect
	# only to a socket it can write.
	chgrp microvs "$TC" && chmod g+rw "$TC"
}
check "ovs-testcontroller punix:RUNDIR/tc.sock" start_tc
check "set-controller br0 unix:RUNDIR/tc.sock" \
	vsctl set-controller br0 "unix:$TC"
check "ovs-vsctl show: is_connected: true" ctrl_connected true
check "Controller status: state ACTIVE" \
	eval 'vsctl get controller br0 status | grep -q "state=ACTIVE"'
check "the controller installed priority=0 actions=CONTROLLER:128" \
	eval 'of dump-flows br0 | grep -q "priority=0 actions=CONTROLLER:128"'
check "h1 pings h2 through the controller" pings h1 10.17.0.2 5
check "the controller learned and installed flows that count packets" \
	eval 'of dump-flows br0 | grep -v CONTROLLER | grep -q "n_packets=[1-9]"'
kill "$TC_PID"
wait "$TC_PID" 2>/dev/null
check "controller gone: is_connected false" ctrl_connected false
check "and no role (Open vSwitch clears it)" \
	eval '[ "$(vsctl get controller br0 role)" = "[]" ]'
check "Controller status: last_error set" \
	eval 'vsctl get controller br0 status | grep -q "last_error="'
check "ovs-testcontroller back" start_tc
check "controller back: the bridge reconnects" ctrl_connected true
check "h1 pings h2 again" pings h1 10.17.0.2 3

check "set-controller br0 unix:/tmp/PATH (outside RUNDIR)" \
	vsctl set-controller br0 "unix:$T/tc-outside.sock"
check "refused: not connected" \
	eval '! vsctl show | grep -q "is_connected: true"'
check "its refusal is logged" \
	grep -q "Not connecting to socket controller \"unix:$T/tc-outside.sock\" due to possibility for remote exploit.  Instead, specify socket in permitted directory \"unix:$R/\"" "$T/log/microvs-vswitchd.log"
finish
