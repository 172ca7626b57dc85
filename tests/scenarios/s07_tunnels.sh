#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S7 (seed 001): two hypervisors joined by a tunnel.  Each host is
# a namespace with a complete microvs instance (hostslib.sh); the underlay
# is a veth cable between the hosts' eth0, in a bridge br-phy whose own
# port holds the host's underlay address (Open vSwitch's userspace
# tunnelling layout).  On each host br-int holds a VM and patch-tun,
# br-tun holds patch-int and the tunnel port to the other host:
#   ovs-vsctl add-port br-tun vxlan0 -- set interface vxlan0 type=vxlan \
#       options:remote_ip=<other host>
# The VMs ping across the tunnel; a VM on host 2 gets its address by DHCP
# from a server on host 1's tap-qdhcp internal port; ovs-vsctl show prints
# the layout.  Usage: s07_tunnels.sh [vxlan|gre|geneve]
TYPE=${1:-vxlan}
P=s7${TYPE:0:2}$$
. "$(dirname "$0")/../system/lib.sh"
need_root
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
tnl_hosts "$TYPE"
mkns dvm2
ip -n "$P-host2" link add dvm2 type veth peer name eth0 netns "$P-dvm2"
ip -n "$P-host2" link set dvm2 up
ip -n "$P-dvm2" link set eth0 up mtu 1450
check "host2: dvm2 on br-int" vsctl 2 add-port br-int dvm2
check "host1: tap-qdhcp internal port on br-int" \
	vsctl 1 add-port br-int tap-qdhcp -- set interface tap-qdhcp type=internal
ip -n "$P-host1" addr add 10.77.0.254/24 dev tap-qdhcp
ip -n "$P-host1" link set tap-qdhcp up mtu 1450

check "vm1 (host1) pings vm2 (host2) across $TYPE" \
	ping_soon vm1 10.77.0.2
check "vm2 pings vm1" ping_ok vm2 10.77.0.1
for h in 1 2; do
	check "host$h: tunnel_egress_iface is br-phy in the status" eval \
		"vsctl $h get interface ${TYPE}0 status:tunnel_egress_iface |
		 grep -qx '\"br-phy\"\\|br-phy'"
	check "host$h: the push goes out by the cable, the pop comes in" eval \
		"hostctl $h dpctl/dump-flows | grep -q 'tnl_push(' &&
		 hostctl $h dpctl/dump-flows | grep -q 'tnl_pop('"
done
check "host1: tnl/neigh/show lists host2's underlay address" eval \
	"hostctl 1 -t tunneld tnl/neigh/show | grep -q '^192.168.77.2 .* br-phy$'"

# kill -9 tunneld, then vtepd, on host1 while vm1 pings every 10 ms across
# the tunnel: the datapath keeps its flows, at most 1 % of the pings are
# lost, and the new tunneld resolves the underlay again.
old_tnl=$(cat "$T/h1/run/tunneld.pid")
ip netns exec "$P-vm1" ping -c 300 -i 0.01 -W 1 -q 10.77.0.2 >"$T/rping" 2>&1 &
rping=$!
sleep 0.5
kill -9 "$old_tnl"
sleep 1
kill -9 "$(cat "$T/h1/run/vtepd.pid")"
wait $rping
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$T/rping")
check "kill -9 tunneld and vtepd under a 10 ms ping: ${loss:-?}% lost (at most 1 %)" \
	python3 -c "import sys; sys.exit(0 if float('${loss:-100}') <= 1 else 1)"
check "tunneld came back and resolved the underlay again" eval \
	'for _ in $(seq 50); do tunneld_back 1 $old_tnl 192.168.77.2 && break; sleep 0.2; done; tunneld_back 1 $old_tnl 192.168.77.2'
check "vm1 still pings vm2" ping_ok vm1 10.77.0.2

# DHCP across the tunnel: dnsmasq on host1's tap-qdhcp (no configuration
# file, bound to that port only, leases in the test's directory), busybox's
# udhcpc in dvm2 on host2.
ip netns exec "$P-host1" dnsmasq --conf-file=/dev/null --bind-interfaces \
	--interface=tap-qdhcp --port=0 \
	--dhcp-range=10.77.0.100,10.77.0.110,255.255.255.0,1h \
	--dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" \
	--log-facility="$T/dnsmasq.log" --log-dhcp --user=root
check "host1: dnsmasq serves DHCP on tap-qdhcp" eval \
	"for _ in \$(seq 50); do [ -s $T/dnsmasq.pid ] && break; sleep 0.1; done;
	 kill -0 \$(cat $T/dnsmasq.pid)"
cat >"$T/udhcpc.sh" <<'EOC'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/${mask:-24}" dev "$interface"
exit 0
EOC
chmod +x "$T/udhcpc.sh"
check "dvm2 (host2) gets an address by DHCP from host1's tap-qdhcp" \
	ip netns exec "$P-dvm2" timeout 30 busybox udhcpc -q -n -f -t 10 \
	-i eth0 -s "$T/udhcpc.sh"
dmac=$(ip -n "$P-dvm2" -o link show eth0 | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p')
lease='10\.77\.0\.1(0[0-9]|10)'
check "the leased address is in the server's range" eval \
	"ip -n $P-dvm2 -4 -o addr show eth0 | grep -Eq 'inet $lease/24'"
check "dnsmasq recorded the lease for dvm2's MAC" eval \
	"grep -Eq ' $dmac $lease ' $T/dnsmasq.leases"
check "dnsmasq's log shows the DHCPACK to dvm2 on tap-qdhcp" eval \
	"grep -Eq 'DHCPACK\\(tap-qdhcp\\) $lease $dmac' $T/dnsmasq.log"
check "dvm2 pings the DHCP server across the tunnel" ping_ok dvm2 10.77.0.254
kill "$(cat "$T/dnsmasq.pid" 2>/dev/null)" 2>/dev/null

# ovs-vsctl show as Open vSwitch prints it: ours and Debian's (over
# db.sock) on host1's database, line for line, and the tunnel port's lines.
vsctl 1 show >"$T/show"
OVS_RUNDIR=$T/h1/run ovs-vsctl --timeout=10 show >"$T/want" 2>&1
check "ovs-vsctl show prints the layout as Open vSwitch's does" \
	diff -u "$T/want" "$T/show"
check "ovs-vsctl show has the tunnel port with its type and remote" eval \
	"grep -A3 '^        Port ${TYPE}0\$' $T/show | tr -s ' ' |
	 tr '\\n' '|' | grep -q 'Interface ${TYPE}0| type: $TYPE| options: {remote_ip=\"192.168.77.2\"}'"
finish
