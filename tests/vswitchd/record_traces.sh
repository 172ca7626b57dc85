#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Records the golden output of a scenario (tests/vswitchd/*.scn) from real
# Open vSwitch 3.1 with the dummy datapath: the same bridges, ports, VLAN
# settings, flows and received packets, then ofproto/trace, fdb/show and
# friends.  vswitchd_xlate_test runs the same scenario on microvs and
# compares.  Usage: tests/vswitchd/record_traces.sh SCENARIO.scn...
#
# Scenario lines (the test reads the same ones):
#   bridge BR LOCAL_DP
#   port BR NAME OFPORT DP|- [tag=N] [trunks=A,B] [vlan_mode=M] [peer=P]
#        (DP "-" and peer= make a patch port)
#   config BR KEY VALUE            Bridge other_config
#   flow BR FLOW                   ovs-ofctl add-flow
#   delflows BR                    ovs-ofctl del-flows
#   packet BR PORT SRC DST [VID]   a packet (ICMP echo) arrives on PORT
#   trace BR FLOW                  ofproto/trace (output recorded)
#   cmd WORDS...                   any ovs-appctl command (output recorded)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../ofp/ovs_lib.sh"

dp_of() { # the datapath number real OVS gave a port
	ovs_appctl dpif/show | awk -v p="$1" '$1 == p { split($2, a, "/");
		sub(":", "", a[2]); print a[2] }'
}

# An appctl reply as the test prints it: the text, or "ERROR: " and the
# message (without ovs-appctl's own line, which names a temporary path).
reply() {
	local out
	if out=$(ovs_appctl "$@" 2>&1); then
		echo "$out"
	else
		echo "$out" | grep -v '^ovs-appctl:' | sed 's/^/ERROR: /'
	fi
}

run() {
	local scn=$1 out=${1%.scn}.golden br name ofport dp words
	dir=$(mktemp -d /tmp/sw8-trace-record.XXXXXX)
	ovs_start "$dir"
	{
	echo "# Recorded by record_traces.sh from $(ovs-vswitchd --version | head -1)."
	while read -r kind rest; do
		case "$kind" in
		''|'#'*) continue ;;
		bridge)
			set -- $rest
			ovs_vsctl add-br "$1" -- set bridge "$1" datapath_type=dummy \
				other_config:hwaddr=00:00:00:00:aa:00 ;;
		port)
			set -- $rest
			br=$1 name=$2 ofport=$3 dp=$4; shift 4
			local iface="type=dummy" portset=""
			for kv in "$@"; do
				case "$kv" in
				peer=*) iface="type=patch options:peer=${kv#peer=}" ;;
				trunks=*) portset="$portset trunks=${kv#trunks=}" ;;
				*) portset="$portset $kv" ;;
				esac
			done
			ovs_vsctl add-port "$br" "$name" -- set interface "$name" \
				$iface ofport_request="$ofport" \
				${portset:+-- set port "$name" $portset}
			if [ "$dp" != - ] && [ "$(dp_of "$name")" != "$dp" ]; then
				echo "port $name: real OVS chose datapath port $(dp_of "$name"), scenario says $dp" >&2
				exit 1
			fi ;;
		config)
			set -- $rest
			ovs_vsctl set bridge "$1" other_config:"$2"="$3" ;;
		flow)
			ovs-ofctl add-flow ${rest%% *} "${rest#* }" ;;
		delflows)
			ovs-ofctl del-flows $rest ;;
		packet)
			set -- $rest
			local in=$(ovs_vsctl get interface "$2" ofport)
			local dpn=$(dp_of "$2") l3
			l3="eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
			if [ $# -ge 5 ]; then
				l3="eth_type(0x8100),vlan(vid=$5,pcp=0),encap($l3)"
			fi
			ovs_appctl revalidator/purge
			ovs_appctl netdev-dummy/receive "$2" \
				"in_port($dpn),eth(src=$3,dst=$4),$l3"
			# The upcall (and its learning) happens in a handler.
			for i in $(seq 50); do
				ovs_appctl fdb/show "$1" | grep -q "$3" && break
				sleep 0.1
			done ;;
		trace)
			echo "== trace $rest"
			reply ofproto/trace ${rest%% *} "${rest#* }" ;;
		cmd)
			# No datapath flows left to re-learn from after a
			# flush (microvs's test has no datapath).
			ovs_appctl revalidator/purge
			echo "== cmd $rest"
			reply $rest ;;
		esac
	done <"$scn"
	} >"$out"
	ovs_stop
	rm -rf "$dir"
	echo "wrote $out"
}

for s in "$@"; do
	run "$s"
done
