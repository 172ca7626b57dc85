#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OpenFlow rewrites reach real packets: h1 sends UDP to h2 port 5000
# through a flow that changes the destination port (mod_tp_dst), the
# DSCP (mod_nw_tos), decrements the TTL (dec_ttl) and goes on in another
# table (goto_table, OpenFlow 1.3) that writes metadata a third table
# matches; h2's socket on the new port receives every datagram (so the
# IP and UDP checksums hold) with the new TOS and the TTL one lower, and
# nothing reaches the old port.  Before 2026-12-07 these actions did
# nothing in the datapath.
P=ofrw$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.74.0.1 && host h2 10.74.0.2 || { fail "hosts"; finish; }
check "br0 (netdev) with h1 and h2 as ports 1 and 2" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev -- \
	add-port br0 h1 -- set interface h1 ofport_request=1 -- \
	add-port br0 h2 -- set interface h2 ofport_request=2
OF() { sw env OVS_RUNDIR="$R/vswitchd" ovs-ofctl "$@"; }
check "flows: ARP normal; h2 -> h1; h1's UDP rewritten through tables 0, 1, 2" \
	OF -O OpenFlow13 add-flows br0 - <<'EOF'
priority=100,arp,actions=NORMAL
priority=90,in_port=2,actions=output:1
priority=80,in_port=1,actions=output:2
priority=90,in_port=1,udp,tp_dst=5000,actions=set_field:9999->udp_dst,set_field:8->ip_dscp,dec_ttl,goto_table:1
table=1,actions=write_metadata:0x7/0xff,goto_table:2
table=2,metadata=0x7/0xff,actions=output:2
EOF
# The receiver: a datagram per line, "port tos ttl payload".
cat >"$T/rx.py" <<'EOF'
import select, socket, sys
socks = []
for port in (5000, 9999):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    s.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL
    s.bind(("10.74.0.2", port))
    socks.append((port, s))
open(sys.argv[1] + ".ready", "w").close()
out = open(sys.argv[1], "w")
while True:
    r, _, _ = select.select([s for _, s in socks], [], [], 6)
    if not r:
        break
    for port, s in socks:
        if s in r:
            data, anc, _, _ = s.recvmsg(2048, 256)
            tos = ttl = -1
            for lvl, typ, val in anc:
                if typ == socket.IP_TOS:
                    tos = val[0]
                elif typ == socket.IP_TTL:
                    ttl = int.from_bytes(val[:4], sys.byteorder)
            out.write("%d %d %d %s\n" % (port, tos, ttl, data.decode()))
            out.flush()
EOF
ns h2 python3 "$T/rx.py" "$T/rx" &
SW_PIDS+=($!)
for _ in $(seq 50); do [ -e "$T/rx.ready" ] && break; sleep 0.1; done
check "h1 reaches h2 (ARP through NORMAL, replies back)" pings h1 10.74.0.2
ns h1 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 64)
for i in range(20):
    s.sendto(b"d%d" % i, ("10.74.0.2", 5000))
    time.sleep(0.02)
'
for _ in $(seq 50); do
	[ "$(wc -l <"$T/rx" 2>/dev/null)" -ge 20 ] && break
	sleep 0.1
done
sort -u "$T/rx" | head -5
check "20 datagrams arrived" test "$(wc -l <"$T/rx")" = 20
check "all on the rewritten port 9999, none on 5000" \
	test "$(awk '$1 == 9999' "$T/rx" | wc -l)" = 20
check "all with DSCP 8 (TOS 0x20)" \
	test "$(awk '$2 == 32' "$T/rx" | wc -l)" = 20
check "all with TTL 63 (sent with 64, one dec_ttl)" \
	test "$(awk '$3 == 63' "$T/rx" | wc -l)" = 20
oappctl revalidator/wait >/dev/null
OF -O OpenFlow13 dump-flows br0 table=2 >"$T/t2"
cat "$T/t2"
check "the metadata flow of table 2 counted them" \
	grep -q "n_packets=20," "$T/t2"
finish
