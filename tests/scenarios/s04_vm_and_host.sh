#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S4 (seed 000): a VM on a tap device and a physical host (a
# veth here) on the same bridge talk.
#   ovs-vsctl add-br br0; ovs-vsctl add-port br0 eth0
#   kvm ... tap,script=/etc/ovs-ifup   (ovs-vsctl add-port br0 $1)
P=s4x$$
. "$(dirname "$0")/swlib.sh"
sw_start
ifscripts_install
check "add-br br0 (netdev)" netdev_br br0
host pc 10.74.0.1 && vm vm 10.74.0.2 t || { fail "hosts"; finish; }
check "add-port br0 pc (the NIC)" vsctl add-port br0 pc
check "ovs-ifup t (the VM's tap)" ifscript up t
check "the host pings the VM" pings pc 10.74.0.2
check "the VM pings the host" pings vm 10.74.0.1
check "fdb/show: the VM behind port 2" eval \
	'oappctl fdb/show br0 | grep -q "^ *2 .*$(mac vm)"'
finish
