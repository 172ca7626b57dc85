#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Flow timeouts (issue 9): a flow with idle_timeout=1 that sees no packet
# and one with hard_timeout=2 leave the table by themselves; the one that
# asked (send_flow_rem) is announced to `ovs-ofctl monitor` (Debian's) as
# OFPT_FLOW_REMOVED with reason=hard; a flow without timeouts stays.  A
# flow deleted by del-flows that asked is announced with reason=delete.
# A port added to and deleted from the bridge is announced as
# OFPT_PORT_STATUS ADD and DEL.
P=ofe$$
. "$(dirname "$0")/swlib.sh"
sw_start
check "br0 (netdev)" netdev_br br0
of() { sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@"; }
check "add an idle_timeout=1 flow" \
	of add-flow br0 "idle_timeout=1,priority=5,in_port=3,actions=drop"
check "add a send_flow_rem,hard_timeout=2 flow" \
	of add-flow br0 "send_flow_rem,hard_timeout=2,cookie=0x42,priority=6,in_port=2,actions=drop"
check "add a send_flow_rem flow without timeouts" \
	of add-flow br0 "send_flow_rem,cookie=0x43,priority=7,in_port=4,actions=drop"
ip -n "$P-sw" link add pa type veth peer name pb
ip netns exec "$P-sw" env OVS_RUNDIR="$R/vswitchd" timeout 10 \
	ovs-ofctl monitor br0 65535 >"$T/monitor" 2>&1 &
SW_PIDS+=($!)
gone() { ! of dump-flows br0 | grep -q "in_port=$1 "; }
eventually() { for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }
check "the idle flow expires" eventually gone 3
check "the hard flow expires" eventually gone 2
check "the flow without timeouts stays" eval '! gone 4'
check "del-flows of the last one" of del-flows br0 in_port=4
check "add-port br0 pa (ofport 7)" \
	vsctl add-port br0 pa -- set interface pa ofport_request=7
check "del-port br0 pa" vsctl del-port br0 pa
sleep 1
cat "$T/monitor"
check "monitor: flow-removed of the hard flow, reason=hard" \
	eval 'grep -A1 "OFPT_FLOW_REMOVED" "$T/monitor" | grep -q "priority=6,in_port=2 reason=hard.*cookie:0x42"'
check "monitor: flow-removed of the deleted flow, reason=delete" \
	eval 'grep -A1 "OFPT_FLOW_REMOVED" "$T/monitor" | grep -q "priority=7,in_port=4 reason=delete.*cookie:0x43"'
check "monitor: port-status ADD of pa" \
	grep -q "OFPT_PORT_STATUS (xid=0x0): ADD: 7(pa): addr:" "$T/monitor"
check "monitor: port-status DEL of pa" \
	grep -q "OFPT_PORT_STATUS (xid=0x0): DEL: 7(pa): addr:" "$T/monitor"
check "monitor: nothing for the idle flow (it did not ask)" \
	eval '! grep -q "priority=5,in_port=3" "$T/monitor"'
finish
