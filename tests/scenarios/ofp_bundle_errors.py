#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Crafted bundle conversations on a bridge's management socket, over
OpenFlow 1.3 (ONF's bundle extension), 1.4 and 1.5: for each case a few
bundle-control and bundle-add messages and then a barrier; prints every
reply the switch sends before the barrier's (a bundle-control reply's
type, an error's type and code, each with the step it answers) and
whether an echo is answered afterwards.  ofp_bundles.sh runs it against
real Open vSwitch and against microvs and compares the outputs.

Usage: ofp_bundle_errors.py SOCKET [--undo]
       ofp_bundle_errors.py --samples   (messages in hex for ofp-print)
       ofp_bundle_errors.py SOCKET --idle   (the idle timeout: 10 s)"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ofp_malformed  # noqa: E402  (its Conn: hello, framing, echo)

OF10, OF13, OF14, OF15 = 1, 4, 5, 6
OFPT_BARRIER10 = 18
OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_EXPERIMENTER = 1, 2, 4
OFPT_FLOW_MOD, OFPT_PORT_MOD13, OFPT_BARRIER13 = 14, 16, 20
OFPT_METER_MOD = 29
OFPT_BUNDLE_CONTROL, OFPT_BUNDLE_ADD = 33, 34
ONF = 0x4F4E4600
ONFT_BUNDLE_CONTROL, ONFT_BUNDLE_ADD = 2300, 2301
OPEN, OPEN_REPLY, CLOSE, COMMIT, DISCARD = 0, 1, 2, 4, 6
ATOMIC, ORDERED = 1, 2
TYPES = ["OPEN_REPLY?", "OPEN_REPLY", "CLOSE_REQUEST?", "CLOSE_REPLY",
         "COMMIT_REQUEST?", "COMMIT_REPLY", "DISCARD_REQUEST?",
         "DISCARD_REPLY"]


def hdr(version, t, body, xid):
    return struct.pack("!BBHI", version, t, 8 + len(body), xid) + body


def output(port):
    return struct.pack("!HHIH6x", 0, 16, port, 0xffff)


def flow_mod(priority, acts=output(1), table=0, cmd=0, flags=0):
    """An OpenFlow 1.3-1.5 flow-mod body: in_port=1 (OXM), apply
    actions."""
    oxm = struct.pack("!IIxxxx", 0x80000004, 1)[:8]  # in_port=1
    match = struct.pack("!HH", 1, 4 + len(oxm)) + oxm + b"\0" * 4
    inst = struct.pack("!HH4x", 4, 8 + len(acts)) + acts
    return struct.pack("!QQBBHHHIIIHxx", 0, 0, table, cmd, 0, 0, priority,
                       0xffffffff, 0xffffffff, 0xffffffff,
                       flags) + match + inst


class Conn(ofp_malformed.Conn):
    xid = 0x100

    def ctrl_msg(self, bid, btype, flags, props=b""):
        body = struct.pack("!IHH", bid, btype, flags) + props
        if self.version == OF13:
            body = struct.pack("!II", ONF, ONFT_BUNDLE_CONTROL) + body
            return OFPT_EXPERIMENTER, body
        return OFPT_BUNDLE_CONTROL, body

    def add_msg(self, bid, flags, inner):
        body = struct.pack("!IxxH", bid, flags) + inner
        if self.version == OF13:
            body = struct.pack("!II", ONF, ONFT_BUNDLE_ADD) + body
            return OFPT_EXPERIMENTER, body
        return OFPT_BUNDLE_ADD, body

    def run(self, steps):
        """Sends each step (a function of the xid to (type, body)), then
        a barrier; the replies before the barrier's, as text."""
        xids = {}
        for i, step in enumerate(steps):
            self.xid += 1
            xids[self.xid] = i + 1
            t, body = step(self.xid)
            self.send(hdr(self.version, t, body, self.xid))
        self.xid += 1
        barrier = self.xid
        bar = OFPT_BARRIER10 if self.version == OF10 else OFPT_BARRIER13
        self.send(hdr(self.version, bar, b"", barrier))
        out = []
        while True:
            _, t, _, xid, body = self.recv()
            if xid == barrier and t == bar + 1:
                return " ".join(out) or "nothing"
            step = xids.get(xid, "?")
            if t == OFPT_ERROR:
                et, ec = struct.unpack("!HH", body[:4])
                if et == 0xffff:
                    ec, exp = struct.unpack("!HI", body[2:8])
                    out.append("%s:error(exp=%#x,%d)" % (step, exp, ec))
                else:
                    out.append("%s:error(%d,%d)" % (step, et, ec))
            elif t in (OFPT_BUNDLE_CONTROL + 0, OFPT_EXPERIMENTER):
                if t == OFPT_EXPERIMENTER:
                    body = body[8:]
                bt = struct.unpack("!H", body[4:6])[0]
                out.append("%s:%s" % (step, TYPES[bt] if bt < 8 else bt))
            else:
                out.append("%s:type%d" % (step, t))


def cases(c, v):
    """(description, steps): each step a function of the xid."""
    def ctrl(bid, btype, flags=ATOMIC | ORDERED, props=b""):
        return lambda xid: c.ctrl_msg(bid, btype, flags, props)

    def add(bid, inner_fn, flags=ATOMIC | ORDERED):
        return lambda xid: c.add_msg(bid, flags, inner_fn(xid))

    def fm(priority, **kw):
        return lambda xid: hdr(v, OFPT_FLOW_MOD, flow_mod(priority, **kw),
                               xid)

    def raw(t, body, version=v, xid_delta=0, length=None):
        def f(xid):
            m = hdr(version, t, body, xid + xid_delta)
            if length is not None:
                m = m[:2] + struct.pack("!H", length) + m[4:]
            return m
        return f
    frame = b"\xff" * 6 + b"\x02" + b"\0" * 5 + b"\x88\xb5" + b"\0" * 46

    def po_head(in_port):
        if v >= OF15:
            return struct.pack("!IH2x", 0xffffffff, 16) + struct.pack(
                "!HHII", 1, 12, 0x80000004, in_port) + b"\0" * 4
        return struct.pack("!IIH6x", 0xffffffff, in_port, 16)
    packet_out = po_head(0xfffffffd) + output(1) + frame
    # To its in_port; from a port that cannot be.
    in_port_packet_out = po_head(0xfffffffd) + output(0xfffffffd) + frame
    bad_packet_out = po_head(0xffffff00) + output(1) + frame
    port_mod = struct.pack("!I4s6s2xIII4x", 99, b"", b"\0" * 6, 0, 1, 0)
    if v >= OF14:
        port_mod = struct.pack("!I4s6s2xII", 99, b"", b"\0" * 6, 0, 1)
    return [
        ("open, commit an empty bundle",
         [ctrl(1, OPEN), ctrl(1, COMMIT)]),
        ("open twice (the second drops it)",
         [ctrl(2, OPEN), ctrl(2, OPEN), ctrl(2, COMMIT)]),
        ("close of an unknown bundle", [ctrl(3, CLOSE)]),
        ("commit of an unknown bundle", [ctrl(4, COMMIT)]),
        ("discard of an unknown bundle", [ctrl(5, DISCARD)]),
        ("add after close", [ctrl(6, OPEN), ctrl(6, CLOSE),
                             add(6, fm(100)), ctrl(6, COMMIT)]),
        ("close twice", [ctrl(7, OPEN), ctrl(7, CLOSE), ctrl(7, CLOSE)]),
        ("commit with other flags", [ctrl(8, OPEN, ATOMIC),
                                     ctrl(8, COMMIT, ORDERED),
                                     ctrl(8, DISCARD, ATOMIC)]),
        ("add with other flags", [ctrl(9, OPEN, 0), add(9, fm(101)),
                                  ctrl(9, COMMIT, 0)]),
        ("close with other flags", [ctrl(10, OPEN), ctrl(10, CLOSE, 0)]),
        ("unknown control type", [ctrl(11, 9)]),
        ("a reply type as request", [ctrl(12, OPEN_REPLY)]),
        ("open with unknown flags", [ctrl(13, OPEN, 0xff),
                                     ctrl(13, COMMIT, 0xff)]),
        ("open, discard, commit", [ctrl(14, OPEN), ctrl(14, DISCARD),
                                   ctrl(14, COMMIT)]),
        ("add opens the bundle", [add(15, fm(102)), ctrl(15, COMMIT)]),
        ("inner echo request", [add(16, raw(OFPT_ECHO_REQUEST, b"")),
                                ctrl(16, COMMIT)]),
        ("inner barrier", [add(17, raw(OFPT_BARRIER13, b""))]),
        ("inner meter-mod", [add(18, raw(OFPT_METER_MOD,
                                         struct.pack("!HHI", 0, 1, 1)))]),
        ("inner of another version",
         [add(19, raw(OFPT_FLOW_MOD, flow_mod(103), version=v - 1))]),
        ("inner with another xid",
         [add(20, raw(OFPT_FLOW_MOD, flow_mod(104), xid_delta=1))]),
        ("inner longer than the add",
         [add(21, raw(OFPT_FLOW_MOD, flow_mod(105), length=200))]),
        ("inner length under a header",
         [add(22, raw(OFPT_FLOW_MOD, flow_mod(106), length=4))]),
        ("no inner message", [add(23, lambda xid: b"")]),
        ("inner shorter than its kind", [add(24, raw(OFPT_FLOW_MOD,
                                                     b"\0" * 16))]),
        ("inner flow-mod to port 0", [add(25, fm(107, acts=output(0)))]),
        ("inner flow-mod with an unknown group",
         [add(26, fm(108, acts=struct.pack("!HHI", 22, 8, 77))),
          add(26, fm(109)), ctrl(26, COMMIT)]),
        ("inner flow-mod to table 255", [add(27, fm(110, table=255)),
                                         ctrl(27, COMMIT)]),
        ("inner flow-mod to table 254", [add(41, fm(120, table=254)),
                                         ctrl(41, COMMIT)]),
        ("third of three fails at commit",
         [add(28, fm(111)), add(28, fm(112)),
          add(28, fm(113, acts=struct.pack("!HHI", 22, 8, 78))),
          ctrl(28, COMMIT)]),
        ("atomic port-mod", [add(29, raw(OFPT_PORT_MOD13, port_mod)),
                             ctrl(29, COMMIT)]),
        ("port-mod of an unknown port",
         [add(30, raw(OFPT_PORT_MOD13, port_mod), flags=ORDERED),
          ctrl(30, COMMIT, ORDERED)]),
        ("nested bundle-add",
         [add(31, lambda xid: hdr(v, *c.add_msg(31, 3, hdr(
             v, OFPT_FLOW_MOD, flow_mod(114), xid)), xid))]),
        ("control with a property",
         [ctrl(32, OPEN, props=struct.pack("!HH4x", 0xffff, 12) +
               b"\0" * 4), ctrl(32, COMMIT)]),
        ("short control", [lambda xid: (c.ctrl_msg(33, OPEN, 0)[0],
                                        c.ctrl_msg(33, OPEN, 0)[1][:-4])]),
        ("inner followed by 8 more bytes",
         [add(36, lambda xid: hdr(v, OFPT_FLOW_MOD, flow_mod(118), xid) +
              b"\0" * 8), ctrl(36, COMMIT)]),
        ("bundle stays after a bad add", [ctrl(34, OPEN), add(34, fm(
            115, acts=output(0))), add(34, fm(116)), ctrl(34, COMMIT)]),
        ("packet-out in a bundle", [add(37, raw(13, packet_out)),
                                    ctrl(37, COMMIT)]),
        ("packet-out to its in_port in a bundle",
         [add(38, raw(13, in_port_packet_out)), ctrl(38, COMMIT)]),
        ("packet-out from a bad port in a bundle",
         [add(40, raw(13, bad_packet_out)), ctrl(40, COMMIT)]),
        # Last: the connection stays a secondary.
        ("as a secondary controller",
         [lambda xid: (24, struct.pack("!I4xQ", 3, 1)), ctrl(39, OPEN),
          add(39, fm(119))]),
    ]


def old_cases(c, v):
    """Bundle messages in OpenFlow 1.0-1.2, which have none."""
    ctrl = struct.pack("!IHH", 60, OPEN, 3)
    add = struct.pack("!IxxH", 60, 3) + hdr(v, 18 if v == OF10 else 20, b"",
                                            0)
    return [("1.4's bundle control", [lambda xid: (33, ctrl)]),
            ("1.4's bundle-add", [lambda xid: (34, add)]),
            ("ONF's bundle control", [lambda xid: (
                OFPT_EXPERIMENTER, struct.pack(
                    "!II", ONF, ONFT_BUNDLE_CONTROL) + ctrl)]),
            ("ONF's bundle-add", [lambda xid: (
                OFPT_EXPERIMENTER, struct.pack(
                    "!II", ONF, ONFT_BUNDLE_ADD) + add)])]


def undo_case(c, v):
    """A bundle that deletes group 1 (and so the flows that use it) and
    then fails: real Open vSwitch 3.1 aborts on its undo ("assertion
    group != NULL failed in ofproto_rule_insert__()"), so this case runs
    on microvs only (--undo)."""
    gm = struct.pack("!HBxI", 2, 0, 1)  # delete group 1 (1.1-1.4 form)
    if v == OF15:
        gm = struct.pack("!HBxIH2xI", 2, 0, 1, 0, 0xffffffff)
    bad = flow_mod(117, acts=struct.pack("!HHI", 22, 8, 79))
    return [("group 1 and its flow deleted, then a flow fails: undone",
             [lambda xid: c.add_msg(35, 3, hdr(v, 15, gm, xid)),
              lambda xid: c.add_msg(35, 3, hdr(v, OFPT_FLOW_MOD, bad, xid)),
              lambda xid: c.ctrl_msg(35, COMMIT, 3)])]


def samples():
    """Bundle messages of every form and outcome, in hex, one a line,
    for ofp-print."""
    out = []
    for v in (OF13, OF14, OF15):
        c = Conn.__new__(Conn)
        c.version = v
        for bt, flags in ((OPEN, 3), (OPEN_REPLY, 0), (COMMIT, 1),
                          (7, 2), (9, 0), (CLOSE, 0x10)):
            out.append(hdr(v, *c.ctrl_msg(0x12, bt, flags), 5))
        fm = hdr(v, OFPT_FLOW_MOD, flow_mod(7), 5)
        gm = hdr(v, 15, struct.pack("!HBxI", 2, 0, 1), 5)
        for bid, flags, inner, xid in (
                (3, 3, fm, 5), (3, 0, hdr(v, OFPT_ECHO_REQUEST, b"", 5), 5),
                (3, 0, fm, 6), (3, 0, fm[:20], 5), (3, 1, gm, 5),
                (4, 2, fm + b"\0" * 8, 5),
                (4, 2, hdr(v, OFPT_BARRIER13, b"", 5), 5)):
            out.append(hdr(v, *c.add_msg(bid, flags, inner), xid))
    for m in out:
        print(m.hex())
    return 0


def idle(path):
    """An open bundle left alone in OpenFlow 1.3 and 1.4: what the switch
    sends within 20 s (Open vSwitch: OFPBFC_TIMEOUT after 10 s, about the
    open), and then what a commit of it gets."""
    conns = [Conn(path, v) for v in (OF13, OF14)]
    for c in conns:
        c.s.settimeout(20)
        c.xid += 1
        c.send(hdr(c.version, *c.ctrl_msg(50, OPEN, 3), c.xid))
        _, t, _, xid, _ = c.recv()
        assert xid == c.xid, "no open reply"
    for c in conns:
        try:
            _, t, _, xid, body = c.recv()
            out = ("error(%d,%d)" % struct.unpack("!HH", body[:4])
                   if t == OFPT_ERROR else "type%d" % t)
            if t == OFPT_ERROR and struct.unpack("!H", body[:2])[0] == \
                    0xffff:
                out = "error(exp=%#x,%d)" % struct.unpack("!IH",
                                                          body[4:8] +
                                                          body[2:4])
            out += " about the open" if xid == c.xid else " xid %d" % xid
        except OSError as e:
            out = "nothing (%s)" % e
        c.s.settimeout(5)
        after = c.run([lambda xid: c.ctrl_msg(50, COMMIT, 3)])
        print("OF1.%d idle bundle: %s; then commit: %s" %
              (c.version - 1, out, after))
    return 0


def main():
    if sys.argv[1:] == ["--samples"]:
        return samples()
    if sys.argv[2:] == ["--idle"]:
        return idle(sys.argv[1])
    path = sys.argv[1]
    if sys.argv[2:] == ["--undo"]:
        versions = [(v, undo_case) for v in (OF13, OF14, OF15)]
    else:
        versions = ([(v, old_cases) for v in (1, 2, 3)] +
                    [(v, cases) for v in (OF13, OF14, OF15)])
    for v, which in versions:
        c = Conn(path, v)
        for desc, steps in which(c, v):
            try:
                out = c.run(steps)
                alive = c.echo_ok()
            except (EOFError, OSError) as e:
                out, alive = "connection lost (%s)" % e, False
                c = Conn(path, v)
            print("OF1.%d %s: %s%s" % (v - 1, desc, out,
                                        "" if alive else ", dead"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
