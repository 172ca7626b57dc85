#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Restart with a controller and 10,000 flows (issue 9, acceptance 5).
# br0 (secure) has a controller (fake_ctrl.py) and 10,000 flows, added
# from a file over the management socket: two that join h1 and h2 by
# in_port and dl_dst, 9,998 drops by nw_dst.  A ping every 10 ms runs
# from h1 to h2 over the megaflows those flows made while vswitchd is
# killed with kill -9 and the supervisor restarts it.  As in Open
# vSwitch, OpenFlow flows do not survive vswitchd: the controller puts
# them back when it reconnects (it installs its flows on every
# connection, 2 s after it: a controller slow to recompute them).
# Checked: the controller sees a new hello and
# is_connected is true again; dump-flows counts the 10,000 flows again;
# at most 1 % of the pings are lost (the figure is printed).  What keeps
# them flowing: the restarted vswitchd leaves the datapath flows it did
# not make alone until its controllers have put the tables back (their
# barrier) or the fail-open delay passed (vswd_of_restoring()); then
# revalidation finds the same actions and keeps them (same ufids).
P=ors$$
. "$(dirname "$0")/swlib.sh"
FAKE=$(dirname "$0")/fake_ctrl.py
N=10000
sw_start
host h1 10.19.0.1 && host h2 10.19.0.2 || { fail "hosts"; finish; }
check "br0 (netdev, secure) with h1 h2" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
	fail_mode=secure -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2
ns h1 ip neigh replace 10.19.0.2 lladdr "$(mac h2)" dev eth0
ns h2 ip neigh replace 10.19.0.1 lladdr "$(mac h1)" dev eth0
F=$T/flows.txt
{
	echo "priority=100,in_port=1,dl_dst=$(mac h2),actions=output:2"
	echo "priority=100,in_port=2,dl_dst=$(mac h1),actions=output:1"
	for i in $(seq 0 $((N - 3))); do
		echo "priority=10,ip,nw_dst=10.200.$((i / 250)).$((i % 250 + 1)),actions=drop"
	done
} >"$F"
nflows() { of dump-flows br0 | grep -c "priority="; }
# start_fake LOG [ARGS...]: the fake controller on port 16655 (FAKE_PID):
# it answers echoes and installs the flows of $F 2 s after each
# connection's features reply.
start_fake() {
	local log=$1
	shift
	ip netns exec "$P-sw" python3 "$FAKE" 16655 "$log" --answer \
		--flows "$F" --flows-delay 2000 "$@" 2>>"$T/fake.err" &
	FAKE_PID=$!
	SW_PIDS+=($FAKE_PID)
}
L=$T/ctrl.log
start_fake "$L"
check "add-flows of $N flows over the management socket" of add-flows br0 "$F"
check "set-controller br0 tcp:127.0.0.1:16655" \
	vsctl set-controller br0 tcp:127.0.0.1:16655
check "the controller connected and installed its flows" \
	wait_line "$L" "conn 1: barrier_reply"
check "is_connected true" ctrl_connected true
n0=$(nflows)
check "dump-flows counts $N flows ($n0)" [ "$n0" = $N ]
check "warm-up ping" pings h1 10.19.0.2 3
u0=$(sw_ufids)
check "the ping runs over megaflows" [ -n "$u0" ]

ns h1 ping -i 0.01 -c 1000 -W 1 -q 10.19.0.2 >"$T/ping.out" 2>&1 &
pinger=$!
sleep 0.5
sw_kill vswitchd
check "the controller sees a new hello (connection 2)" wait_line "$L" "conn 2: hello"
check "and puts its flows back" wait_line "$L" "conn 2: barrier_reply"
wait $pinger
cat "$T/ping.out"
ping_loss "$T/ping.out"
echo "vswitchd restart with $N flows and a controller: $lost of $sent pings lost"
check "at most 1 % of the pings lost ($lost of $sent)" [ $((lost * 100)) -le "$sent" ]
check "is_connected true again" ctrl_connected true
n1=$(nflows)
check "dump-flows counts $N flows again ($n1)" [ "$n1" = $N ]
check "vswitchd left the previous megaflows alone while the tables came back" \
	[ "$(oappctl -t vswitchd coverage/read-counter reval_kept_restoring)" -gt 0 ]
check "it ended the wait at the controller's barrier" \
	grep -q "flow tables restored by the controllers" "$T/log/microvs-vswitchd.log"
check "the ping's megaflows are the ones from before the restart" \
	eval '[ "$(sw_ufids)" = "$u0" ]'
check "h1 pings h2 over the restored flows" pings h1 10.19.0.2 3

# A controller that sends no barrier: the wait ends at its bound, 3 x
# inactivity_probe (1 s here) after the start.
kill "$FAKE_PID"
wait "$FAKE_PID" 2>/dev/null
L=$T/ctrl2.log
start_fake "$L" --no-barrier
check "inactivity_probe=1000" vsctl set controller br0 inactivity_probe=1000
check "a controller that sends no barrier: connected, flows sent" \
	wait_line "$L" "conn 1: flows sent"
check "warm-up ping" pings h1 10.19.0.2 3
ns h1 ping -i 0.01 -c 1000 -W 1 -q 10.19.0.2 >"$T/ping2.out" 2>&1 &
pinger=$!
sleep 0.5
sw_kill vswitchd
check "the controller sees a new hello and sends its flows again" \
	wait_line "$L" "conn 2: flows sent"
wait $pinger
ping_loss "$T/ping2.out"
echo "vswitchd restart, a controller without barrier: $lost of $sent pings lost"
check "at most 1 % of the pings lost ($lost of $sent)" [ $((lost * 100)) -le "$sent" ]
check "the wait ended at its bound" \
	grep -q "flow tables not restored by every controller in time" \
	"$T/log/microvs-vswitchd.log"
n2=$(nflows)
check "dump-flows counts $N flows again ($n2)" [ "$n2" = $N ]
finish
