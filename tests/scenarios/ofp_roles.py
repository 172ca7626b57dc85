#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Controller roles on a bridge's management socket (OpenFlow 1.3 role
requests): a primary request with generation id 5 is granted; an older
generation id is refused as stale (OFPRRFC_STALE); a second connection
becoming primary turns the first into a secondary (its no-change request
says so); a secondary's flow-mod and TLV table mod are refused
(OFPBRC_IS_SECONDARY); an equal connection's flow-mod and TLV table mod
go through (a barrier answers after each).

Usage: ofp_roles.py SOCKET.  Exit 0 if every check passed."""
import struct
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from ofp_malformed import Conn, check  # noqa: E402
import ofp_malformed  # noqa: E402

ROLE_REQUEST, ROLE_REPLY, BARRIER_REQUEST, BARRIER_REPLY = 24, 25, 20, 21
NOCHANGE, EQUAL, PRIMARY, SECONDARY = 0, 1, 2, 3


def role(c, r, gen):
    c.send(c.msg(ROLE_REQUEST, struct.pack("!I4xQ", r, gen)))
    v, t, n, xid, body = c.recv()
    if t == 1:
        return ("error",) + struct.unpack("!HH", body[:4])
    role_, gen_ = struct.unpack("!I4xQ", body[:16])
    return (role_, gen_)


def with_barrier(c, msg):
    """Sends @msg and a barrier: the error (type, code) @msg got, or
    "barrier"."""
    c.send(msg)
    c.send(c.msg(BARRIER_REQUEST, xid=78))
    v, t, n, xid, body = c.recv()
    if t == 1:
        c.recv()  # the barrier reply
        return struct.unpack("!HH", body[:4])
    return "barrier" if t == BARRIER_REPLY else t


def flow_mod(c):
    # OpenFlow 1.3 add: priority 100, empty match, no instructions.
    body = (struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, 100,
                        0xffffffff, 0xffffffff, 0xffffffff, 0) +
            struct.pack("!HH4x", 1, 4))
    return with_barrier(c, c.msg(14, body, xid=77))


def tlv_mod(c):
    # NXT_TLV_TABLE_MOD (Nicira experimenter 0x2320, subtype 24): add
    # {class=0xffff,type=0,len=4}->tun_metadata0.
    body = (struct.pack("!II", 0x2320, 24) + struct.pack("!H6x", 0) +
            struct.pack("!HBBH2x", 0xffff, 0, 4, 0))
    return with_barrier(c, c.msg(4, body, xid=79))


def main():
    path = sys.argv[1]
    a, b = Conn(path, 4), Conn(path, 4)
    check("primary, generation 5: granted", role(a, PRIMARY, 5) == (PRIMARY, 5))
    check("primary, generation 3: stale (11, 0)",
          role(b, PRIMARY, 3) == ("error", 11, 0))
    check("b primary, generation 6: granted",
          role(b, PRIMARY, 6) == (PRIMARY, 6))
    check("a is a secondary now", role(a, NOCHANGE, 0)[0] == SECONDARY)
    check("a secondary's flow-mod: OFPBRC_IS_SECONDARY (1, 10)",
          flow_mod(a) == (1, 10))
    check("a secondary's TLV table mod: OFPBRC_IS_SECONDARY (1, 10)",
          tlv_mod(a) == (1, 10))
    check("a equal again: its flow-mod goes through",
          role(a, EQUAL, 0)[0] == EQUAL and flow_mod(a) == "barrier")
    check("and its TLV table mod", tlv_mod(a) == "barrier")
    check("echo still answered", a.echo_ok() and b.echo_ok())
    return 1 if ofp_malformed.failures else 0


if __name__ == "__main__":
    sys.exit(main())
