#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S2 (seed 000): two hosts, each wired to a port of br0, talk.
#   ovs-vsctl add-br br0; add-port br0 eth0; add-port br0 eth1
# (br0 on the userspace datapath; the "NICs" are veth ends whose other
# ends are the hosts' namespaces.)  ovs-vsctl waits for cur_cfg.
P=s2x$$
. "$(dirname "$0")/swlib.sh"
sw_start
host a 10.72.0.1 && host b 10.72.0.2 || { fail "hosts"; finish; }
check "add-br br0 (netdev) returns once applied" netdev_br br0
check "add-port br0 ${P}a" vsctl add-port br0 "${P}a"
check "add-port br0 ${P}b" vsctl add-port br0 "${P}b"
check "the ports have OpenFlow numbers 1 and 2" eval \
	'[ "$(vsctl get interface ${P}a ofport) $(vsctl get interface ${P}b ofport)" = "1 2" ]'
check "br0's own port is LOCAL" eval '[ "$(vsctl get interface br0 ofport)" = 65534 ]'
check "host a pings host b" pings a 10.72.0.2
check "host b pings host a" pings b 10.72.0.1
check "fdb/show lists both hosts" eval \
	'oappctl fdb/show br0 | grep -q "$(mac a)" && oappctl fdb/show br0 | grep -q "$(mac b)"'
check "del-port stops the traffic" vsctl del-port br0 "${P}b"
check "host a no longer reaches host b" no_ping a 10.72.0.2
finish
