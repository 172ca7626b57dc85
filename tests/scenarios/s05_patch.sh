#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S5 (seed 000): two bridges joined by patch ports, with the
# seed's commands; a host on br0 reaches a host on br1.
P=s5x$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.75.0.1 && host h2 10.75.0.2 || { fail "hosts"; finish; }
check "add-br br0" netdev_br br0
check "add-br br1" netdev_br br1
check "add-port br0 patch-to-br1" vsctl add-port br0 patch-to-br1
check "set interface patch-to-br1 type=patch" vsctl set interface patch-to-br1 type=patch
check "set interface patch-to-br1 options:peer=patch-to-br0" \
	vsctl set interface patch-to-br1 options:peer=patch-to-br0
check "add-port br1 patch-to-br0" vsctl add-port br1 patch-to-br0
check "set interface patch-to-br0 type=patch" vsctl set interface patch-to-br0 type=patch
check "set interface patch-to-br0 options:peer=patch-to-br1" \
	vsctl set interface patch-to-br0 options:peer=patch-to-br1
check "add-port br0 h1" vsctl add-port br0 h1
check "add-port br1 h2" vsctl add-port br1 h2
check "patch ports have OpenFlow numbers, no error" eval \
	'[ "$(vsctl get interface patch-to-br1 ofport)" = 1 ] &&
	 [ "$(vsctl get interface patch-to-br0 error)" = "[]" ]'
check "no datapath port for a patch port" eval '! oappctl dpctl/show | grep -q patch-to'
check "host h1 (br0) pings host h2 (br1)" pings h1 10.75.0.2
check "host h2 (br1) pings host h1 (br0)" pings h2 10.75.0.1
check "the megaflow from h1 goes straight to h2's datapath port" eval \
	'b_dp=$(oappctl dpctl/show | sed -n "s/^  port \([0-9]*\): h2\$/\1/p");
	 dump_flows | grep "eth_type(0x0800)" | grep -q "actions:$b_dp\$"'
check "br0 learned h2 behind its patch port" eval \
	'oappctl fdb/show br0 | grep -q "^ *1 .*$(mac h2)"'
check "a patch port without a peer reports an error" eval \
	'vsctl add-port br0 lonely -- set interface lonely type=patch;
	 vsctl get interface lonely error | grep -q "lonely: patch type requires valid .peer. argument"'
finish
