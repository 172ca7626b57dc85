#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Received Geneve options sent on: the S7 layout over Geneve (tnllib.sh),
# host1's br-tun with a second Geneve port to a third VTEP (192.168.77.3,
# a permanent neighbour on host1's underlay).  host2's namespace writes
# onto its cable Geneve frames to host1 that differ only in their options
# (five with option 0xffff/0 holding 0x11111111, five holding 0x22222222,
# each followed by an option 0x0102/5; five with none), each carrying
# the same broadcast frame, which host1 floods to the third VTEP.
#  - Without a TLV mapping, no option goes on (as Open vSwitch 3.1: it
#    sends on only the options its TLV table maps).
#  - With "{class=0xffff,type=0,len=4}->tun_metadata0" on br-tun, each
#    frame leaves with its own 0xffff/0 option and without the unmapped
#    one.  (Open vSwitch 3.1 sends 0x11111111 with the ten frames: its
#    megaflow does not match the option's value but pushes the first
#    frame's.  A megaflow here matches the options it pushes.)
P=tnlg$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
tnl_hosts geneve
ip -n "$P-host1" neigh replace 192.168.77.3 lladdr 02:77:00:00:00:03 \
	dev br-phy nud permanent
check "host1: geneve1 to a third VTEP" vsctl 1 add-port br-tun geneve1 -- \
	set interface geneve1 type=geneve options:remote_ip=192.168.77.3
check "vm1 pings vm2 across geneve" ping_soon vm1 10.77.0.2
resolved() {
	for _ in $(seq 50); do
		hostctl 1 -t tunneld tnl/neigh/show | grep -q '^192.168.77.3 ' &&
			return 0
		sleep 0.2
	done
	return 1
}
check "host1's tunneld resolved the third VTEP" resolved
macof() { ip -n "$P-$1" -o link show br-phy | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }
dmac=$(macof host1) smac=$(macof host2)

# sent: the frames go to host1; prints "OPTIONS: COUNT" for what left
# for the third VTEP (OPTIONS the hex of the Geneve options, or "none").
sent() {
	ip netns exec "$P-host2" tcpdump -i eth0 -nn -s 0 -w "$T/out.pcap" \
		'udp port 6081 and dst host 192.168.77.3' >/dev/null 2>&1 &
	local dump=$!
	sleep 1
	ip netns exec "$P-host2" python3 - "$dmac" "$smac" <<'EOPY'
import socket, struct, sys, time
mac = lambda s: bytes.fromhex(s.replace(':', ''))
dmac, smac = mac(sys.argv[1]), mac(sys.argv[2])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0x4000,
                    64, proto, 0, socket.inet_aton('192.168.77.2'),
                    socket.inet_aton('192.168.77.1'))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload
inner = b'\xff' * 6 + bytes.fromhex('027700000099') + b'\x08\x06' + bytes(28)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for data in (b'\x11' * 4, b'\x22' * 4, b''):
    opt = (b'\xff\xff\x00\x01' + data + b'\x01\x02\x05\x01' + b'\xab' * 4
           if data else b'')
    gnv = bytes([len(opt) // 4, 0]) + b'\x65\x58' + bytes(4) + opt
    udp = struct.pack('!HHHH', 40000, 6081, 8 + len(gnv) + len(inner), 0)
    for _ in range(5):
        s.send(dmac + smac + b'\x08\x00' + ip(17, udp + gnv + inner))
        time.sleep(0.01)
EOPY
	sleep 1
	kill -INT $dump 2>/dev/null
	wait $dump 2>/dev/null
	PYTHONPATH=$(dirname "$0") python3 - "$T/out.pcap" <<'EOPY'
import collections, struct, sys
from pcaplib import packets
n = collections.Counter()
for p, cl, wl in packets(sys.argv[1]):
    if struct.unpack('!H', p[12:14])[0] != 0x0800: continue
    g = p[14 + (p[14] & 15) * 4 + 8:]
    n[g[8:8 + (g[0] & 0x3f) * 4].hex() or 'none'] += 1
for k, v in sorted(n.items()): print('%s: %d' % (k, v))
EOPY
}
sent >"$T/verdict"
cat "$T/verdict"
check "no TLV mapping: the 15 frames leave without options" \
	eval "[ \"\$(cat $T/verdict)\" = 'none: 15' ]"
check "host1: br-tun maps class 0xffff type 0 to tun_metadata0" \
	env MICROVS_RUNDIR="$T/h1/run" "$B/ctl/ovs-ofctl" add-tlv-map br-tun \
	"{class=0xffff,type=0,len=4}->tun_metadata0"
sent >"$T/verdict"
cat "$T/verdict"
check "mapped: each frame leaves with its own mapped option, not the other" \
	eval "[ \"\$(cat $T/verdict | tr '\n' ' ')\" = 'ffff000111111111: 5 ffff000122222222: 5 none: 5 ' ]"

# Flows on the options (tun_metadata): the 0x11111111 frames dropped by
# a match, the 0x22222222 ones sent on with tun_metadata1 (class 0x0103
# type 7) set after the received option; a megaflow that did not match
# the options would treat one set's frames as the other's.
of1() { env MICROVS_RUNDIR="$T/h1/run" "$B/ctl/ovs-ofctl" "$@"; }
check "host1: tun_metadata1 mapped" of1 add-tlv-map br-tun \
	"{class=0x0103,type=7,len=4}->tun_metadata1"
check "host1: tun_metadata0=0x11111111 dropped" of1 add-flow br-tun \
	"priority=100,tun_metadata0=0x11111111,actions=drop"
check "host1: tun_metadata0=0x22222222 gets tun_metadata1=0xabcd" \
	of1 add-flow br-tun \
	"priority=100,tun_metadata0=0x22222222,actions=set_field:0xabcd->tun_metadata1,NORMAL"
# Fresh megaflows (the earlier ones match every option already).
check "host1: megaflows flushed" hostctl 1 dpctl/del-flows
sent >"$T/verdict"
cat "$T/verdict"
check "flows: 0x11111111 dropped, 0x22222222 sent with tun_metadata1 after it" \
	eval "[ \"\$(cat $T/verdict | tr '\n' ' ')\" = 'ffff000122222222010307010000abcd: 5 none: 5 ' ]"
hostctl 1 dpctl/dump-flows >"$T/mf"
grep -o 'geneve([^)]*)' "$T/mf" | sort | uniq -c
for v in 11111111 22222222; do
	check "a megaflow matches the option 0x$v" \
		grep -q "geneve({class=0xffff,type=0,len=4,0x$v}" "$T/mf"
done
# The drop megaflow, as Open vSwitch writes it: every option's header and
# the length exact, the data of the mapped option only.
check "the drop megaflow leaves the unmapped option's data out" grep -q \
	"geneve({class=0xffff,type=0,len=4,0x11111111}{class=0x102,type=0x5,len=4})" \
	"$T/mf"
check "vm1 still pings vm2" ping_ok vm1 10.77.0.2
finish
