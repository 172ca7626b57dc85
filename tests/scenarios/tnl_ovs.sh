#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interop with a real Open vSwitch host: host 1 runs microvs (the S7
# layout, tnllib.sh), host 2 Debian's Open vSwitch 3.1 with the userspace
# datapath (TNL_OVS_HOST2=1: br-phy holding the cable and the underlay
# address, br-int with vm2 and the tunnel port, all of it under $T/ovs).
# The VMs ping both ways; iperf3 and a 16 MB checked stream cross in each
# direction; tcpdump on the underlay decodes both sides' packets as TYPE;
# and the outer headers microvs sends look like Open vSwitch's (DF, TTL,
# TOS, UDP checksum, the tunnel header's flags and key, one UDP source port
# per inner connection, in the same range).
# Usage: tnl_ovs.sh [vxlan|gre|geneve] [OPTIONS]
#   OPTIONS: "options:k=v ..." words for both sides' tunnel port.
TYPE=${1:-vxlan}
OPTS=${2:-}
P=to${TYPE:0:2}$$
. "$(dirname "$0")/../system/lib.sh"
need_root
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }
. "$(dirname "$0")/hostslib.sh"
. "$(dirname "$0")/tnllib.sh"
. "$(dirname "$0")/streamlib.sh"
TNL_OVS_HOST2=1 tnl_hosts "$TYPE" "$OPTS" "$OPTS"
check "vm1 (microvs) pings vm2 (Open vSwitch) across $TYPE" ping_soon vm1 10.77.0.2
check "vm2 pings vm1" ping_ok vm2 10.77.0.1

# Open vSwitch 3.1's userspace datapath reads the veths with packet
# sockets and no virtio-net header: a frame vm2 leaves to checksum
# offload or segmentation goes out with a partial checksum or too long.
# vm2 does without them (as bench/tunnels does for Open vSwitch); vm1
# keeps the veth's defaults, which microvs handles.
ip netns exec "$P-vm2" ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1
case $TYPE in
vxlan) filter='udp port 4789' ;;
geneve) filter='udp port 6081' ;;
gre) filter='proto gre' ;;
esac
# Each datapath sends with packet sockets that the sender's own capture
# may not see: each host's capture shows what the other sent.
dumps=()
for h in 1 2; do
	ip netns exec "$P-host$h" tcpdump -i eth0 -nn -s 0 -B 16384 -c 30000 \
		-w "$T/underlay$h.pcap" "$filter" >/dev/null 2>&1 &
	dumps+=($!)
done
sleep 1
ping_ok vm1 10.77.0.2
# Inner TOS values for options:tos=inherit: DSCP EF with ECT(1), and a
# DSCP with CE (which a tunnel must not copy out as CE).
for tos in 0xb9 0x2b; do
	for h in 1 2; do
		ip netns exec "$P-vm$h" ping -c 2 -i 0.2 -W 2 -q -Q $tos \
			10.77.0.$((3 - h)) >/dev/null 2>&1
	done
done
for dir in "1 2" "2 1"; do
	set -- $dir
	ip netns exec "$P-vm$2" iperf3 -s -1 -B 10.77.0.$2 >/dev/null 2>&1 &
	wait_listen "$P-vm$2" 5201
	if ip netns exec "$P-vm$1" timeout 30 iperf3 -c 10.77.0.$2 -t 2 -P 2 \
		-J >"$T/iperf.json" 2>&1; then
		bps=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second']))" "$T/iperf.json")
		check "iperf3 (2 streams) vm$1 to vm$2: $((bps / 1000000)) Mbit/s" \
			[ "$bps" -gt 0 ]
	else
		fail "iperf3 vm$1 to vm$2 inside $TYPE"
		tail -5 "$T/iperf.json"
	fi
	check "16 MB over TCP from vm$1 to vm$2 arrive intact" \
		checked_stream "ip netns exec $P-vm$2" "ip netns exec $P-vm$1" \
		10.77.0.$2
done
sleep 0.5
kill -INT "${dumps[@]}" 2>/dev/null
wait "${dumps[@]}" 2>/dev/null
case $TYPE in
vxlan) want='VXLAN, flags \[I\] (0x08), vni' port=.4789 ;;
geneve) want='Geneve, Flags \[[^]]*\], vni 0x' port=.6081 ;;
gre) want='GREv0, Flags \[[^]]*\]' port= ;;
esac
tcpdump -r "$T/underlay2.pcap" -nn -v 2>/dev/null >"$T/decoded"
tcpdump -r "$T/underlay1.pcap" -nn -v 2>/dev/null >>"$T/decoded"
check "tcpdump decodes microvs's packets as $TYPE" eval \
	"grep '192.168.77.1[.0-9]* > 192.168.77.2$port: $want' $T/decoded | grep -q ."
check "and Open vSwitch's" eval \
	"grep '192.168.77.2[.0-9]* > 192.168.77.1$port: $want' $T/decoded | grep -q ."

# The outer headers of each side, reduced to what a sender chooses (DF,
# fragment bits, TTL, TOS, whether the IP id is 0, the UDP checksum's
# presence and correctness, the tunnel header with its flags and key):
# microvs's set must equal Open vSwitch's.  And each side gives each
# inner connection one UDP source port, in 32768..60999.
PYTHONPATH=$(dirname "$0") python3 - "$TYPE" "$T/underlay1.pcap" \
	"$T/underlay2.pcap" >"$T/verdict" 2>&1 <<'EOPY'
import collections, struct, sys
from pcaplib import csum, packets
prof = collections.defaultdict(set)
count = collections.Counter()
ports = collections.defaultdict(set)
bad = []
for p in (x for f in sys.argv[2:] for x, cl, wl in packets(f) if cl == wl):
    if struct.unpack('!H', p[12:14])[0] != 0x0800: continue
    ip = p[14:34]
    vi, tos, tot, ident, frag, ttl, proto = struct.unpack('!BBHHHBB', ip[:10])
    h = ip[15]
    count[h] += 1
    f = prof[h]
    f.add('ihl=%#x df=%d frag=%#x ttl=%d tos=%#x id0=%d ipcsum=%s' % (
        vi, frag >> 14 & 1, frag & 0xbfff, ttl, tos, ident == 0,
        csum(ip) == 0xffff))
    if tot > 1500: bad.append('host%d: IP length %d' % (h, tot))
    inner = None
    if proto == 17:
        sport, dport, ulen, usum = struct.unpack('!HHHH', p[34:42])
        pseudo = ip[12:20] + struct.pack('!BBH', 0, 17, ulen)
        f.add('udp dport=%d csum=%s' % (dport, 'none' if usum == 0 else
              csum(pseudo + p[34:14 + tot]) == 0xffff))
        if dport == 4789:
            f.add('vxlan %s' % p[42:50].hex()); inner = p[50:]
        else:
            optlen = (p[42] & 0x3f) * 4
            f.add('geneve %s' % p[42:50].hex()); inner = p[50 + optlen:]
        if not 32768 <= sport < 61000:
            bad.append('host%d: UDP source port %d' % (h, sport))
    elif proto == 47:
        gf = struct.unpack('!H', p[34:36])[0]
        n, key = 4, ''
        gcsum = 'none'
        if gf & 0x8000:
            gcsum = csum(p[34:14 + tot]) == 0xffff; n += 4
        if gf & 0x2000:
            key = p[34 + n:38 + n].hex(); n += 4
        f.add('gre %s csum=%s key=%s' % (p[34:38].hex(), gcsum, key))
        inner = p[34 + n:]
    else:
        bad.append('host%d: outer protocol %d' % (h, proto)); continue
    if proto == 17 and inner and len(inner) >= 54 and \
       struct.unpack('!H', inner[12:14])[0] == 0x0800 and inner[23] == 6:
        t = inner[14 + (inner[14] & 15) * 4:]
        ports[(h, inner[26:34], t[0:4])].add(sport)
for h in (1, 2):
    print('host%d (%s): %d packets' % (h, 'microvs' if h == 1 else 'Open vSwitch', count[h]))
    for x in sorted(prof[h]): print('   ', x)
if prof[1] != prof[2]:
    print('BAD: the outer headers differ:', sorted(prof[1] ^ prof[2]))
if count[1] < 100 or count[2] < 100:
    print('BAD: too few packets captured')
for k, v in ports.items():
    if len(v) != 1: bad.append('host%d: an inner connection on %d source ports' % (k[0], len(v)))
for h in (1, 2):
    if len([k for k in ports if k[0] == h]) < 3 and sys.argv[1] != 'gre':
        bad.append('host%d: fewer than 3 inner TCP connections seen' % h)
for b in sorted(set(bad)): print('BAD:', b)
EOPY
cat "$T/verdict"
check "microvs's outer headers are Open vSwitch's (DF, TTL, TOS, id, checksums, flags, key, source ports)" \
	eval "! grep -q BAD $T/verdict && grep -q packets $T/verdict"

# Geneve options as OpenFlow fields, both sides with the same TLV map:
# each side puts its own tun_metadata0 value on what it sends and takes
# in only the other side's (microvs 0x1111, Open vSwitch 0x2222).
if [ "$TYPE" = geneve ]; then
	of1() { env MICROVS_RUNDIR="$T/h1/run" "$B/ctl/ovs-ofctl" "$@"; }
	map="{class=0xffff,type=0,len=4}->tun_metadata0"
	check "both sides map class 0xffff type 0 to tun_metadata0" eval \
		"of1 add-tlv-map br-tun '$map' && ovs-ofctl add-tlv-map br-int '$map'"
	# tun_flows OFCTL BRIDGE PORT SEND ACCEPT
	tun_flows() {
		printf '%s\n' "in_port=$3,actions=set_field:$4->tun_metadata0,output:geneve0" \
			"priority=10,in_port=geneve0,tun_metadata0=$5,actions=output:$3" \
			"priority=5,in_port=geneve0,actions=drop" >"$T/flows"
		$1 replace-flows "$2" "$T/flows"
	}
	check "microvs: flows on tun_metadata0" tun_flows of1 br-tun patch-int 0x1111 0x2222
	check "Open vSwitch: flows on tun_metadata0" tun_flows ovs-ofctl br-int vm2 0x2222 0x1111
	ip netns exec "$P-host2" tcpdump -i eth0 -nn -s 0 --immediate-mode -w "$T/opts.pcap" \
		'udp port 6081' >/dev/null 2>&1 &
	optdump=$!
	sleep 1
	check "vm1 pings vm2 with each side's option" ping_ok vm1 10.77.0.2
	sleep 0.5
	kill -INT $optdump 2>/dev/null
	wait $optdump 2>/dev/null
	PYTHONPATH=$(dirname "$0") python3 - "$T/opts.pcap" >"$T/opts" <<'EOPY'
import struct, sys
from pcaplib import packets
seen = set()
for p, cl, wl in packets(sys.argv[1]):
    if struct.unpack('!H', p[12:14])[0] != 0x0800: continue
    g = p[14 + (p[14] & 15) * 4 + 8:]
    seen.add('%s %s' % (p[26:30].hex(), g[8:8 + (g[0] & 0x3f) * 4].hex()))
for s in sorted(seen): print(s)
EOPY
	cat "$T/opts"
	check "on the underlay: microvs sends 0x1111, Open vSwitch 0x2222, each only" \
		eval "[ \"\$(tr '\n' ' ' <$T/opts)\" = 'c0a84d01 ffff000100001111 c0a84d02 ffff000100002222 ' ]"
	# The megaflows that took the other side's option in, with the
	# value (each side's is the other's) left out: the same forms.
	gnv() { grep -o 'geneve({[^)]*)' | sed 's/0x1111\|0x2222/V/g' | sort -u; }
	ovs_appctl dpctl/dump-flows | gnv >"$T/gnv.ovs"
	hostctl 1 dpctl/dump-flows | gnv >"$T/gnv.mvs"
	cat "$T/gnv.ovs"
	check "microvs's megaflows match the option as Open vSwitch's do" \
		eval "[ -s $T/gnv.ovs ] && diff -u $T/gnv.ovs $T/gnv.mvs"
	check "Open vSwitch taking in 0x3333 only: the ping fails" \
		tun_flows ovs-ofctl br-int vm2 0x2222 0x3333
	check "vm1 no longer reaches vm2" eval "! ping_ok vm1 10.77.0.2"
fi
finish
