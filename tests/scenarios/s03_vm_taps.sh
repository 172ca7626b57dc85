#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S3 (seed 000): two VMs on tap devices.  As kvm does, a process
# (tests/tapvm, our qemu) creates each tap device and holds it, then runs
# the seed's ovs-ifup script, which attaches the tap to br0:
#   /sbin/ifconfig $1 0.0.0.0 up
#   ovs-vsctl add-port ${switch} $1
# and ovs-ifdown detaches it (del-port).  The VMs are namespaces behind
# the taps; they talk.
P=s3x$$
. "$(dirname "$0")/swlib.sh"
sw_start
ifscripts_install
check "add-br br0 (netdev)" netdev_br br0
vm vm1 10.73.0.1 t1 && vm vm2 10.73.0.2 t2 || { fail "VMs"; finish; }
check "tap t1 exists, held by the VM's process" sw ip link show t1
check "ovs-ifup t1" ifscript up t1
check "ovs-ifup t2" ifscript up t2
check "list-ports br0 shows both taps" eval \
	'[ "$(vsctl list-ports br0 | tr "\n" " ")" = "t1 t2 " ]'
check "the taps are up" eval 'sw ip link show t1 | grep -q "UP"'
check "vm1 pings vm2" pings vm1 10.73.0.2
check "vm2 pings vm1" pings vm2 10.73.0.1
check "dpctl/show lists the taps as datapath ports" eval \
	'oappctl dpctl/show | grep -q ": t1" && oappctl dpctl/show | grep -q ": t2"'
check "ovs-ifdown t2" ifscript down t2
check "list-ports br0 shows one tap" eval '[ "$(vsctl list-ports br0)" = t1 ]'
check "the datapath no longer has t2" eval '! oappctl dpctl/show | grep -q ": t2"'
check "vm1 no longer reaches vm2" no_ping vm1 10.73.0.2
check "ovs-ifup t2 again" ifscript up t2
check "vm1 pings vm2 again" pings vm1 10.73.0.2
finish
