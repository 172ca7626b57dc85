#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tun_flags through the datapath: the S7 layout over Geneve (tnllib.sh),
# host1's br-tun with "priority=40000,tun_flags=+oam,actions=drop" on top
# of NORMAL.  host2's namespace writes Geneve frames straight onto its
# eth0 to host1, each carrying a UDP datagram for vm1: five with the OAM
# flag (O), five without.  vm1 must receive the five plain ones and none
# of the OAM ones; after del-flows of the OAM rule, OAM frames get
# through too (the megaflows are translated again).  The VMs ping
# throughout.
P=tnlo$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
tnl_hosts geneve
ofctl1() { MICROVS_RUNDIR=$T/h1/run "$B/ctl/ovs-ofctl" "$@"; }
check "host1: br-tun drops OAM tunnel packets (tun_flags=+oam)" \
	ofctl1 add-flow br-tun priority=40000,tun_flags=+oam,actions=drop
check "vm1 pings vm2 across geneve" ping_soon vm1 10.77.0.2
dmac=$(ip -n "$P-host1" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/')
smac=$(ip -n "$P-host2" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/')
vmac=$(ip -n "$P-vm1" -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/')

# send TAG OAM: five Geneve frames (OAM flag 0 or 1) carrying a UDP
# datagram to vm1 (10.77.0.1:9999) whose payload is TAG.
send() {
	ip netns exec "$P-host2" python3 - "$dmac" "$smac" "$vmac" "$1" "$2" <<'EOPY'
import socket, struct, sys
mac = lambda s: bytes.fromhex(s.replace(':', ''))
dmac, smac, vmac = mac(sys.argv[1]), mac(sys.argv[2]), mac(sys.argv[3])
tag, oam = sys.argv[4].encode(), sys.argv[5] == '1'
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(proto, src, dst, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0x4000,
                    64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload
def udp(sport, dport, payload):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
inner = vmac + bytes.fromhex('027700000099') + b'\x08\x00' + \
    ip(17, '10.77.0.99', '10.77.0.1', udp(9999, 9999, tag))
geneve = bytes([0, 0x80 if oam else 0]) + b'\x65\x58' + bytes(4)
outer = ip(17, '192.168.77.2', '192.168.77.1', udp(40000, 6081, geneve + inner))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for _ in range(5):
    s.send(dmac + smac + b'\x08\x00' + outer)
EOPY
}
# received CMD...: runs CMD with tcpdump on vm1's eth0; prints the
# payload tags of the datagrams to port 9999 that vm1 received.
received() {
	ip netns exec "$P-vm1" tcpdump -i eth0 -nn -l -A -c 50 \
		'udp port 9999' >"$T/vm1.txt" 2>/dev/null &
	local pid=$!
	sleep 1
	"$@"
	sleep 1
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}
both() { send plain 0 && send oamed 1; }
received both
plain=$(grep -c plain "$T/vm1.txt") oamed=$(grep -c oamed "$T/vm1.txt")
check "vm1 gets the plain Geneve frames ($plain of 5)" [ "$plain" -ge 5 ]
check "and none of the OAM ones ($oamed)" [ "$oamed" = 0 ]
check "host1: del-flows of the OAM rule" \
	ofctl1 del-flows br-tun tun_flags=+oam
sleep 1
received both
plain=$(grep -c plain "$T/vm1.txt") oamed=$(grep -c oamed "$T/vm1.txt")
check "without the rule vm1 gets both ($plain plain, $oamed OAM of 5)" \
	[ "$plain" -ge 5 -a "$oamed" -ge 5 ]
check "vm1 still pings vm2" ping_ok vm1 10.77.0.2
finish
