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
#   Every controller connection over TCP, made (tcp:) or accepted (ptcp:),
#   has TCP_NODELAY, as in Open vSwitch (Nagle would hold a reply's
#   second write back for the peer's delayed ACK).
P=opr$$
. "$(dirname "$0")/swlib.sh"
FAKE=$(dirname "$0")/fake_ctrl.py
NODELAY=$(dirname "$0")/sock_nodelay.py
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

# --- TCP_NODELAY on controller connections ---
# nodelay PORT: vswitchd's TCP connection on PORT has TCP_NODELAY (10 s).
nodelay() {
	local end=$((SECONDS + 10))
	until python3 "$NODELAY" "$(pidof_role vswitchd)" "$1" >"$T/nodelay"; do
		[ $SECONDS -ge $end ] && { cat "$T/nodelay"; return 1; }
		sleep 0.1
	done
}
check "tcp: the connection vswitchd made has TCP_NODELAY" nodelay 16653
check "and a passive target ptcp:16654:127.0.0.1 beside it" \
	vsctl set-controller br0 tcp:127.0.0.1:16653 ptcp:16654:127.0.0.1
# A peer of ptcp: that says hello and answers echo requests for 30 s.
cat >"$T/peer.py" <<'PY'
import socket, struct, time
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", 16654))
        break
    except OSError:
        time.sleep(0.1)
s.sendall(struct.pack("!BBHI", 4, 0, 8, 1))  # hello, OpenFlow 1.3
s.settimeout(1)
buf, end = b"", time.time() + 30
while time.time() < end:
    try:
        data = s.recv(4096)
    except socket.timeout:
        continue
    if not data:
        break
    buf += data
    while len(buf) >= 8 and len(buf) >= struct.unpack("!H", buf[2:4])[0]:
        ver, typ, n, xid = struct.unpack("!BBHI", buf[:8])
        if typ == 2:  # echo request: its reply
            s.sendall(struct.pack("!BBHI", ver, 3, n, xid) + buf[8:n])
        buf = buf[max(n, 8):]
PY
sw python3 "$T/peer.py" &
SW_PIDS+=($!)
check "ptcp: the connection vswitchd accepted has TCP_NODELAY" nodelay 16654
finish
