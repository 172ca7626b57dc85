#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Malformed OpenFlow on a bridge's management socket: each bad message
gets the OpenFlow error a switch sends (type and code as Open vSwitch
encodes them) and the connection lives: a valid echo is answered after
each.  Then random garbage inside well-framed messages (a fixed seed):
still no crash, echo still answered.

Usage: ofp_malformed.py SOCKET
Exit 0 if every check passed, 1 otherwise."""
import random
import socket
import struct
import sys

OFPT_HELLO, OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 1, 2, 3
failures = 0


def check(desc, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + desc)
    if not ok:
        failures += 1


class Conn:
    def __init__(self, path, version):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)
        self.version = version
        self.send(struct.pack("!BBHI", version, OFPT_HELLO, 8, 1))
        v, t, _, _, _ = self.recv()
        assert t == OFPT_HELLO, "no hello"

    def send(self, data):
        self.s.sendall(data)

    def recv(self):
        hdr = b""
        while len(hdr) < 8:
            chunk = self.s.recv(8 - len(hdr))
            if not chunk:
                raise EOFError("connection closed")
            hdr += chunk
        v, t, n, xid = struct.unpack("!BBHI", hdr)
        body = b""
        while len(body) < n - 8:
            chunk = self.s.recv(n - 8 - len(body))
            if not chunk:
                raise EOFError("connection closed")
            body += chunk
        return v, t, n, xid, body

    def msg(self, t, body=b"", xid=7, version=None):
        v = self.version if version is None else version
        return struct.pack("!BBHI", v, t, 8 + len(body), xid) + body

    def error_of(self, data):
        """Sends @data; returns (type, code) of the error it gets, or
        None if the reply is no error."""
        self.send(data)
        v, t, n, xid, body = self.recv()
        if t != OFPT_ERROR:
            return None
        etype, ecode = struct.unpack("!HH", body[:4])
        if etype == 0xb0c2:  # Nicira vendor error (OpenFlow 1.0)
            _, etype, ecode = struct.unpack("!IHH", body[4:12])
        return etype, ecode

    def outcome(self, t, body):
        """Sends a message of type @t with @body and a barrier: "type=T
        code=C" for the error it gets, or "none" if the barrier reply
        comes first."""
        req, rep = (18, 19) if self.version == 1 else (20, 21)
        self.send(self.msg(t, body, xid=50))
        self.send(self.msg(req, b"", xid=51))
        result = "none"
        while True:
            _, rt, _, xid, rbody = self.recv()
            if rt == OFPT_ERROR and xid == 50:
                et, ec = struct.unpack("!HH", rbody[:4])
                if et == 0xb0c2:  # Nicira vendor error (OpenFlow 1.0)
                    _, et, ec = struct.unpack("!IHH", rbody[4:12])
                result = "type=%d code=%d" % (et, ec)
            elif rt == rep and xid == 51:
                return result

    def echo_ok(self, payload=b"still here"):
        self.send(self.msg(OFPT_ECHO_REQUEST, payload, xid=0x1234))
        while True:
            v, t, n, xid, body = self.recv()
            if t == OFPT_ECHO_REPLY:
                return xid == 0x1234 and body == payload


def main():
    path = sys.argv[1]
    c = Conn(path, 4)  # OpenFlow 1.3
    # (description, message, expected (type, code))
    ofpmp_flow = struct.pack("!HH4x", 1, 0)  # multipart flow request header
    flow_req13 = (ofpmp_flow + struct.pack("!B3xII4xQQ", 0xff, 0xffffffff,
                                           0xffffffff, 0, 0))
    # flow-mod 1.3: cookie, mask, table, command, timeouts, priority,
    # buffer, out_port, out_group, flags, pad, then the match and
    # instructions.
    def flow_mod13(match, insts):
        return (struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, 100,
                            0xffffffff, 0xffffffff, 0xffffffff, 0) +
                match + insts)
    empty_match = struct.pack("!HH4x", 1, 4)
    bad_field = struct.pack("!HH", 1, 4 + 8) + struct.pack(
        "!IHH4x", 0x80007f00 | 4, 0, 0)  # OXM class 0x8000 field 63: none
    apply_bad_action = struct.pack("!HH4x", 4, 8 + 8) + struct.pack(
        "!HH4x", 0x7777, 8)  # apply-actions with action type 0x7777
    bad_inst = struct.pack("!HH4x", 0x99, 8)
    cases = [
        ("bad version (1.0 header on a 1.3 connection)",
         c.msg(OFPT_ECHO_REQUEST, version=1), (1, 0)),
        ("unknown message type 99", c.msg(99), (1, 1)),
        ("bad length for its type (features request with a body)",
         c.msg(5, b"\0" * 8), (1, 6)),
        ("bad multipart type", c.msg(18, struct.pack("!HH4x", 0x77, 0)),
         (1, 2)),
        ("flow stats request cut short", c.msg(18, flow_req13[:12]), (1, 6)),
        ("bad match: unknown OXM field",
         c.msg(14, flow_mod13(bad_field, b"")), (4, 6)),
        ("bad action type",
         c.msg(14, flow_mod13(empty_match, apply_bad_action)), (2, 0)),
        ("bad instruction type",
         c.msg(14, flow_mod13(empty_match, bad_inst)), (3, 0)),
    ]
    for desc, data, want in cases:
        try:
            got = c.error_of(data)
            check("%s: error %s (want %s)" % (desc, got, want), got == want)
            check("%s: echo still answered" % desc, c.echo_ok())
        except (EOFError, OSError) as e:
            check("%s: connection lives (%s)" % (desc, e), False)
            c = Conn(path, 4)

    # Garbage inside well-framed messages of every type.
    rnd = random.Random(9)
    for i in range(3000):
        t = rnd.randrange(0, 40)
        body = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 96)))
        if t in (OFPT_HELLO, OFPT_ECHO_REQUEST):
            continue
        try:
            c.send(c.msg(t, body, xid=i))
        except OSError as e:
            check("garbage message %d (type %d) accepted (%s)" % (i, t, e),
                  False)
            break
    try:
        check("after 3000 garbage messages echo is answered", c.echo_ok())
    except (EOFError, OSError) as e:
        check("after garbage the connection lives (%s)" % e, False)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
