#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario S6 (seed 000): two hosts, each with its own bridge, joined by a
# cable.  Each "host" is a network namespace running a complete microvs
# instance of its own (--rundir/--dbdir/--logdir); the cable is a veth
# pair between the two hosts' eth0; on each host a VM (a namespace behind
# a veth) is on br0.  As the seed: on each host
#   ovs-vsctl add-br br0; ovs-vsctl add-port br0 eth0
# and the VMs on both sides talk.
P=s6x$$
. "$(dirname "$0")/../system/lib.sh"
need_root
. "$(dirname "$0")/hostslib.sh"
for n in host1 host2 vm1 vm2; do mkns $n; done
# The cable, and each VM's link to its host.
ip -n "$P-host1" link add eth0 type veth peer name eth0 netns "$P-host2"
for h in 1 2; do
	ip -n "$P-host$h" link add vm$h type veth peer name eth0 netns "$P-vm$h"
	ip -n "$P-host$h" link set eth0 up
	ip -n "$P-host$h" link set vm$h up
	ip -n "$P-vm$h" link set eth0 up
	ip -n "$P-vm$h" addr add 10.76.0.$h/24 dev eth0
done

for h in 1 2; do
	check "host$h: its own microvs instance starts" host_start $h
	check "host$h: add-br br0 (netdev)" vsctl $h add-br br0 -- \
		set bridge br0 datapath_type=netdev
	check "host$h: add-port br0 eth0 (the cable)" vsctl $h add-port br0 eth0
	check "host$h: add-port br0 vm$h" vsctl $h add-port br0 vm$h
done
check "the two instances are separate processes in separate namespaces" eval \
	'[ "$(readlink /proc/$(cat $T/h1/run/upcalld.pid)/ns/net)" != \
	   "$(readlink /proc/$(cat $T/h2/run/upcalld.pid)/ns/net)" ]'
check "vm1 (host1) pings vm2 (host2) across the cable" ping_ok vm1 10.76.0.2
check "vm2 pings vm1" ping_ok vm2 10.76.0.1
for h in 1 2; do
	check "host$h: the megaflows go to and from the cable" eval \
		'hostctl $h dpctl/dump-flows -m |
		 grep "eth_type(0x0800)" | grep -q "in_port(eth0)"'
done
finish
