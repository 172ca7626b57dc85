#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow groups and meters (issue 9), Debian's ovs-ofctl against
# microvs and against real Open vSwitch 3.1 (netdev bridge, own
# namespace, the same ports): the same add-group / mod-group / del-groups / insert-buckets /
# remove-buckets / add-flow sequence, over OpenFlow 1.3 and 1.5 (and the
# Nicira 1.0 extension for the dumps), must print the same, errors (type
# and code) included: dump-groups, dump-group-features,
# dump-group-stats and dump-flows, with durations and counters
# normalised and lines sorted (Open vSwitch lists groups in its hash
# order, microvs by id).  Deleting a group deletes the flows that use it.
# Then meters: add-meter, mod-meter, del-meter(s), dump-meters,
# meter-stats, meter-features, errors and flows using missing meters, in
# OpenFlow 1.3 and 1.5; and 60 crafted bad group-mods and meter-mods.
P=ofg$$
. "$(dirname "$0")/swlib.sh"
sw_start
for i in 1 2 3 4; do
	host h$i "10.74.0.$i" || { fail "hosts"; finish; }
done

ovs_ref_start
ovs_ref_bridge 4

# Durations and counters normalised, lines sorted.
ofdiff_filter() {
	sed -e 's/duration[=:][0-9.]*s/duration=Xs/g' \
		-e 's/\(packet_in_count\|byte_in_count\|packet_count\|byte_count\):[0-9]*/\1:X/g' \
		-e 's/packet_count=[0-9]*/packet_count=X/g' \
		-e 's/byte_count=[0-9]*/byte_count=X/g' \
		-e 's/n_packets=[0-9]*/n_packets=X/g' \
		-e 's/n_bytes=[0-9]*/n_bytes=X/g' \
		-e 's/idle_age=[0-9]*/idle_age=X/g' \
		-e 's/ hard_age=[0-9]*,//' \
		-e 's/^[0-9T:-]*Z|/TIME|/' |
		{ read -r first; echo "$first"; sort; }
}
run() { ofdiff_run "$@"; }
# same ARGS...: both switches print the same.  A command that only
# reads is run by our ovs-ofctl on microvs too, which must print what
# Debian's prints.
same() {
	run o "$@"; run m "$@"
	check "$*: the same on microvs as on Open vSwitch" \
		diff -u "$T/out.o" "$T/out.m"
	case "$*" in
	*dump-*|*meter-stats*|*meter-features*)
		run u "$@"
		check "$*: ours prints the same as Debian's" \
			diff -u "$T/out.m" "$T/out.u" ;;
	esac
}
# error CODE ARGS...: both refuse with OFPT_ERROR CODE.
error() {
	local code=$1
	shift
	same "$@"
	check "$*: refused with $code" grep -q "OFPT_ERROR.*: $code\$" "$T/out.m"
}

for V in OpenFlow13 OpenFlow15; do
	same -O $V add-group br0 "group_id=1,type=all,bucket=output:1,bucket=output:2"
	error OFPGMFC_GROUP_EXISTS -O $V add-group br0 "group_id=1,type=all,bucket=output:1"
	error OFPGMFC_UNKNOWN_GROUP -O $V mod-group br0 "group_id=5,type=all,bucket=output:1"
	error OFPGMFC_INVALID_GROUP -O $V add-group br0 "group_id=all,type=all,bucket=output:1"
	error OFPGMFC_WATCH_UNSUPPORTED -O $V add-group br0 "group_id=9,type=all,bucket=watch_port:1,output:1"
	same -O $V add-group br0 "group_id=2,type=select,bucket=weight:10,output:1,bucket=weight:20,output:2"
	same -O $V add-group br0 "group_id=3,type=fast_failover,bucket=watch_port:1,output:1,bucket=watch_port:2,output:2"
	same -O $V add-group br0 "group_id=4,type=indirect,bucket=output:3"
	same -O $V add-group br0 "group_id=6,type=all,bucket=group:4"
	same -O $V add-group br0 "group_id=7,type=all,bucket=group:7"
	same -O $V add-group br0 "group_id=8,type=select,bucket=watch_group:3,output:1,bucket=output:4"
	same -O $V add-group br0 "group_id=11,type=all"
	same -O $V add-group br0 "group_id=4294967040,type=all,bucket=mod_dl_src:00:00:00:00:00:01,output:3"
	error OFPBAC_BAD_OUT_GROUP -O $V add-flow br0 "priority=10,in_port=1,actions=group:99"
	same -O $V add-flow br0 "priority=10,in_port=1,actions=group:1"
	same -O $V add-flow br0 "priority=11,in_port=2,actions=output:3,group:2"
	same -O $V add-flow br0 "priority=12,in_port=3,actions=group:6"
	same -O $V add-flow br0 "priority=13,tcp,actions=write_actions(group:4)"
	same -O $V dump-groups br0
	same -O $V dump-group-stats br0
	same -O $V dump-group-features br0
	same -O $V dump-flows br0
	same -O $V dump-flows br0 out_group=2
	same -O $V dump-aggregate br0 out_group=1
	same -O $V mod-group br0 "group_id=1,type=select,bucket=output:3,bucket=output:4"
	same -O $V dump-groups br0
	# Deleting group 4 deletes the flow that writes it; group 6 that
	# chains to it stays, its bucket dangling.
	same -O $V del-groups br0 group_id=4
	same -O $V del-groups br0 group_id=77
	same -O $V del-flows br0 out_group=6
	same -O $V dump-flows br0
	same -O $V dump-groups br0
	same -O $V dump-group-stats br0
	same -O $V del-groups br0
	same -O $V dump-groups br0
	same -O $V dump-flows br0
done

# OpenFlow 1.5's bucket commands.
V=OpenFlow15
same -O $V add-group br0 "group_id=10,type=select,bucket=bucket_id:0,output:1,bucket=bucket_id:1,output:2"
same -O $V insert-buckets br0 "group_id=10,command_bucket_id=last,bucket=bucket_id:5,actions=output:2"
error OFPGMFC_BUCKET_EXISTS -O $V insert-buckets br0 "group_id=10,command_bucket_id=first,bucket=bucket_id:5,actions=output:2"
same -O $V insert-buckets br0 "group_id=10,command_bucket_id=1,bucket=bucket_id:7,actions=output:3"
same -O $V insert-buckets br0 "group_id=10,command_bucket_id=first,bucket=bucket_id:9,actions=output:4"
error OFPGMFC_UNKNOWN_BUCKET -O $V insert-buckets br0 "group_id=10,command_bucket_id=99,bucket=bucket_id:8,actions=output:3"
error OFPGMFC_UNKNOWN_GROUP -O $V insert-buckets br0 "group_id=99,command_bucket_id=last,bucket=bucket_id:8,actions=output:3"
same -O $V dump-groups br0
same -O $V remove-buckets br0 "group_id=10,command_bucket_id=1"
error OFPGMFC_UNKNOWN_BUCKET -O $V remove-buckets br0 "group_id=10,command_bucket_id=55"
same -O $V remove-buckets br0 "group_id=10,command_bucket_id=first"
same -O $V remove-buckets br0 "group_id=10,command_bucket_id=last"
same -O $V dump-groups br0
same -O $V dump-group-stats br0
same -O $V remove-buckets br0 "group_id=10,command_bucket_id=all"
same -O $V dump-groups br0
# Select groups' selection_method=hash with fields (masks, a parameter)
# and dp_hash, in OpenFlow 1.5 and Nicira's 1.0 form (1.3 has no place
# for them), and the client's and the switch's refusals; the adds with
# Debian's ovs-ofctl, then again with ours.
SELECT_GROUPS='group_id=12,type=select,selection_method=hash,fields(eth_dst,ip_dst,tcp_dst),bucket=output:1,bucket=output:2
group_id=13,type=select,selection_method=hash,selection_method_param=7,fields(ip_src=255.255.255.0,eth_src,udp_src=0xff00),bucket=output:1
group_id=14,type=select,selection_method=hash,fields=ip_src,bucket=output:1
group_id=15,type=select,selection_method=dp_hash,bucket=output:1
group_id=16,type=select,selection_method=hash,fields(ip_src=255.0.255.0,tun_flags,vlan_vid,tcp_flags),bucket=output:1
group_id=17,type=select,fields(ip_src),bucket=output:1
group_id=18,type=select,selection_method=hash,fields(ip_src,ip_src),bucket=output:1
group_id=19,type=select,selection_method=hash,fields(bogus),bucket=output:1
group_id=19,type=select,selection_method=hash,fields(ip_src=0.0.0.0,eth_dst),bucket=output:1
group_id=20,type=all,selection_method=hash,fields(ip_src),bucket=output:1'
for W in m u; do
	echo "$SELECT_GROUPS" | while read -r g; do
		for V in OpenFlow15 OpenFlow10; do
			run o -O $V add-group br0 "$g"
			run $W -O $V add-group br0 "$g"
			check "add-group -O $V $g: the same from microvs ($W) as from Open vSwitch" \
				diff -u "$T/out.o" "$T/out.$W"
		done
	done
	same -O OpenFlow15 mod-group br0 "group_id=14,type=select,selection_method=hash,fields(udp_dst,ip_dst),bucket=output:2"
	same -O OpenFlow15 dump-groups br0
	check "($W) the fields printed back in Open vSwitch's order, masks as values" \
		grep -q "group_id=13,type=select,selection_method=hash,selection_method_param=7,fields(eth_src,ip_src=255.255.255.0,udp_src=65280)" "$T/out.m"
	same dump-groups br0
	same -O OpenFlow13 dump-groups br0
	same -O OpenFlow15 del-groups br0
done

# The Nicira extension of OpenFlow 1.0 (bucket commands too) and
# OpenFlow 1.1's statistics.
same add-group br0 "group_id=11,type=select,bucket=bucket_id:0,output:1,bucket=bucket_id:1,output:2"
same insert-buckets br0 "group_id=11,command_bucket_id=last,bucket=bucket_id:5,actions=output:2"
same remove-buckets br0 "group_id=11,command_bucket_id=0"
same add-group br0 "group_id=20,type=all,bucket=output:1"
same dump-groups br0
same dump-group-stats br0
same dump-group-features br0
same -O OpenFlow11 dump-group-stats br0
same -O OpenFlow12 dump-group-features br0
same -O OpenFlow13 del-groups br0

# Meters (OpenFlow 1.3 and 1.5).
for V in OpenFlow13 OpenFlow15; do
	same -O $V meter-features br0
	same -O $V add-meter br0 "meter=1,pktps,band=type=drop,rate=1000"
	same -O $V add-meter br0 "meter=2,kbps,burst,band=type=drop,rate=10000,burst_size=500"
	same -O $V add-meter br0 "meter=3,kbps,stats,band=type=drop,rate=300"
	error OFPMMFC_METER_EXISTS -O $V add-meter br0 "meter=1,pktps,band=type=drop,rate=1000"
	error OFPMMFC_UNKNOWN_METER -O $V mod-meter br0 "meter=7,pktps,band=type=drop,rate=1000"
	error OFPMMFC_BAD_BAND -O $V add-meter br0 "meter=4,pktps,stats,band=type=dscp_remark,rate=100,prec_level=1"
	error OFPMMFC_INVALID_METER -O $V add-flow br0 "priority=5,in_port=2,actions=meter:9,output:1"
	same -O $V add-flow br0 "priority=5,in_port=1,actions=meter:1,output:2"
	same -O $V add-flow br0 "priority=6,in_port=3,actions=meter:2,group:1" 
	same -O $V dump-meters br0
	same -O $V dump-meters br0 meter=2
	same -O $V dump-meters br0 meter=5
	same -O $V meter-stats br0
	same -O $V meter-stats br0 meter=5
	same -O $V mod-meter br0 "meter=1,kbps,band=type=drop,rate=2000"
	same -O $V dump-meters br0
	same -O $V del-meter br0 meter=1
	same -O $V dump-flows br0
	same -O $V del-meters br0
	same -O $V dump-meters br0
	same -O $V dump-flows br0
	same -O $V del-flows br0
done

# ofproto/trace through all, indirect, fast_failover and chained
# groups (select's choice rests on each switch's own hash) prints the
# same on both: buckets, their actions as action sets, megaflow,
# datapath actions.
for who in o m; do
	run $who -O OpenFlow13 add-group br0 "group_id=1,type=all,bucket=output:2,output:3,bucket=mod_dl_dst:02:00:00:00:00:09,output:4,bucket=note:ab"
	run $who -O OpenFlow13 add-group br0 "group_id=2,type=indirect,bucket=mod_vlan_vid:7,group:1"
	run $who -O OpenFlow13 add-group br0 "group_id=3,type=fast_failover,bucket=watch_port:9,output:2,bucket=watch_port:4,output:4"
	run $who -O OpenFlow13 add-flow br0 "priority=9,in_port=1,actions=group:2,output:2"
	run $who -O OpenFlow13 add-flow br0 "priority=9,in_port=2,actions=group:3"
done
# dp_names: the datapath port numbers of "Datapath actions" as the port
# names dpctl/show (on stdin's side, in $T/dpshow) gives them: the two
# datapaths number their ports differently.
dp_names() {
	python3 -c '
import re, sys
names = dict(re.findall(r"port (\d+): (\S+)", open(sys.argv[1]).read()))
for line in sys.stdin:
    if line.startswith("Datapath actions:"):
        line = re.sub(r"(?<=[:,])(\s?)(\d+)(?=,|$)",
                      lambda m: m.group(1) + names.get(m.group(2), m.group(2)),
                      line.rstrip("\n")) + "\n"
    sys.stdout.write(line)
' "$T/dpshow"
}
for flow in in_port=1,dl_dst=02:00:00:00:00:02 in_port=2,tcp; do
	ovs ovs-appctl dpctl/show >"$T/dpshow"
	ovs ovs-appctl ofproto/trace br0 "$flow" 2>&1 | dp_names >"$T/trace.o"
	oappctl dpctl/show >"$T/dpshow"
	oappctl ofproto/trace br0 "$flow" 2>&1 | dp_names >"$T/trace.m"
	check "ofproto/trace $flow through groups: the same" \
		diff -u "$T/trace.o" "$T/trace.m"
done
for who in o m; do
	run $who -O OpenFlow13 del-groups br0
	run $who del-flows br0
done

# Deleting a group or a meter deletes its flows with the flow-removed
# reason Open vSwitch gives to whom it gives it (group_delete from
# OpenFlow 1.3, meter_delete from 1.4; nothing to 1.0 monitors).
for who in o m; do
	for V in OpenFlow10 OpenFlow13 OpenFlow14; do
		case $who in
		m) sw env OVS_RUNDIR="$R/vswitchd" timeout 20 ovs-ofctl -O $V \
			monitor br0 65534 >"$T/mon.$who.$V" 2>&1 & ;;
		o) ovs timeout 20 ovs-ofctl -O $V monitor br0 65534 \
			>"$T/mon.$who.$V" 2>&1 & ;;
		esac
		SW_PIDS+=($!)
	done
done
sleep 1
for who in o m; do
	run $who -O OpenFlow13 add-group br0 "group_id=1,type=all,bucket=output:1"
	run $who -O OpenFlow13 add-meter br0 "meter=1,pktps,band=type=drop,rate=10"
	run $who -O OpenFlow13 add-flow br0 "priority=3,in_port=2,send_flow_rem,actions=group:1"
	run $who -O OpenFlow13 add-flow br0 "priority=4,in_port=3,send_flow_rem,actions=meter:1,output:1"
	run $who -O OpenFlow13 del-groups br0
	run $who -O OpenFlow13 del-meters br0
done
sleep 1
for V in OpenFlow10 OpenFlow13 OpenFlow14; do
	for who in o m; do
		grep "FLOW_REMOVED" "$T/mon.$who.$V" |
			sed -e 's/duration[0-9.]*s/durationX/' \
				-e 's/(xid=0x[0-9a-f]*)//' >"$T/rem.$who.$V"
	done
	check "$V monitor: the same flow-removed messages on deleting a group and a meter" \
		diff -u "$T/rem.o.$V" "$T/rem.m.$V"
done
check "OpenFlow 1.4 monitor: group_delete and meter_delete" \
	eval 'grep -q "reason=group_delete" "$T/rem.m.OpenFlow14" &&
		grep -q "reason=meter_delete" "$T/rem.m.OpenFlow14"'

# Crafted group-mods and meter-mods ovs-ofctl would refuse to send: the
# same error (or none) from both, and the connection alive after each.
python3 "$MICROVS_SRC/tests/scenarios/ofp_mod_errors.py" "$O/br0.mgmt" \
	>"$T/err.o" 2>&1
python3 "$MICROVS_SRC/tests/scenarios/ofp_mod_errors.py" \
	"$R/vswitchd/br0.mgmt" >"$T/err.m" 2>&1
check "crafted bad group-mods and meter-mods: the same errors as Open vSwitch's" \
	diff -u "$T/err.o" "$T/err.m"
check "crafted bad mods: 60 answered, the connection alive after each" \
	eval '[ "$(grep -c ": \(type=[0-9]* code=[0-9]*\|none\)$" "$T/err.m")" = 60 ]'
finish
