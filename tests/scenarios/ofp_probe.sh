#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Inactivity probes and reconnection (issue 9), against fake_ctrl.py, a
# controller that completes hello and features and then, unless told to
# answer, never answers an echo request:
#   inactivity_probe=2000: vswitchd sends an echo request after 2 s of
#   silence (Controller.status state=IDLE), drops the connection when no
#   reply comes within another 2 s (last_error "Connection timed out"),
#   and connects again after its backoff (a second hello).
#   A controller that answers its echoes keeps its one connection.
#   inactivity_probe=0: no echo request, no disconnection.
P=opr$$
. "$(dirname "$0")/swlib.sh"
FAKE=$(dirname "$0")/fake_ctrl.py
sw_start
check "br0 (netdev)" vsctl add-br br0 -- set bridge br0 datapath_type=netdev

FAKE_PID=
# start_fake PORT LOG [--answer]
start_fake() {
	ip netns exec "$P-sw" python3 "$FAKE" "$@" 2>>"$T/fake.err" &
	FAKE_PID=$!
	SW_PIDS+=($FAKE_PID)
	for _ in $(seq 50); do grep -q listening "$2" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
stop_fake() { kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; }
# status_has PATTERN: the Controller row's status matches within 10 s.
status_has() {
	for _ in $(seq 100); do
		vsctl get controller br0 status | grep -q "$1" && return 0
		sleep 0.1
	done
	return 1
}

# --- a controller that stops answering ---
L=$T/silent.log
check "fake controller (never answers echoes) on 127.0.0.1:16653" \
	start_fake 16653 "$L"
check "set-controller with inactivity_probe=2000, max_backoff=1000" \
	vsctl set-controller br0 tcp:127.0.0.1:16653 -- \
	set controller br0 inactivity_probe=2000 max_backoff=1000
check "hello and features reply on connection 1" \
	eval 'wait_line "$L" "conn 1: hello" && wait_line "$L" "conn 1: features_reply"'
check "is_connected true" ctrl_connected true
check "Controller status: sec_since_connect and state ACTIVE or IDLE" \
	status_has 'sec_since_connect="[0-9]*".*state=\(ACTIVE\|IDLE\)'
check "vswitchd sends an echo request when the connection is idle" \
	wait_line "$L" "conn 1: echo_request"
check "Controller status: state=IDLE while the probe is unanswered" \
	status_has "state=IDLE"
check "no reply: vswitchd closes connection 1" wait_line "$L" "conn 1: closed"
check "and reconnects: a hello on connection 2" wait_line "$L" "conn 2: hello"
check "Controller status: last_error=\"Connection timed out\"" \
	status_has 'last_error="Connection timed out"'
check "Controller status: sec_since_disconnect" \
	status_has 'sec_since_disconnect="[0-9]*"'
check "vswitchd logged the probe's failure" \
	grep -q "no response to inactivity probe after" "$T/log/microvs-vswitchd.log"
check "connection 2 is dropped as well (probes go on)" \
	wait_line "$L" "conn 2: closed"
sed -n '1,12p' "$L" | sed 's/^/  fake: /'

# --- inactivity_probe=0: never probed ---
check "inactivity_probe=0" vsctl set controller br0 inactivity_probe=0
stop_fake
L=$T/off.log
check "a fresh fake controller (never answers echoes)" start_fake 16653 "$L"
check "connected to it" wait_line "$L" "conn 1: features_reply"
sleep 5 # five intervals of the earlier probe
check "inactivity_probe=0: no echo request in 5 s" \
	eval '! grep -q echo_request "$L"'
check "inactivity_probe=0: connection 1 still open, no other" \
	eval '! grep -q "closed\|conn 2" "$L"'
check "is_connected true" ctrl_connected true

# --- a controller that answers keeps its connection ---
check "inactivity_probe=1000 again" vsctl set controller br0 inactivity_probe=1000
stop_fake
L=$T/answer.log
check "a fake controller that answers echoes" start_fake 16653 "$L" --answer
check "connected to it" wait_line "$L" "conn 1: features_reply"
check "probed: echo request" wait_line "$L" "conn 1: echo_request"
sleep 3
check "answered probes keep connection 1 (several echoes, no close)" \
	eval '[ "$(grep -c "conn 1: echo_request" "$L")" -ge 2 ] &&
	      ! grep -q "closed\|conn 2" "$L"'
check "Controller status: state ACTIVE, is_connected true" \
	eval 'status_has state=ACTIVE && ctrl_connected true'
finish
