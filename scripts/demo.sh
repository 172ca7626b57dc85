#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The demo: the two-VM topology with traffic.  Every microvs process is
# started by microvs-ctl in a private run directory, inside a network
# namespace that plays the hypervisor; two "VMs" (namespaces behind veth
# pairs) sit on br0 (the userspace datapath).  ovs-vsctl returns once
# each change is live; the VMs ping; the megaflows, the MAC table and a
# trace show what the switch did; vswitchd is killed -9 while the ping
# runs, and the established flows keep forwarding.
set -u
build=${1:?build directory}
T=$(mktemp -d /tmp/microvs-demo.XXXXXX)
chmod 755 "$T"
N=demo$$
ctl="$build/ctl/microvs-ctl --rundir=$T/run --dbdir=$T/db --logdir=$T/log"
appctl="$build/ctl/ovs-appctl --rundir $T/run"
cleanup() {
	$ctl stop >/dev/null 2>&1
	for n in hv vm1 vm2; do ip netns del "$N-$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
rc=0
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" || rc=1; }

for n in hv vm1 vm2; do
	ip netns add "$N-$n" || { echo "cannot create namespaces (root?)"; exit 1; }
	ip netns exec "$N-$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$N-$n" link set lo up
done
for i in 1 2; do
	ip -n "$N-hv" link add vm$i type veth peer name eth0 netns "$N-vm$i"
	ip -n "$N-hv" link set vm$i up
	ip -n "$N-vm$i" link set eth0 up
	ip -n "$N-vm$i" addr add 10.0.0.$i/24 dev eth0
done

say "microvs-ctl start (run directory $T/run, namespace $N-hv)"
ip netns exec "$N-hv" $ctl start || exit 1

say "privileges from /proc"
for r in dbserver upcalld vswitchd tunneld vtepd; do
	pid=$(cat "$T/run/$r.pid")
	printf '%-9s uid %-5s CapEff %s  NoNewPrivs %s\n' "$r" \
		"$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" \
		"$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)" \
		"$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)"
done

say "configuration: ovs-vsctl (no --no-wait: each returns once applied)"
export MICROVS_RUNDIR=$T/run
vsctl="$build/ctl/ovs-vsctl"
run $vsctl add-br br0 -- set bridge br0 datapath_type=netdev
run $vsctl add-port br0 vm1 -- set Interface vm1 external-ids:iface-id=vm1
run $vsctl add-port br0 vm2
run $vsctl show
run $vsctl --columns=name,ofport,mac_in_use,link_state,mtu list Interface vm1
echo "-- sqlite3 $T/db/conf.db 'select name, ofport from Interface'"
sqlite3 "$T/db/conf.db" "select name, ofport from Interface order by name" || rc=1

say "traffic: vm1 pings vm2 across br0"
run ip netns exec "$N-vm1" ping -c 5 -i 0.2 10.0.0.2

say "the megaflows upcalld installed, and its counters"
run $appctl dpctl/dump-flows
run $appctl dpctl/show
run $appctl upcall/show
say "what vswitchd learned, and why a packet goes where it goes"
run $appctl fdb/show br0
mac2=$(ip -n "$N-vm2" -o link show eth0 | sed 's/.*ether \([^ ]*\).*/\1/')
run $appctl ofproto/trace br0 "in_port=1,icmp,dl_dst=$mac2,nw_dst=10.0.0.2"

say "kill -9 vswitchd during a ping every 10 ms: the megaflows keep forwarding"
ip netns exec "$N-vm1" ping -c 300 -i 0.01 -q 10.0.0.2 >"$T/ping" 2>&1 &
pinger=$!
sleep 0.5
old=$(cat "$T/run/vswitchd.pid")
kill -9 "$old"
for _ in $(seq 200); do
	new=$(cat "$T/run/vswitchd.pid")
	[ "$new" != "$old" ] && $appctl -t vswitchd version >/dev/null 2>&1 &&
		break
	sleep 0.01
done
wait $pinger
echo "vswitchd pid $old -> $new"
tail -2 "$T/ping"
run $ctl status

say "microvs-ctl stop"
$ctl stop
exit $rc
