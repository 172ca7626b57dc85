#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad tunnel packets from the underlay: the S7 layout (tnllib.sh) with
# host1 holding a vxlan, a gre and a geneve port to host2; host2's
# namespace writes crafted frames straight onto its eth0 (to host1's
# br-phy address): VXLAN with wrong flags, cut short, with a UDP length
# that lies, an inner frame shorter than Ethernet, a bad IPv4 checksum, a
# first fragment; Geneve whose option lengths overrun; GRE with the
# routing bit.  host1's upcalld refuses each for its reason (coverage
# counters), keeps running, and the VMs still ping across the tunnel.
P=tnlb$$
. "$(dirname "$0")/../system/lib.sh"
need_root
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
tnl_hosts vxlan
check "host1: gre0 and geneve0 to host2 as well" eval "
	vsctl 1 add-port br-tun gre0 -- set interface gre0 type=gre \
		options:remote_ip=192.168.77.2 options:key=5 &&
	vsctl 1 add-port br-tun geneve0 -- set interface geneve0 type=geneve \
		options:remote_ip=192.168.77.2 options:key=6"
check "vm1 pings vm2 across vxlan" ping_soon vm1 10.77.0.2
pid=$(cat "$T/h1/run/upcalld.pid")
dmac=$(ip -n "$P-host1" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/')
smac=$(ip -n "$P-host2" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/')

ip netns exec "$P-host2" python3 - "$dmac" "$smac" <<'EOPY'
import socket, struct, sys
dmac = bytes.fromhex(sys.argv[1].replace(':', ''))
smac = bytes.fromhex(sys.argv[2].replace(':', ''))
src, dst = socket.inet_aton('192.168.77.2'), socket.inet_aton('192.168.77.1')
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(proto, payload, frag=0x4000, tot=None, good=True):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot or 20 + len(payload), 1,
                    frag, 64, proto, 0, src, dst)
    c = csum(h) if good else csum(h) ^ 0x5555
    return h[:10] + struct.pack('!H', c) + h[12:] + payload
def udp(dport, payload, ulen=None):
    return struct.pack('!HHHH', 40000, dport, ulen or 8 + len(payload), 0) + payload
inner = dmac + smac + b'\x08\x00' + bytes(46)
vx = b'\x08\0\0\0\0\0\0\0'
frames = {
    'vxlan bad flags': ip(17, udp(4789, b'\x0c\0\0\0\0\0\0\0' + inner)),
    'vxlan cut short': ip(17, udp(4789, b'\x08\0\0\0')),
    'vxlan UDP length lies': ip(17, udp(4789, vx + inner, ulen=9)),
    'vxlan inner too short': ip(17, udp(4789, vx + bytes(6))),
    'vxlan bad IP checksum': ip(17, udp(4789, vx + inner), good=False),
    'vxlan first fragment': ip(17, udp(4789, vx + inner), frag=0x2000),
    'geneve options overrun': ip(17, udp(6081, b'\x02\x00\x65\x58\0\0\x06\0' +
                                        b'\x01\x02\x03\x1f\0\0\0\0' + inner)),
    'gre routing bit': ip(47, b'\x60\x00\x65\x58\0\0\0\x05' + inner),
}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for name, pkt in frames.items():
    for _ in range(5):
        s.send(dmac + smac + b'\x08\x00' + pkt)
EOPY
sleep 1
cov() { hostctl 1 -t upcalld coverage/read-counter "$1"; }
for c in tnl_pop_bad_vxlan tnl_pop_short tnl_pop_bad_udp tnl_pop_short_inner \
	 tnl_pop_bad_ip_csum tnl_pop_fragment tnl_pop_bad_geneve tnl_pop_bad_gre; do
	n=$(cov $c)
	check "host1 counted the bad packets as $c ($n)" [ "${n:-0}" -ge 1 ]
done
check "host1's upcalld still runs (same pid)" \
	eval "[ \"\$(cat $T/h1/run/upcalld.pid)\" = $pid ] && kill -0 $pid"
check "vm1 still pings vm2 across vxlan" ping_ok vm1 10.77.0.2
finish
