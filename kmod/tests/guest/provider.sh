# SPDX-License-Identifier: Apache-2.0
# upcalld's "system" datapath provider (procs/upcalld/upcalld_dp_kmod.c)
# drives the module through the datapath interface (upcalld_dp.h), run by
# tests/system/dp_driver: it creates the datapath, adds ports, installs
# flows in dpctl syntax; ping works; its report (dpctl/dump-flows lines)
# shows the module's megaflows with their statistics; a miss reaches it
# as an upcall; closing with destroy removes the datapath; idle flows
# expire; it reopens a datapath that outlived it, with its ports and flows.
. "$(dirname "$0")/lib.sh"
D=${MVS_BUILD:?}/tests/dp_driver
R=/tmp/k11-report
NO_PORTS=1 hosts 3
start() { # ARGS...: a driver on $DP, returns once its first report is out
	rm -f $R
	$D --type system --dp $DP --report $R "$@" &
	drv=$!
	while [ ! -s $R ]; do
		kill -0 $drv 2>/dev/null || { bad "the driver exited"; break; }
		sleep 0.1
	done
}
report() { # a fresh report
	rm -f $R
	kill -USR1 $drv
	while [ ! -s $R ]; do sleep 0.05; done
	cat $R
}
stop() { kill -TERM $drv; wait $drv; }

start --port k11-h1 --port k11-h2 --port k11-h3 \
	--flow "in_port(1),eth() 2" --flow "in_port(2),eth() 1"
sysctl -qw net.ipv6.conf.$DP.disable_ipv6=1
expect "the provider created the datapath and its ports" \
	grep -q "port 3: k11-h3" <<<"$($K show $DP)"
expect "ping through the provider's flows" in_ns 1 ping -c 3 -i 0.2 -W 2 -q 192.0.2.2
in_ns 3 ping -c 1 -W 1 -q 192.0.2.2 >/dev/null
out=$(report)
echo "$out"
expect "its dump-flows shows the module's megaflows with their hits" \
	grep -Eq '^flow recirc_id\(0\),in_port\(1\),packet_type\(ns=0,id=0\), packets:[3-9].*actions:2' <<<"$out"
expect "the miss from port 3 reached it as an upcall" \
	grep -Eq '^upcalls [1-9]' <<<"$out"
stop
refuse "closing with destroy removed the datapath" $K show $DP

# No traffic and a max-idle of 300 ms: the flows expire (the wait is
# bounded only to avoid a hang).
start --port k11-h1 --port k11-h2 --flow "in_port(1),eth() 2" \
	--flow "in_port(2),eth() 1" --max-idle 300
for i in $(seq 150); do
	grep -q '^flows 0' <<<"$(report)" && break
	sleep 0.2
done
expect "idle flows expired" grep -q '^flows 0' $R
expect "... in the module too" [ -z "$($K dump-flows $DP)" ]
stop

# A datapath that outlives its provider is found again, ports and all.
new_dp
for i in 1 2; do $K add-if $DP k11-h$i,port=$i >/dev/null; done
$K add-flow $DP "in_port(1),eth()" 2
start
cat $R
expect "reopened: the existing ports" grep -q "port 2 k11-h2" $R
expect "... and the existing flow" grep -q "^flow .*in_port(1).*actions:2" $R
stop
finish
