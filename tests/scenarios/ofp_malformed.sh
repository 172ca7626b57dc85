#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Malformed OpenFlow on br0's management socket (issue 9, acceptance 4):
# bad version, unknown type, bad length, bad multipart type, a short
# request, bad match, bad action, bad instruction each get their
# OpenFlow error and an echo is answered after each; 3000 messages of
# random bytes change nothing of that, and vswitchd is the same process
# at the end (tests/scenarios/ofp_malformed.py does the talking).  Then
# controller roles (ofp_roles.py).
P=ofb$$
. "$(dirname "$0")/swlib.sh"
sw_start
check "br0 (netdev)" netdev_br br0
pid=$(pidof_role vswitchd)
check "the management socket is there" test -S "$R/vswitchd/br0.mgmt"
check "each bad message gets its error; the connection lives" \
	python3 "$(dirname "$0")/ofp_malformed.py" "$R/vswitchd/br0.mgmt"
check "controller roles: primary, stale generation, secondary refused" \
	python3 "$(dirname "$0")/ofp_roles.py" "$R/vswitchd/br0.mgmt"
check "vswitchd did not restart" test "$(pidof_role vswitchd)" = "$pid"
check "ovs-ofctl still talks to br0" \
	eval 'MICROVS_RUNDIR=$R "$B/ctl/ovs-ofctl" dump-flows br0 | grep -q "actions=NORMAL"'
finish
