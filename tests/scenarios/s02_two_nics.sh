#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S2 (seed 000): two hosts, each wired to a port of br0, talk.
#   ovs-vsctl add-br br0; add-port br0 eth0; add-port br0 eth1
# (br0 on the userspace datapath; the "NICs" are veth ends whose other
# ends are the hosts' namespaces.)  ovs-vsctl waits for cur_cfg.
P=s2x$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.72.0.1 && host h2 10.72.0.2 || { fail "hosts"; finish; }
check "add-br br0 (netdev) returns once applied" netdev_br br0
check "add-port br0 h1" vsctl add-port br0 h1
check "add-port br0 h2" vsctl add-port br0 h2
check "the ports have OpenFlow numbers 1 and 2" eval \
	'[ "$(vsctl get interface h1 ofport) $(vsctl get interface h2 ofport)" = "1 2" ]'
check "br0's own port is LOCAL" eval '[ "$(vsctl get interface br0 ofport)" = 65534 ]'
check "host h1 pings host h2" pings h1 10.72.0.2
check "host h2 pings host h1" pings h2 10.72.0.1
check "fdb/show lists both hosts" eval \
	'oappctl fdb/show br0 | grep -q "$(mac h1)" && oappctl fdb/show br0 | grep -q "$(mac h2)"'
check "Debian's ovs-vsctl (over db.sock) returns too once applied" eval \
	'OVS_RUNDIR=$R timeout 30 ovs-vsctl --timeout=20 set port h2 tag=0 &&
	 OVS_RUNDIR=$R timeout 30 ovs-vsctl --timeout=20 remove port h2 tag 0'
check "cur_cfg reached next_cfg" eval \
	'[ "$(vsctl get open . cur_cfg)" = "$(vsctl get open . next_cfg)" ]'
check "status written back: mac_in_use, ifindex, link_state, mtu" eval \
	'[ "$(vsctl get interface h1 mac_in_use)" = "\"$(sw cat /sys/class/net/h1/address)\"" ] &&
	 [ "$(vsctl get interface h1 ifindex)" = "$(sw cat /sys/class/net/h1/ifindex)" ] &&
	 [ "$(vsctl get interface h1 link_state)" = up ] &&
	 [ "$(vsctl get interface h1 mtu)" = 1500 ]'
check "Open_vSwitch: datapath_types, iface_types, dpdk_initialized" eval \
	'vsctl get open . datapath_types | grep -q netdev &&
	 vsctl get open . iface_types | grep -q patch &&
	 [ "$(vsctl get open . dpdk_initialized)" = false ]'
check "a missing device: Open vSwitch's error, ofport -1" eval \
	'vsctl add-port br0 nosuchdev &&
	 [ "$(vsctl get interface nosuchdev ofport)" = -1 ] &&
	 [ "$(vsctl get interface nosuchdev error)" = "\"could not open network device nosuchdev (No such device)\"" ]'
[ "$DP_TYPE" = system ] ||
check "a bridge of the system datapath: a clear error without the kernel module" eval \
	'vsctl add-br brk -- add-port brk kport &&
	 vsctl get interface kport error | grep -q "could not add network device kport to ofproto (Address family not supported by protocol)"'
check "del-port stops the traffic" vsctl del-port br0 h2
check "host h1 no longer reaches host h2" no_ping h1 10.72.0.2
finish
