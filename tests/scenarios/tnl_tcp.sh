#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TCP inside VXLAN with the veths' default offloads (TSO, checksum
# offload): the S7 layout (tnllib.sh), host1's vxlan0 with options:csum=true,
# host2's without.  iperf3 with two streams and a 16 MB checked stream run
# from vm1 to vm2 while tcpdump records the underlay (both eth0); then
# the captures must show, for every outer packet:
#   - IPv4 with DF, not a fragment, TTL 64, at most 1500 bytes (the
#     inner 64 KB segments were cut before encapsulation);
#   - UDP to 4789, VXLAN flags 0x08, VNI 0;
#   - host1's packets with a correct UDP checksum (csum=true), host2's
#     with none (the default);
#   - one UDP source port per inner TCP connection, and different ports
#     for different connections (the inner flow hash);
# and the stream arrives intact.
P=tnlt$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
. "$(dirname "$0")/streamlib.sh"
tnl_hosts vxlan options:csum=true
check "vm1's eth0 does TSO and checksum offload (the defaults)" eval \
	"ip netns exec $P-vm1 ethtool -k eth0 | grep -q 'tcp-segmentation-offload: on' &&
	 ip netns exec $P-vm1 ethtool -k eth0 | grep -q 'tx-checksumming: on'"
check "vm1 pings vm2 across vxlan" ping_soon vm1 10.77.0.2

# upcalld sends with PACKET_QDISC_BYPASS, which packet taps do not see:
# each host's capture shows what the other sent.
dumps=()
for h in 1 2; do
	ip netns exec "$P-host$h" tcpdump -i eth0 -nn -s 0 -B 16384 -c 20000 \
		-w "$T/underlay$h.pcap" udp port 4789 >/dev/null 2>&1 &
	dumps+=($!)
done
sleep 1
ip netns exec "$P-vm2" iperf3 -s -1 -B 10.77.0.2 >/dev/null 2>&1 &
wait_listen "$P-vm2" 5201
if ip netns exec "$P-vm1" timeout 30 iperf3 -c 10.77.0.2 -t 2 -P 2 -J \
	>"$T/iperf.json" 2>&1; then
	bps=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second']))" "$T/iperf.json")
	check "iperf3 (2 streams) inside VXLAN: $((bps / 1000000)) Mbit/s" \
		[ "$bps" -gt 0 ]
else
	fail "iperf3 inside VXLAN"
	tail -5 "$T/iperf.json"
fi
check "16 MB over TCP inside VXLAN arrive intact" \
	checked_stream "ip netns exec $P-vm2" "ip netns exec $P-vm1" 10.77.0.2
sleep 0.5
kill -INT "${dumps[@]}" 2>/dev/null
wait "${dumps[@]}" 2>/dev/null
segs=$(hostctl 1 -t upcalld coverage/read-counter gso_segments)
check "host1 cut inner GSO segments before pushing ($segs)" \
	[ "${segs:-0}" -gt 0 ]

PYTHONPATH=$(dirname "$0") python3 - "$T/underlay1.pcap" "$T/underlay2.pcap" \
	>"$T/verdict" 2>&1 <<'EOPY'
import struct, sys
from pcaplib import csum, packets
bad, n = [], {'1': 0, '2': 0}
ports = {}  # inner TCP 4-tuple -> outer source ports
for p, caplen, wirelen in (x for f in sys.argv[1:] for x in packets(f)):
    if caplen != wirelen or struct.unpack('!H', p[12:14])[0] != 0x0800:
        bad.append('truncated or not IPv4'); continue
    ip = p[14:34]
    ver_ihl, tos, tot, ident, frag, ttl, proto = struct.unpack('!BBHHHBB', ip[:10])
    src = ip[15]
    host = str(src)
    n[host] = n.get(host, 0) + 1
    if ver_ihl != 0x45 or proto != 17: bad.append('outer not IPv4/UDP')
    if not frag & 0x4000: bad.append('no DF')
    if frag & 0x3fff: bad.append('a fragment')
    if ttl != 64: bad.append('TTL %d' % ttl)
    if tot > 1500: bad.append('IP length %d' % tot)
    if csum(ip) != 0xffff: bad.append('IP checksum')
    udp = p[34:42]
    sport, dport, ulen, usum = struct.unpack('!HHHH', udp)
    if dport != 4789 or ulen != tot - 20: bad.append('UDP header')
    if host == '1':
        pseudo = ip[12:20] + struct.pack('!BBH', 0, 17, ulen)
        if usum == 0 or csum(pseudo + p[34:14 + tot]) != 0xffff:
            bad.append('host1 UDP checksum missing or wrong')
    elif usum != 0:
        bad.append('host2 sent a UDP checksum')
    vx = p[42:50]
    if vx[0] != 8 or vx[1:4] != b'\0\0\0' or vx[4:8] != b'\0\0\0\0':
        bad.append('VXLAN header')
    inner = p[50:]
    if len(inner) >= 54 and struct.unpack('!H', inner[12:14])[0] == 0x0800 \
       and inner[23] == 6:
        ihl = (inner[14] & 15) * 4
        t = inner[14 + ihl:]
        key = (inner[26:30], inner[30:34], t[0:2], t[2:4])
        ports.setdefault((host, key), set()).add(sport)
multi = [k for k, v in ports.items() if len(v) != 1]
h1 = set(next(iter(v)) for (h, _), v in ports.items() if h == '1')
flows1 = [k for k in ports if k[0] == '1']
print('packets', n, 'inner TCP connections', len(ports),
      'host1 source ports', sorted(h1))
for b in sorted(set(bad)):
    print('BAD:', b, bad.count(b))
if multi: print('BAD: an inner connection with several source ports')
if len(flows1) < 3 or len(h1) < 2:
    print('BAD: fewer than 3 connections or 2 source ports from host1')
if n.get('1', 0) < 1000 or n.get('2', 0) < 100:
    print('BAD: too few packets captured')
EOPY
cat "$T/verdict"
check "the underlay capture has correct outer headers" \
	eval "! grep -q BAD $T/verdict && grep -q packets $T/verdict"
finish
