#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Records tests/ofp/syntax_golden.txt from real Open vSwitch: each line of
# syntax_inputs.txt goes through "ovs-ofctl add-flow br0" and comes back
# from "ovs-ofctl --no-stats dump-flows br0" (or as ovs-ofctl's error).
# Actions OpenFlow 1.0 cannot carry (push_vlan) are printed by
# "ofproto/trace-packet-out", which shows them as vswitchd holds them.
# Ports p1 and p2 are ports 1 and 2 (the unit test uses the same names).
# Usage: tests/ofp/record_syntax.sh   (needs Debian's openvswitch-switch)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ovs_lib.sh"
dir=$(mktemp -d /tmp/sw8-ofp-record.XXXXXX)
ovs_start "$dir"
trap 'ovs_stop; rm -rf "$dir"' EXIT
ovs_vsctl add-br br0 -- set bridge br0 datapath_type=dummy \
	-- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
	-- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2
out=$here/syntax_golden.txt
{
echo "# Recorded by record_syntax.sh from $(ovs-vswitchd --version | head -1)."
echo "# IN: the flow given to ovs-ofctl add-flow; OUT: dump-flows --no-stats;"
echo "# ERR: ovs-ofctl's error message."
grep -v '^#' "$here/syntax_inputs.txt" | while IFS= read -r f; do
	[ -z "$f" ] && continue
	echo "IN $f"
	ovs-ofctl del-flows br0
	if err=$(ovs-ofctl add-flow br0 "$f" 2>&1 >/dev/null) &&
	   ! echo "$err" | grep -q 'ovs-ofctl:'; then
		ovs-ofctl --no-stats dump-flows br0 | sed 's/^ /OUT /'
	elif echo "$err" | grep -q 'none of the usable flow formats'; then
		# OpenFlow 1.0 cannot say it: the match from a flow
		# without the actions, the actions from vswitchd's trace.
		match=${f%%actions=*}
		ovs-ofctl del-flows br0
		ovs-ofctl add-flow br0 "${match}actions=drop"
		line=$(ovs-ofctl --no-stats dump-flows br0 | sed 's/^ //')
		acts=$(ovs_appctl ofproto/trace-packet-out br0 in_port=1 \
			"${f#*actions=}" | sed -n '/^---/,/^$/p' |
			sed '1d;$d;s/^ *//' | paste -sd,)
		echo "OUT ${line%actions=drop}actions=$acts"
	else
		echo "ERR $(echo "$err" | grep 'ovs-ofctl:' | sed 's/^ovs-ofctl: //')"
	fi
done
} >"$out"
echo "wrote $out"
