#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Asynchronous-message configuration on a bridge's management socket.

1. OFPT_GET_ASYNC_REQUEST before and after set-async messages in every
   form (OpenFlow 1.3's masks, 1.4's properties, Nicira's
   NXT_SET_ASYNC_CONFIG and NXT_SET_ASYNC_CONFIG2), good and bad: prints
   the error each gets ("none" if accepted) and the get-async reply's
   body in hex.
2. Delivery: connection "all" keeps the default configuration, "masked"
   masks OFPR_ACTION packet-ins, every flow-removed and port-status
   reason, "secondary" is a secondary with the default; a fourth
   connection sends a packet-out to the controller, adds and deletes a
   flow with send_flow_rem and port-mods port PORT: prints how many of
   each each connection got.

ofp_pin2.sh runs it against real Open vSwitch and against microvs and
compares the outputs.

Usage: ofp_async.py SOCKET PORT"""
import os
import select
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ofp_malformed  # noqa: E402  (its Conn: hello, framing, echo)

OFPT_VENDOR, OFPT_SET_CONFIG, OFPT_PACKET_IN = 4, 9, 10
OFPT_FLOW_REMOVED, OFPT_PORT_STATUS, OFPT_PACKET_OUT = 11, 12, 13
OFPT_FLOW_MOD, OFPT_PORT_MOD, OFPT_MULTIPART = 14, 16, 18
GET_ASYNC, GET_ASYNC_REPLY, SET_ASYNC = 26, 27, 28
NX_VENDOR, NXT_SET_ASYNC_CONFIG, NXT_SET_ASYNC_CONFIG2 = 0x2320, 19, 27
NXT_ROLE_REQUEST, NXT_PACKET_IN2 = 10, 30


def nx(subtype, body):
    return struct.pack("!II", NX_VENDOR, subtype) + body


def masks(*m):
    """The mask form: packet-in, port-status, flow-removed masks, each
    primary then secondary."""
    return struct.pack("!6I", *m)


def prop(ptype, mask, length=8):
    body = struct.pack("!I", mask) + b"\0" * (length - 8)
    pad = b"\0" * (-length % 8)
    return struct.pack("!HH", ptype, length) + body[:max(length - 4, 0)] + pad


def exp_prop(ptype, experimenter, exp_type, mask):
    return struct.pack("!HHIII", ptype, 16, experimenter, exp_type, mask)


def get_async(c):
    c.send(c.msg(GET_ASYNC, b"", xid=60))
    while True:
        _, t, _, xid, body = c.recv()
        if xid == 60:
            if t == GET_ASYNC_REPLY:
                return body.hex()
            return "type %d %s" % (t, body[:4].hex())


def config_cases():
    # (name, versions, message type, body)
    v14 = (5, 6)
    cases = [
        ("OFPT13_SET_ASYNC masks", (4,), SET_ASYNC,
         masks(0x1, 0x2, 0x5, 0x0, 0x3, 0x4)),
        ("OFPT13_SET_ASYNC, reasons 1.3 lacks (dropped)", (4,), SET_ASYNC,
         masks(0xff, 0xffffffff, 0xf, 0x8, 0xff, 0x40)),
        ("OFPT13_SET_ASYNC action only", (4,), SET_ASYNC,
         masks(0x2, 0x0, 0x0, 0x0, 0x0, 0x0)),
        ("NXT_SET_ASYNC_CONFIG", (1, 4, 5, 6), OFPT_VENDOR,
         nx(NXT_SET_ASYNC_CONFIG, masks(0x3, 0x1, 0x7, 0x7, 0x7, 0x1))),
        ("NXT_SET_ASYNC_CONFIG2 packet-in primary", (1, 4), OFPT_VENDOR,
         nx(NXT_SET_ASYNC_CONFIG2, prop(1, 0x1))),
        ("NXT_SET_ASYNC_CONFIG2 role status", (1, 4), OFPT_VENDOR,
         nx(NXT_SET_ASYNC_CONFIG2, prop(7, 0x7) + prop(6, 0x1))),
        ("NXT_SET_ASYNC_CONFIG2 1.4 reason in 1.0-1.3", (1, 4),
         OFPT_VENDOR, nx(NXT_SET_ASYNC_CONFIG2, prop(1, 0x8))),
        ("NXT_SET_ASYNC_CONFIG2 unknown type 12", (1, 4), OFPT_VENDOR,
         nx(NXT_SET_ASYNC_CONFIG2, prop(12, 0))),
        ("OFPT14_SET_ASYNC every kind", v14, SET_ASYNC,
         prop(0, 0x8) + prop(1, 0x3f) + prop(2, 0x1) + prop(3, 0x6) +
         prop(4, 0x10) + prop(5, 0x3f) + prop(6, 0x2) + prop(7, 0x7) +
         prop(8, 0x18) + prop(9, 0x8) + prop(10, 0x1) + prop(11, 0x3)),
        ("OFPT14_SET_ASYNC no properties", v14, SET_ASYNC, b""),
        ("OFPT14_SET_ASYNC packet-in 0x40", v14, SET_ASYNC, prop(1, 0x40)),
        ("OFPT14_SET_ASYNC flow-removed 0x7f", v14, SET_ASYNC,
         prop(5, 0x7f)),
        ("OFPT14_SET_ASYNC flow-removed 0x3f", v14, SET_ASYNC,
         prop(4, 0x3f)),
        ("OFPT14_SET_ASYNC port-status 0x8", v14, SET_ASYNC, prop(3, 0x8)),
        ("OFPT14_SET_ASYNC table-status 0x7", v14, SET_ASYNC, prop(9, 0x7)),
        ("OFPT14_SET_ASYNC role-status 0x8", v14, SET_ASYNC, prop(7, 0x8)),
        ("OFPT14_SET_ASYNC requestforward 0x4", v14, SET_ASYNC,
         prop(11, 0x4)),
        ("OFPT14_SET_ASYNC unknown type 12", v14, SET_ASYNC, prop(12, 0)),
        ("OFPT14_SET_ASYNC unknown type 0x100", v14, SET_ASYNC,
         prop(0x100, 0)),
        ("OFPT14_SET_ASYNC property of 12 bytes", v14, SET_ASYNC,
         prop(1, 0x1, 12)),
        ("OFPT14_SET_ASYNC property of 4 bytes", v14, SET_ASYNC,
         prop(1, 0x1, 4)),
        ("OFPT14_SET_ASYNC property of 3 bytes", v14, SET_ASYNC,
         struct.pack("!HH4x", 1, 3)),
        ("OFPT14_SET_ASYNC property longer than the message", v14,
         SET_ASYNC, struct.pack("!HHI", 1, 16, 1)),
        ("OFPT14_SET_ASYNC good then bad", v14, SET_ASYNC,
         prop(1, 0x2) + prop(3, 0x9)),
        ("OFPT14_SET_ASYNC experimenter 0xfffe", v14, SET_ASYNC,
         exp_prop(0xfffe, NX_VENDOR, 0, 1)),
        ("OFPT14_SET_ASYNC experimenter 0xffff", v14, SET_ASYNC,
         exp_prop(0xffff, NX_VENDOR, 1, 1)),
        ("OFPT14_SET_ASYNC experimenter id 0", v14, SET_ASYNC,
         exp_prop(0xffff, 0, 1, 1)),
        ("OFPT14_SET_ASYNC experimenter of 8 bytes", v14, SET_ASYNC,
         struct.pack("!HHI", 0xffff, 8, NX_VENDOR)),
        ("OFPT14_SET_ASYNC body of 4 bytes", v14, SET_ASYNC,
         struct.pack("!HH", 1, 4)),
        ("OFPT13_SET_ASYNC of 20 bytes", (4,), SET_ASYNC, masks(1, 2, 3, 4, 5, 6)[:20]),
        ("NXT_SET_ASYNC_CONFIG of 28 bytes", (1, 4), OFPT_VENDOR,
         nx(NXT_SET_ASYNC_CONFIG, masks(1, 2, 3, 4, 5, 6) + b"\0" * 4)),
    ]
    for version in (1, 4, 5, 6):
        c = ofp_malformed.Conn(sys.argv[1], version)
        if version >= 4:
            print("v%d default: %s" % (version, get_async(c)))
        for name, versions, t, body in cases:
            if version not in versions:
                continue
            res = c.outcome(t, body)
            got = get_async(c) if version >= 4 else "-"
            print("v%d %s: %s; %s; echo %s" %
                  (version, name, res, got,
                   "answered" if c.echo_ok() else "lost"))
        if version == 1:
            print("v1 OFPT_GET_ASYNC_REQUEST: %s" %
                  c.outcome(GET_ASYNC, b""))


def set_config(c, miss_send_len):
    c.send(c.msg(OFPT_SET_CONFIG, struct.pack("!HH", 0, miss_send_len)))


def port_hw_addr(c, port):
    c.send(c.msg(OFPT_MULTIPART, struct.pack("!HH4x", 13, 0), xid=70))
    while True:
        _, t, _, xid, body = c.recv()
        if xid != 70:
            continue
        body = body[8:]
        for i in range(0, len(body), 64):
            no, = struct.unpack("!I", body[i:i + 4])
            if no == port:
                return body[i + 8:i + 14]
        raise SystemExit("port %d not found" % port)


def drain(conns, secs):
    """Counts the asynchronous messages each connection gets until "all"
    has its packet-in, flow-removed and both port-status messages (the
    others get theirs in the same pass), @secs seconds at most."""
    names = {OFPT_PACKET_IN: "packet-in", OFPT_FLOW_REMOVED: "flow-removed",
             OFPT_PORT_STATUS: "port-status"}
    counts = {n: {k: 0 for k in names.values()} for n in conns}
    want = {"packet-in": 1, "flow-removed": 1, "port-status": 2}
    end = time.monotonic() + secs
    while counts["all"] != want:
        left = end - time.monotonic()
        if left <= 0:
            break
        socks = {conns[n].s: n for n in conns}
        ready, _, _ = select.select(list(socks), [], [], left)
        for s in ready:
            n = socks[s]
            _, t, _, _, body = conns[n].recv()
            if t == OFPT_VENDOR and body[4:8] == struct.pack(
                    "!I", NXT_PACKET_IN2):
                t = OFPT_PACKET_IN
            if t in names:
                counts[n][names[t]] += 1
    # What came to the others by now (an echo answered after it).
    for n in conns:
        c = conns[n]
        c.send(c.msg(ofp_malformed.OFPT_ECHO_REQUEST, b"", xid=0x77))
        while True:
            _, t, _, xid, _ = c.recv()
            if t == ofp_malformed.OFPT_ECHO_REPLY and xid == 0x77:
                break
            if t in names:
                counts[n][names[t]] += 1
    return counts


def delivery(port):
    path = sys.argv[1]
    conns = {n: ofp_malformed.Conn(path, 4)
             for n in ("all", "masked", "secondary")}
    for c in conns.values():
        set_config(c, 0xffff)
    print("masked set-async: %s" %
          conns["masked"].outcome(SET_ASYNC,
                  masks(0x1, 0x1, 0, 0, 0, 0)))
    sec = conns["secondary"]
    sec.send(sec.msg(OFPT_VENDOR, nx(NXT_ROLE_REQUEST,
                                     struct.pack("!I", 2))))
    for n, c in conns.items():
        print("%s: echo %s" % (n, "answered" if c.echo_ok() else "lost"))
    d = ofp_malformed.Conn(path, 4)
    frame = bytes.fromhex("505400000003505400000002") + b"\x88\xb5" + \
        b"\0" * 46
    out_ctrl = struct.pack("!HHIH6x", 0, 16, 0xfffffffd, 0xffff)
    d.send(d.msg(OFPT_PACKET_OUT, struct.pack("!IIH6x", 0xffffffff, port,
                                              len(out_ctrl)) +
                 out_ctrl + frame))
    match = struct.pack("!HH4x", 1, 4)

    def flow_mod(cmd, flags):
        return struct.pack("!QQBBHHHIIIH2x", 0x99, 0, 7, cmd, 0, 0, 123,
                           0xffffffff, 0xffffffff, 0xffffffff,
                           flags) + match
    print("flow add: %s" % d.outcome(OFPT_FLOW_MOD, flow_mod(0, 1)))
    print("flow delete: %s" % d.outcome(OFPT_FLOW_MOD, flow_mod(4, 0)))
    hw = port_hw_addr(d, port)
    for config in (0x20, 0):  # OFPPC_NO_PACKET_IN, then back
        body = struct.pack("!I4x6s2xIII4x", port, hw, config, 0x20, 0)
        print("port-mod %#x: %s" % (config, d.outcome(OFPT_PORT_MOD, body)))
    counts = drain(conns, 10)
    for n in conns:
        print("%s got: %s" % (n, ", ".join(
            "%s %d" % kv for kv in sorted(counts[n].items()))))


def main():
    config_cases()
    delivery(int(sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
