#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `ovs-ofctl add-flows` of N flows (default 100,000) and `dump-flows`,
# Debian's ovs-ofctl against microvs-vswitchd and against real Open
# vSwitch 3.1 (netdev bridge, each in its own namespace), wall time and
# the switch daemon's CPU time for each, the memory with the flows
# installed, and the ratios.  Prints figures;
# asserts nothing about them.  Root; MICROVS_BUILD=build dir.
# The dumps are repeated K times (default 1), alternating the switches,
# each with its ratio and the client's (ovs-ofctl's) CPU time, then the
# median ratio: on a loaded machine one dump says little.
# Usage: bench_flows.sh [N [K]]
N=${1:-100000}
K=${2:-1}
P=bof$$
export MICROVS_BUILD=${MICROVS_BUILD:-$(dirname "$0")/../../build}
. "$(dirname "$0")/../../tests/scenarios/swlib.sh"
sw_start
netdev_br br0 >/dev/null || { echo "FAIL: br0"; exit 1; }
ovs_ref_start
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 add-br br0 -- \
	set bridge br0 datapath_type=netdev

python3 - "$N" >"$T/flows" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print("priority=%d,ip,nw_dst=10.%d.%d.%d,actions=output:%d"
          % (i % 1000 + 1, i >> 16 & 255, i >> 8 & 255, i & 255, i % 4 + 1))
PY
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
measure() { # measure NAME PID CMD...: wall seconds, daemon and client CPU
	local name=$1 pid=$2 c0 c1 t0 t1 TIMEFORMAT='%U %S'
	shift 2
	c0=$(cpu "$pid"); t0=$(date +%s.%N)
	{ time "$@" >/dev/null 2>"$T/err" || { echo "FAIL: $name"; cat "$T/err"; }; } 2>"$T/time"
	t1=$(date +%s.%N); c1=$(cpu "$pid")
	python3 -c "u, s = '$(tail -1 "$T/time")'.split(); print('%-34s wall %7.2f s   daemon cpu %7.2f s   client cpu %5.2f s' % ('$name', $t1 - $t0, ($c1 - $c0) / $hz, float(u) + float(s)))"
	echo "$t1 - $t0" | bc >"$T/wall.$name"
}
mpid=$(pidof_role vswitchd)
opid=$(cat "$O/ovs-vswitchd.pid")
echo "$N flows"
measure microvs-add-flows "$mpid" sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl add-flows br0 "$T/flows"
measure ovs-add-flows "$opid" ovs ovs-ofctl add-flows br0 "$T/flows"
for k in $(seq "$K"); do
	measure microvs-dump-flows "$mpid" sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl dump-flows br0
	measure ovs-dump-flows "$opid" ovs ovs-ofctl dump-flows br0
	python3 -c "print('%.3f' % ($(cat $T/wall.microvs-dump-flows) / $(cat $T/wall.ovs-dump-flows)))" >>"$T/dump-ratios"
done
n_m=$(sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl dump-aggregate br0 | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p')
n_o=$(ovs ovs-ofctl dump-aggregate br0 | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p')
echo "flows in the tables: microvs $n_m, Open vSwitch $n_o"
# Memory with the flows installed: every microvs process against
# ovs-vswitchd with ovsdb-server (resident set sizes, kB).
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
m_kb=0
for role in dbserver vswitchd upcalld tunneld vtepd; do
	m_kb=$((m_kb + $(rss "$(pidof_role $role)")))
done
o_kb=$(($(rss "$opid") + $(rss "$(cat "$O/ovsdb-server.pid")")))
echo "memory with the flows (RSS): microvs $m_kb kB (all five processes)," \
	"Open vSwitch $o_kb kB (ovs-vswitchd + ovsdb-server)"
python3 -c "print('ratio microvs/ovs memory: %.2f' % ($m_kb / $o_kb))"
for w in add-flows dump-flows; do
	python3 -c "print('ratio microvs/ovs $w: %.2f' % ($(cat $T/wall.microvs-$w) / $(cat $T/wall.ovs-$w)))"
done
python3 -c "import statistics, sys; r = [float(x) for x in open(sys.argv[1])]; print('median ratio microvs/ovs dump-flows over %d: %.2f (%s)' % (len(r), statistics.median(r), ' '.join('%.2f' % x for x in r)))" "$T/dump-ratios"
