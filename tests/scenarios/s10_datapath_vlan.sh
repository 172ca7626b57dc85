#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S10 (seed 002): add-br creates a datapath; add-port puts the
# device in promiscuous mode and attaches a vport; add-port br0 eth1
# tag=10 makes an access port, and hosts on other VLANs do not hear it.
P=s10x$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.80.0.1 && host h2 10.80.0.2 && host h3 10.80.0.3 ||
	{ fail "hosts"; finish; }

check "add-br br0 (netdev)" netdev_br br0
check "a datapath exists (dpctl/dump-dps)" eval \
	'[ "$(oappctl dpctl/dump-dps)" = "$DP" ]'
check "ovs-dpctl dump-dps says the same" eval \
	'[ "$("$B/ctl/ovs-dpctl" --rundir="$R" dump-dps)" = "$DP" ]'
check "br0's local port is an internal device named br0" eval \
	'oappctl dpctl/show | grep -q "port [0-9]*: br0 ($DP_INTERNAL)" && sw ip link show br0 >/dev/null'
check "h1 is not promiscuous before add-port" eval 'sw ip -d link show h1 | grep -q "promiscuity 0"'
check "add-port br0 h1 tag=10" vsctl add-port br0 h1 tag=10
check "add-port br0 h2 tag=10" vsctl add-port br0 h2 tag=10
check "add-port br0 h3 tag=20" vsctl add-port br0 h3 tag=20
check "h1 is promiscuous now" eval 'sw ip -d link show h1 | grep -q "promiscuity 1"'
check "h1 is a vport of the datapath" eval 'oappctl dpctl/show | grep -q "port [0-9]*: h1$"'
check "h1 and h2 (VLAN 10) talk" pings h1 10.80.0.2
check "h1 does not reach h3 (VLAN 20)" no_ping h1 10.80.0.3
check "h3 does not reach h2" no_ping h3 10.80.0.2

# h3 hears nothing of VLAN 10's broadcasts.
ns h3 tcpdump -i eth0 -n -l -c 1 arp >"$T/h3.pcap.txt" 2>/dev/null &
td=$!
sleep 0.5
ns h1 arping -c 3 -w 2 -I eth0 10.80.0.2 >/dev/null 2>&1 ||
	ns h1 ping -c 3 -i 0.2 -W 1 10.80.0.9 >/dev/null 2>&1
sleep 0.5
kill $td 2>/dev/null; wait $td 2>/dev/null
check "h3 saw no ARP from VLAN 10" eval '! grep -q "10.80.0.1" "$T/h3.pcap.txt"'
check "fdb/show: h1's MAC in VLAN 10" eval \
	'oappctl fdb/show br0 | grep -q "^ *1 *10  $(mac h1)"'
check "re-tagging h3 to 10 lets it in" vsctl set port h3 tag=10
check "h3 now reaches h1" pings h3 10.80.0.1
check "del-port h1 takes it out of promiscuous mode" eval \
	'vsctl del-port br0 h1 && sw ip -d link show h1 | grep -q "promiscuity 0"'
check "del-br removes the bridge's device" eval \
	'vsctl del-br br0 && ! sw ip link show br0 >/dev/null 2>&1'
finish
