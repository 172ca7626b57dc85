#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# VLAN isolation (issue 8, acceptance 2): hosts on access ports of
# different tags cannot reach each other; a trunk port carries both tags:
# tcpdump on the trunk host sees VLAN 10 and VLAN 20 frames, a frame the
# trunk host sends tagged 20 reaches the VLAN 20 host (untagged) and its
# answer comes back tagged 20, and nothing of it reaches VLAN 10.  A
# native-untagged port's untagged frames are its VLAN's.  (The trunk
# host sends with a raw socket: this kernel has no 8021q module for VLAN
# subinterfaces.)
P=vlx$$
. "$(dirname "$0")/swlib.sh"
sw_start
host a10 10.90.0.10 && host a20 10.90.0.20 && host tr "" &&
	host n10 10.90.0.11 || { fail "hosts"; finish; }

check "br0" netdev_br br0
check "access port a10 (tag 10)" vsctl add-port br0 a10 tag=10
check "access port a20 (tag 20)" vsctl add-port br0 a20 tag=20
check "trunk port tr (trunks 10,20)" vsctl add-port br0 tr trunks=10,20
check "native-untagged port n10 (VLAN 10)" vsctl add-port br0 n10 \
	tag=10 vlan_mode=native-untagged trunks=10,20
check "a10 cannot reach a20 (same subnet, other VLAN)" no_ping a10 10.90.0.20
check "a20 cannot reach a10" no_ping a20 10.90.0.10
check "n10 (VLAN 10, untagged) reaches a10" pings n10 10.90.0.10
check "n10 cannot reach a20" no_ping n10 10.90.0.20

ns tr timeout 8 tcpdump -i eth0 -e -n -l vlan >"$T/trunk.txt" 2>/dev/null &
ns a10 timeout 8 tcpdump -i eth0 -e -n -l arp >"$T/a10.txt" 2>/dev/null &
sleep 1
# Broadcasts from both VLANs reach the trunk, tagged.
ns a10 ping -c 2 -i 0.2 -W 1 10.90.0.99 >/dev/null 2>&1
ns a20 ping -c 2 -i 0.2 -W 1 10.90.0.98 >/dev/null 2>&1
# The trunk host asks, in VLAN 20, who has a20's address.
ns tr python3 - "$(mac tr)" <<'PY'
import socket, struct, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
ip = socket.inet_aton
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac,
                  ip("10.90.0.200"), b"\0" * 6, ip("10.90.0.20"))
frame = b"\xff" * 6 + mac + struct.pack("!HH", 0x8100, 20) + \
    struct.pack("!H", 0x0806) + arp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(3):
    s.send(frame)
PY
wait
check "tcpdump on the trunk saw VLAN 10" grep -q "vlan 10," "$T/trunk.txt"
check "tcpdump on the trunk saw VLAN 20" grep -q "vlan 20," "$T/trunk.txt"
check "a20 answered the trunk host's VLAN 20 request, tagged 20" eval \
	'grep "vlan 20," "$T/trunk.txt" | grep -q "Reply 10.90.0.20 is-at $(mac a20)"'
check "a10 heard nothing of VLAN 20" eval '! grep -q "10.90.0.200\|10.90.0.98" "$T/a10.txt"'
check "a10's own ARP was seen untagged there" grep -q "10.90.0.99" "$T/a10.txt"
check "the megaflow into the trunk pushes the tag" eval \
	'dump_flows | grep -q "push_vlan(vid=10,pcp=0)"'
check "the megaflow from the trunk pops it" eval \
	'dump_flows | grep "vlan(vid=20" | grep -q "actions:pop_vlan"'
check "fdb/show: the trunk host learned in VLAN 20" eval \
	'oappctl fdb/show br0 | grep -q "^ *3 *20  $(mac tr)"'
finish
