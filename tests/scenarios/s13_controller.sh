#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S13 (seed 000): `ovs-vsctl set-controller br0 tcp:IP:PORT`
# connects the bridge to a controller.  The controller is Debian's
# ovs-testcontroller (a learning switch speaking OpenFlow 1.3: it installs
# priority=0 actions=CONTROLLER:128, learns MACs from packet-ins and
# answers with flow-mods and packet-outs): h1 pings h2 through it,
# ovs-vsctl show says is_connected: true, the Controller row's status
# says ACTIVE.  When the controller goes away the row says so
# (is_connected false) and the bridge connects again, after its backoff,
# once the controller is back.
P=s13$$
. "$(dirname "$0")/swlib.sh"
command -v ovs-testcontroller >/dev/null ||
	{ echo "skip: no ovs-testcontroller (openvswitch-testcontroller)"; exit 77; }
sw_start
host h1 10.13.0.1 && host h2 10.13.0.2 || { fail "hosts"; finish; }
check "br0 (netdev) with h1 h2" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2
start_tc() { tc_start ptcp:6653:127.0.0.1; }
start_tc
check "set-controller br0 tcp:127.0.0.1:6653" \
	vsctl set-controller br0 tcp:127.0.0.1:6653
check "ovs-vsctl show: is_connected: true" ctrl_connected true
vsctl show >"$T/show"
check "ovs-vsctl show lists the controller under br0" \
	grep -q 'Controller "tcp:127.0.0.1:6653"' "$T/show"
check "Controller status: state ACTIVE" \
	eval 'vsctl get controller br0 status | grep -q "state=ACTIVE"'
check "Controller role: other" \
	eval 'test "$(vsctl get controller br0 role)" = other'
check "the controller installed priority=0 actions=CONTROLLER:128" \
	eval 'of dump-flows br0 | grep -q "priority=0 actions=CONTROLLER:128"'
check "h1 pings h2 through the controller" pings h1 10.13.0.2 5
check "the controller learned and installed flows that count packets" \
	eval 'of dump-flows br0 | grep -v CONTROLLER | grep -q "n_packets=[1-9]"'

kill "$TC_PID"
wait "$TC_PID" 2>/dev/null
check "controller gone: is_connected false" ctrl_connected false
check "Controller status: no longer ACTIVE" \
	eval '! vsctl get controller br0 status | grep -q "state=ACTIVE"'
start_tc
check "controller back: the bridge reconnects" ctrl_connected true
check "h1 pings h2 again" pings h1 10.13.0.2 3
finish
