#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A real controller framework drives microvs (issue 9, acceptance 2):
# os-ken's osken-manager running a MAC-learning application over
# OpenFlow 1.3 (the stock os_ken.app.simple_switch_13 when it is
# installed; Debian's python3-os-ken ships no sample applications, so
# else osken_l2.py, which does what it does).  br0 with fail_mode=secure
# and the controller tcp:127.0.0.1:PORT: hosts ping through the flows the
# application installs; once the controller is stopped nothing new
# passes: a host pair it never saw cannot talk (secure: no fail-open),
# the pair it saw still talks over its flows, and once those are deleted
# no longer.
P=osk$$
. "$(dirname "$0")/swlib.sh"
OSKEN_PY=/usr/bin/python3
command -v osken-manager >/dev/null && "$OSKEN_PY" -c "import os_ken" 2>/dev/null ||
	{ echo "skip: no os-ken (python3-os-ken)"; exit 77; }
if "$OSKEN_PY" -c "import os_ken.app.simple_switch_13" 2>/dev/null; then
	APP=os_ken.app.simple_switch_13
else
	APP=$(cd "$(dirname "$0")" && pwd)/osken_l2.py
fi
echo "os-ken application: $APP"
sw_start
host h1 10.18.0.1 && host h2 10.18.0.2 && host h3 10.18.0.3 ||
	{ fail "hosts"; finish; }
check "br0 (netdev, fail_mode=secure) with h1 h2 h3" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
	fail_mode=secure -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2 -- \
	add-port br0 h3 -- set interface h3 ofport_request=3
# Static neighbours: no ARP broadcast lets the controller see h3 early.
static_neigh 10.18.0 1 2 3
OK_PID=
ip netns exec "$P-sw" osken-manager --ofp-listen-host 127.0.0.1 \
	--ofp-tcp-listen-port 16654 "$APP" >"$T/osken.log" 2>&1 &
OK_PID=$!
SW_PIDS+=($OK_PID)
check "set-controller br0 tcp:127.0.0.1:16654" \
	vsctl set-controller br0 tcp:127.0.0.1:16654
check "os-ken connected: is_connected true" ctrl_connected true
# flow_shown PATTERN: dump-flows shows PATTERN within 5 s.
flow_shown() {
	for _ in $(seq 50); do
		of dump-flows br0 | grep -q "$1" && return 0
		sleep 0.1
	done
	return 1
}
check "the application installed the table-miss flow (to CONTROLLER)" \
	flow_shown "priority=0 actions=CONTROLLER:65535"
check "secure, and nothing else yet: no NORMAL flow" \
	eval '! of dump-flows br0 | grep -q NORMAL'
check "h1 pings h2 through the controller" eventually_pings h1 10.18.0.2
check "and again, 5 pings, all answered" pings h1 10.18.0.2 5
of dump-flows br0 >"$T/flows.1"
check "the application installed priority=1 flows both ways that count packets" \
	eval '[ "$(grep "priority=1,in_port" "$T/flows.1" | grep -c "n_packets=[1-9]")" = 2 ]' ||
	cat "$T/flows.1"
check "os-ken learned h1 and h2" \
	eval 'grep -q "learned $(mac h1)" "$T/osken.log" &&
	      grep -q "learned $(mac h2)" "$T/osken.log"'

kill "$OK_PID"
wait "$OK_PID" 2>/dev/null
check "controller stopped: is_connected false" ctrl_connected false
check "secure: h1 cannot reach h3, a pair the controller never saw" \
	no_ping h1 10.18.0.3
check "secure: h1 and h2 still ping over the controller's flows" \
	eventually_pings h1 10.18.0.2
check "no flow was added for h3" \
	eval '! of dump-flows br0 | grep -q "$(mac h3)"'
check "del-flows br0 (the controller's flows flushed)" of del-flows br0
# The datapath's megaflows follow the tables asynchronously, as in Open
# vSwitch: wait for the revalidation round before checking.
check "secure, flows flushed, no controller: h1 cannot reach h2" \
	eval 'oappctl revalidator/wait && no_ping h1 10.18.0.2'
sed 's/^/  os-ken: /' "$T/osken.log" | head -20
finish
