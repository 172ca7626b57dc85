#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sends bad frames out of IFACE with a raw socket, as a test's host
would put them on the wire: a bad IHL, a short TCP header, an IP length
past the end, VLAN stacking cut short, three VLAN tags (Open vSwitch
parses two; the third TPID is the frame's type: no error), an IPv6
header cut short, and, with --jumbo, a 3034-byte frame (above a
1500-byte MTU) and two runts (which the kernel refuses to send: they are
reported, not sent).  Prints what it could not send.

    bad_frames.py [--jumbo] IFACE DST_MAC SRC_MAC SRC_IP DST_IP
"""
import socket
import struct
import sys


def main(argv):
    jumbo = "--jumbo" in argv
    iface, dst, src, sip, dip = [a for a in argv[1:] if a != "--jumbo"]
    dst, src = (bytes.fromhex(m.replace(":", "")) for m in (dst, src))
    sip, dip = socket.inet_aton(sip), socket.inet_aton(dip)

    def ip(ihl=5, tot=None, proto=6, payload=b""):
        tot = tot if tot is not None else ihl * 4 + len(payload)
        h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, 1, 0, 64,
                        proto, 0, sip, dip)
        return h + b"\0" * max(0, ihl * 4 - 20) + payload

    eth = dst + src
    frames = [
        eth + b"\x08\x00" + ip(ihl=3, payload=b"x" * 20),
        eth + b"\x08\x00" + ip(payload=b"\0" * 8),
        eth + b"\x08\x00" + ip(tot=400, payload=b"\0" * 20),
        eth + b"\x81\x00\x00\x05\x81\x00\x00",
        eth + b"\x81\x00\x00\x05\x88\xa8\x00\x06\x81\x00\x00\x07\x08\x00"
        + ip(payload=b"\0" * 20),
        eth + b"\x86\xdd" + b"\x60" + b"\0" * 10,
    ]
    if jumbo:
        frames += [eth + b"\x08\x00" + ip(proto=17, payload=b"\0" * 3000),
                   eth, dst + src[:2]]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    for f in frames:
        try:
            s.send(f)
            sent += 1
        except OSError as e:
            print("frame of %d bytes not sent: %s" % (len(f), e))
    print("bad frames sent:", sent)


if __name__ == "__main__":
    main(sys.argv)
