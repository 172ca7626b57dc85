#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interop: a microvs host (the S7 layout, tnllib.sh) and a host with no
# switch but Linux's own tunnel device of the same type and VNI/key 0 in a
# Linux bridge.  The VMs ping across, and tcpdump on the underlay decodes
# both directions as valid tunnel packets.
# Usage: tnl_linux.sh [vxlan|gre|geneve]
TYPE=${1:-vxlan}
P=tl${TYPE:0:2}$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
TNL_LINUX_HOST2=1 tnl_hosts "$TYPE"
check "vm1 (microvs) pings vm2 (Linux $TYPE device)" ping_soon vm1 10.77.0.2
case $TYPE in
vxlan) filter='udp port 4789' port=.4789 want='VXLAN, flags \[I\] (0x08), vni 0' ;;
geneve) filter='udp port 6081' port=.6081 want='Geneve, Flags \[none\], vni 0x0' ;;
gre) filter='proto gre' port= want='GREv0, length' ;;
esac
ip netns exec "$P-host2" tcpdump -i eth0 -nn -v -l -c 40 "$filter" \
	>"$T/cap" 2>/dev/null &
dump=$!
sleep 1
ping_ok vm1 10.77.0.2
ping_ok vm2 10.77.0.1
sleep 0.5
kill $dump 2>/dev/null
wait $dump 2>/dev/null
# The lines of the outer packets from each side, not ICMP quoting them.
check "tcpdump decodes microvs's packets as $TYPE" eval \
	"grep '192.168.77.1[.0-9]* > 192.168.77.2$port: $want' $T/cap | grep -q ."
check "and Linux's" eval \
	"grep '192.168.77.2[.0-9]* > 192.168.77.1$port: $want' $T/cap | grep -q ."
finish
