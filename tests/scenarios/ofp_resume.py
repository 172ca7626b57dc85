#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""NXT_RESUME on a bridge's management socket, in OpenFlow 1.0, 1.3 and
1.5: a packet-out whose controller(pause) action sends this connection a
packet-in2 with a continuation; that continuation sent back as it came
(accepted), with its bridge changed (stale), and forged ones (no
continuation, unknown or cut properties, bad actions, no packet...).
Prints, for each, the error the switch answers with ("none" if it
accepts) and whether an echo is answered afterwards.  ofp_pin2.sh runs
it against real Open vSwitch and against microvs and compares.

Usage: ofp_resume.py SOCKET
       ofp_resume.py --send IFACE WORD   (a frame of type 0x88b5 saying WORD)
       ofp_resume.py --recv IFACE WORD SECS   (prints the words of the
                     0x88b5 frames IFACE receives until WORD or SECS)"""
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ofp_async  # noqa: E402  (nx: a Nicira message's body)
import ofp_malformed  # noqa: E402  (its Conn: hello, framing, echo)

OFPT_VENDOR, OFPT_SET_CONFIG, OFPT_PACKET_OUT = 4, 9, 13
NXT_SET_PACKET_IN_FORMAT, NXT_PACKET_IN2, NXT_RESUME = 16, 30, 28
NXPINT_PACKET, NXPINT_METADATA, NXPINT_CONTINUATION = 0, 6, 8
NXCPT_BRIDGE, NXCPT_TABLE_ID, NXCPT_COOKIE = 0x8000, 0x8004, 0x8005
NXCPT_ACTIONS = 0x8006
FRAME = bytes.fromhex("505400000003505400000002") + b"\x88\xb5" + \
    b"resume".ljust(46, b".")


def prop(ptype, value, nested=False):
    body = (b"\0" * 4 if nested else b"") + value
    return (struct.pack("!HH", ptype, 4 + len(body)) + body +
            b"\0" * (-(4 + len(body)) % 8))


def raw_prop(ptype, length, value=b""):
    """A property whose length says @length, whatever follows."""
    data = struct.pack("!HH", ptype, length) + value
    return data + b"\0" * (-len(data) % 8)


def pause_packet_out(c):
    """A packet-out of FRAME from port 1 with controller(pause),
    output:2 (NXAST_CONTROLLER2 with NXAC2PT_PAUSE)."""
    ctrl2 = struct.pack("!HHIH6x", 0xffff, 24, ofp_async.NX_VENDOR, 37) + \
        struct.pack("!HH4x", 4, 4)
    if c.version == 1:
        out2 = struct.pack("!HHHH", 0, 8, 2, 0)
        head = struct.pack("!IHH", 0xffffffff, 1, len(ctrl2) + len(out2))
    else:
        out2 = struct.pack("!HHIH6x", 0, 16, 2, 0)
        head = struct.pack("!IIH6x", 0xffffffff, 1, len(ctrl2) + len(out2))
    if c.version >= 6:  # the input port in a match
        head = struct.pack("!IH2x", 0xffffffff, len(ctrl2) + len(out2)) + \
            struct.pack("!HHII4x", 1, 12, 0x80000004, 1)
    return head + ctrl2 + out2 + FRAME


def paused_packet_in(c):
    """Sends the packet-out; returns the packet-in2's properties."""
    c.send(c.msg(OFPT_VENDOR, ofp_async.nx(NXT_SET_PACKET_IN_FORMAT,
                                     struct.pack("!I", 2))))
    c.send(c.msg(OFPT_SET_CONFIG, struct.pack("!HH", 0, 0xffff)))
    c.send(c.msg(OFPT_PACKET_OUT, pause_packet_out(c), xid=80))
    while True:
        _, t, _, _, body = c.recv()
        if t == OFPT_VENDOR and body[4:8] == struct.pack("!I",
                                                         NXT_PACKET_IN2):
            return body[8:]


def split_props(data):
    props = []
    while data:
        ptype, plen = struct.unpack("!HH", data[:4])
        padded = (plen + 7) // 8 * 8
        props.append((ptype, data[:plen]))
        data = data[padded:]
    return props


def with_bridge(cont, bridge):
    """@cont (the continuation's inside) with NXCPT_BRIDGE's value
    replaced."""
    out = b""
    for ptype, p in split_props(cont):
        if ptype == NXCPT_BRIDGE:
            p = p[:4] + bridge
        out += p + b"\0" * (-len(p) % 8)
    return out


def frame(word):
    return FRAME[:14] + word.encode().ljust(46, b".")


def send(iface, word):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(frame(word))


def recv(iface, word, secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(0x88b5))
    s.bind((iface, 0))
    print("listening", flush=True)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            data = s.recv(2048)
        except socket.timeout:
            break
        if data[12:14] != b"\x88\xb5":
            continue
        got = data[14:].rstrip(b".\0").decode(errors="replace")
        print("received", got, flush=True)
        if got == word:
            return


def main():
    if sys.argv[1] == "--send":
        send(sys.argv[2], sys.argv[3])
        return 0
    if sys.argv[1] == "--recv":
        recv(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return 0
    path = sys.argv[1]
    bogus = bytes(range(1, 17))
    bad_action = struct.pack("!HH4x", 0x7777, 8)
    for version in (1, 4, 6):
        c = ofp_malformed.Conn(path, version)
        pin = paused_packet_in(c)
        props = dict(split_props(pin))
        cont = props[NXPINT_CONTINUATION][8:]
        meta = props.get(NXPINT_METADATA, b"")[4:]
        packet = prop(NXPINT_PACKET, FRAME)
        print("v%d: a packet-in2 with a continuation: %s" %
              (version, NXPINT_CONTINUATION in props))

        def resume(inside, extra=b"", pkt=packet, md=meta):
            body = pkt + (prop(NXPINT_METADATA, md) if md else b"") + extra
            if inside is not None:
                body += prop(NXPINT_CONTINUATION, inside, nested=True)
            return ofp_async.nx(NXT_RESUME, body)

        cases = [
            ("the continuation as it came", resume(cont)),
            ("its bridge changed", resume(with_bridge(cont, bogus))),
            ("its bridge zero", resume(with_bridge(cont, b"\0" * 16))),
            ("no continuation", resume(None)),
            ("an empty continuation", resume(b"")),
            ("no packet", resume(cont, pkt=b"")),
            ("an unknown packet-in2 property", resume(cont,
                                                      prop(20, b"x"))),
            ("a continuation property of 4 bytes",
             ofp_async.nx(NXT_RESUME, packet + raw_prop(NXPINT_CONTINUATION, 4))),
            ("an unknown continuation property",
             resume(cont + prop(0x8010, b"abcd"))),
            ("a continuation property cut",
             resume(cont + raw_prop(NXCPT_TABLE_ID, 3))),
            ("a property longer than the continuation",
             resume(cont + raw_prop(NXCPT_TABLE_ID, 64, b"\1"))),
            ("a bridge of 8 bytes", resume(prop(NXCPT_BRIDGE, bogus[:8]))),
            ("a table id of 0 bytes",
             resume(cont + raw_prop(NXCPT_TABLE_ID, 4))),
            ("a cookie of 8 bytes",
             resume(cont + prop(NXCPT_COOKIE, b"\0" * 8))),
            ("an unknown action",
             resume(cont + prop(NXCPT_ACTIONS, bad_action, nested=True))),
            ("actions of 6 bytes",
             resume(cont + prop(NXCPT_ACTIONS, b"\0" * 6, nested=True))),
            ("the continuation again", resume(cont)),
        ]
        for name, body in cases:
            print("v%d %s: %s, echo %s" %
                  (version, name, c.outcome(OFPT_VENDOR, body),
                   "answered" if c.echo_ok() else "lost"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
