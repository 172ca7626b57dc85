#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S15 (seed 004): fail modes of a bridge whose primary
# controller is lost.  br0 with h1 h2 h3 and Debian's ovs-testcontroller
# (inactivity_probe 1 s, so fail-open comes after 3 s).  standalone (the
# default): once the controller is gone the bridge switches as a learning
# switch, so h1 reaches h3, a pair the controller never saw, while
# dump-flows shows no flow of its own for that.  secure: the same loss
# forwards only what flows allow: h1 and h2 (whose flows the controller
# installed) still ping, h1 and h3 no longer.  The controller back, the
# bridge reconnects and h1 pings h3 through it.  A service controller
# (ptcp:) alone: the flows are flushed and the NORMAL flow is back, as in
# Open vSwitch; ovs-ofctl talks over it, and no fail-open comes.
P=s15$$
. "$(dirname "$0")/swlib.sh"
command -v ovs-testcontroller >/dev/null ||
	{ echo "skip: no ovs-testcontroller (openvswitch-testcontroller)"; exit 77; }
sw_start
host h1 10.15.0.1 && host h2 10.15.0.2 && host h3 10.15.0.3 ||
	{ fail "hosts"; finish; }
check "br0 (netdev) with h1 h2 h3" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2 -- \
	add-port br0 h3 -- set interface h3 ofport_request=3
static_neigh 10.15.0 1 2 3
start_tc() { tc_start ptcp:6653:127.0.0.1; }
stop_tc() { kill "$TC_PID"; wait "$TC_PID" 2>/dev/null; }

start_tc
check "set-controller with a 1 s inactivity probe" \
	vsctl set-controller br0 tcp:127.0.0.1:6653 -- \
	set controller br0 inactivity_probe=1000
check "connected" ctrl_connected true
check "through the controller: h1 pings h2" pings h1 10.15.0.2

# standalone (fail_mode unset)
stop_tc
check "controller lost: is_connected false" ctrl_connected false
check "standalone: fail-open, h1 reaches h3 (never seen by the controller)" \
	eventually_pings h1 10.15.0.3
check "standalone: no visible flow was added for it" \
	eval '! of dump-flows br0 | grep -q NORMAL'

# secure
check "set-fail-mode br0 secure" vsctl set-fail-mode br0 secure
check "ovs-vsctl get-fail-mode says secure" \
	eval 'test "$(vsctl get-fail-mode br0)" = secure'
check "secure: h1 no longer reaches h3 (no flow allows it)" no_ping h1 10.15.0.3
vsctl list controller >"$T/ctl.secure"
of dump-flows br0 >"$T/flows.secure"
check "secure: h1 and h2 still ping over the controller's flows" \
	eventually_pings h1 10.15.0.2 ||
	{ cat "$T/ctl.secure" "$T/flows.secure"; }
start_tc
check "controller back: connected" ctrl_connected true
check "h1 pings h3 through the controller" eventually_pings h1 10.15.0.3

# A service controller (passive) has no fail mode.
stop_tc
check "standalone again, and only a service controller (ptcp:)" \
	vsctl set-fail-mode br0 standalone -- \
	set-controller br0 ptcp:16634:127.0.0.1 -- \
	set controller br0 inactivity_probe=1000
# As in Open vSwitch 3.1 (checked there): losing its last primary
# controller flushed the bridge's flows and, standalone, put the NORMAL
# flow back.  Without it, nothing may pass: no fail-open.
check "Debian's ovs-ofctl talks to the bridge over the service port" \
	eval 'sw ovs-ofctl dump-flows tcp:127.0.0.1:16634 | grep -q "priority=0 actions=NORMAL"'
check "del-flows over the service port" \
	sw ovs-ofctl del-flows tcp:127.0.0.1:16634
sleep 4 # past the fail-open delay a primary controller would have
check "no fail-open for a service controller: h1 still cannot reach h3" \
	no_ping h1 10.15.0.3
finish
