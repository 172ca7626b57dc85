# SPDX-License-Identifier: Apache-2.0
"""Crafted tunnel frames for every outer/inner ECN combination (tnl_ecn.sh).

  tnl_ecn.py send TYPE DEV SMAC DMAC SRC DST VMAC VMIP
      writes onto DEV (a host's underlay) TYPE frames, VXLAN (UDP 4789),
      Geneve (UDP 6081, one 4-byte option) or GRE (Ethernet, no key), from SRC to DST (the outer
      IPv4 addresses, Ethernet SMAC to DMAC: SMAC the sender's own, since
      Open vSwitch learns the remote's MAC from its tunnel packets), each carrying a UDP
      datagram to port 9999 for the VM (Ethernet VMAC, IPv4 VMIP, or
      IPv6 2001:db8::N with N the last byte of VMIP): outer ECN 0-3 times
      inner ECN 0-3, with DSCP 0x28 inside; the payload names the case
      ("vxlan-4-o3-i2": VXLAN, inner IPv4, outer CE, inner ECT(0)).
  tnl_ecn.py recv TYPE DEV READY
      creates the file READY once it listens on DEV, then prints "CASE TOS
      CSUM" for each such datagram seen: the inner TOS/traffic class as
      received and, for IPv4, whether the IP header checksum is right
      ("ok"/"bad"; "-" for IPv6).  It stops when every case that must
      arrive has, and the sender's last datagram ("TYPE-done", sent after
      the cases) too, or after 20 s.
  tnl_ecn.py verdict TYPE FILE [FILE2]
      checks FILE (TYPE's cases) against RFC 6040's decapsulation as
      Linux and Open vSwitch apply it: outer CE with a Not-ECT inner packet is dropped,
      outer CE with an ECT inner packet arrives CE, everything else
      arrives as sent, every IPv4 checksum right; with FILE2, also that
      both saw the same.  Prints "BAD: ..." lines for what is wrong.
"""
import socket
import struct
import sys
import time

from pcaplib import csum

DSCP = 0x28


def cases(tname):
    if tname in ('vxlan', 'geneve', 'gre'):
        for v in (4, 6):
            for o in range(4):
                for i in range(4):
                    yield '%s-%d-o%d-i%d' % (tname, v, o, i), tname, v, o, i


def expected(o, i):
    """The inner ECN after decapsulation, None: dropped."""
    if o == 3:
        return None if i == 0 else 3
    return i


def ipv4(proto, tos, src, dst, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), 1,
                    0x4000, 64, proto, 0, src, dst)
    return h[:10] + struct.pack('!H', ~csum(h) & 0xffff) + h[12:] + payload


def ipv6(nh, tclass, src, dst, payload):
    vtf = 6 << 28 | tclass << 20
    return struct.pack('!IHBB16s16s', vtf, len(payload), nh, 64, src,
                       dst) + payload


def udp(sport, dport, payload):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload


def send(tname, dev, smac, dmac, src, dst, vmac, vmip):
    mac = lambda s: bytes.fromhex(s.replace(':', ''))
    imac = bytes.fromhex('027700000099')
    n = int(vmip.split('.')[-1])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    for name, _, v, o, i in list(cases(tname)) + [
            (tname + '-done', tname, 4, 0, 0)]:
        dgram = udp(9999, 9999, name.encode())
        if v == 4:
            inner = mac(vmac) + imac + b'\x08\x00' + ipv4(
                17, DSCP | i, socket.inet_aton('10.77.0.99'),
                socket.inet_aton(vmip), dgram)
        else:
            a = socket.inet_pton(socket.AF_INET6, '2001:db8::99')
            b = socket.inet_pton(socket.AF_INET6, '2001:db8::%d' % n)
            inner = mac(vmac) + imac + b'\x86\xdd' + ipv6(
                17, DSCP | i, a, b, dgram)
        if tname == 'gre':
            # Transparent Ethernet bridging, no key, no checksum.
            outer = ipv4(47, o, socket.inet_aton(src),
                         socket.inet_aton(dst), b'\0\0\x65\x58' + inner)
        elif tname == 'vxlan':
            hdr, port = b'\x08\0\0\0\0\0\0\0', 4789
        else:
            # One option (class 0xffff, type 0, 4 bytes of data).
            hdr, port = (b'\x02\x00\x65\x58\0\0\0\0' +
                         b'\xff\xff\x00\x01' + b'\x01\x02\x03\x04'), 6081
        if tname != 'gre':
            outer = ipv4(17, o, socket.inet_aton(src),
                         socket.inet_aton(dst),
                         udp(40000 + o * 4 + i, port, hdr + inner))
        for _ in range(2):
            s.send(mac(dmac) + mac(smac) + b'\x08\x00' + outer)
            time.sleep(0.002)


def recv(tname, dev, ready):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 0))
    s.settimeout(0.2)
    open(ready, 'w').close()
    want = set(c for c, _, _, o, i in cases(tname)
               if expected(o, i) is not None) | {tname + '-done'}
    end = time.time() + 20
    seen = {}
    while time.time() < end and not want <= set(seen):
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        et = struct.unpack('!H', f[12:14])[0]
        if et == 0x0800 and f[23] == 17:
            l4 = 14 + (f[14] & 15) * 4
            tos, ok = f[15], 'ok' if csum(f[14:l4]) == 0xffff else 'bad'
        elif et == 0x86dd and f[20] == 17:
            l4 = 54
            tos, ok = (struct.unpack('!I', f[14:18])[0] >> 20) & 0xff, '-'
        else:
            continue
        if struct.unpack('!H', f[l4 + 2:l4 + 4])[0] != 9999:
            continue
        name = f[l4 + 8:].decode(errors='replace')
        seen.setdefault(name, '%s %#04x %s' % (name, tos, ok))
    seen.pop(tname + '-done', None)
    for line in sorted(seen.values()):
        print(line)
    sys.stdout.flush()


def load(name):
    got = {}
    for line in open(name):
        c, tos, ok = line.split()
        got[c] = (int(tos, 16), ok)
    return got


def verdict(tname, name, other=None):
    got = load(name)
    for c, _, v, o, i in cases(tname):
        want = expected(o, i)
        if want is None:
            if c in got:
                print('BAD: %s arrived (%#04x); it must be dropped' %
                      (c, got[c][0]))
            continue
        if c not in got:
            print('BAD: %s did not arrive' % c)
            continue
        tos, ok = got[c]
        if tos != DSCP | want:
            print('BAD: %s arrived with TOS %#04x, not %#04x' %
                  (c, tos, DSCP | want))
        if v == 4 and ok != 'ok':
            print('BAD: %s arrived with a bad IP checksum' % c)
    if other is not None and load(other) != got:
        print('BAD: %s and %s differ' % (name, other))


if __name__ == '__main__':
    if sys.argv[1] == 'send':
        send(*sys.argv[2:10])
    elif sys.argv[1] == 'recv':
        recv(*sys.argv[2:5])
    else:
        verdict(*sys.argv[2:5])
