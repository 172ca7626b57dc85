# SPDX-License-Identifier: Apache-2.0
"""Test frames with valid checksums, as hex, one NAME=HEX line each
(sourced by the guest tests through eval)."""
import struct


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(t, dst=b"\x02\0\0\0\0\x02", src=b"\x02\0\0\0\0\x01"):
    return dst + src + struct.pack("!H", t)


def ipv4(proto, l4, src=(10, 0, 0, 1), dst=(10, 0, 0, 2)):
    h = struct.pack("!BBHHHBBH4B4B", 0x45, 0, 20 + len(l4), 1, 0, 64,
                    proto, 0, *src, *dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h, bytes(src) + bytes(dst)


def l4sum(pseudo_addrs, proto, l4, at):
    ph = pseudo_addrs + struct.pack("!BBH", 0, proto, len(l4))
    if len(pseudo_addrs) == 32:
        ph = pseudo_addrs + struct.pack("!IxxxB", len(l4), proto)
    c = csum(ph + l4)
    return l4[:at] + struct.pack("!H", c) + l4[at + 2:]


def v4(proto, l4, at, zero=False):
    ip, addrs = ipv4(proto, l4)
    if at is not None and not zero:
        l4 = l4sum(addrs, proto, l4, at)
    return eth(0x0800) + ip + l4


def v6(proto, l4, at):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + src + dst
    return eth(0x86DD) + ip + l4sum(src + dst, proto, l4, at)


payload = b"microvs kmod test payload"
tcp = struct.pack("!HHIIBBHHH", 1234, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
udp = struct.pack("!HHHH", 5353, 53, 8 + len(payload), 0)
icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
frames = {
    "tcp4": v4(6, tcp + payload, 16),
    "udp4": v4(17, udp + payload, 6),
    "udp4z": v4(17, udp + payload, 6, zero=True),
    "icmp4": v4(1, icmp, None),
    "tcp6": v6(6, tcp + payload, 16),
    "icmp6": v6(58, struct.pack("!BBHHH", 128, 0, 0, 1, 1) + payload, 2),
}
u = frames["udp4"]
frames["vlan4"] = u[:12] + struct.pack("!HH", 0x8100, 100) + u[12:]
for name, f in frames.items():
    print("%s=%s" % (name, f.hex()))
