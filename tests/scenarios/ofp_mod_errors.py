#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Crafted group-mods and meter-mods that ovs-ofctl would not send (it
checks them first), on a bridge's management socket: prints, for each,
the error type and code the switch answers with ("none" if it accepts),
and whether an echo is answered afterwards.  ofp_groups.sh runs it
against real Open vSwitch and against microvs and compares the outputs.

Usage: ofp_mod_errors.py SOCKET"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ofp_malformed  # noqa: E402  (its Conn: hello, framing, echo)

OF13, OF15 = 4, 6
OFPT_ERROR = 1
OFPT_GROUP_MOD, OFPT_BARRIER_REQUEST13, OFPT_METER_MOD = 15, 20, 29


class Conn(ofp_malformed.Conn):
    xid = 100

    def next_msg(self, t, body):
        self.xid += 1
        return self.msg(t, body, xid=self.xid)

    def outcome(self, t, body):
        """Sends a message and a barrier; the error the first gets, or
        "none" if the barrier reply comes first."""
        self.send(self.next_msg(t, body))
        want = self.xid
        self.send(self.next_msg(OFPT_BARRIER_REQUEST13, b""))
        while True:
            _, rt, _, xid, rbody = self.recv()
            if rt == OFPT_ERROR and xid == want:
                et, ec = struct.unpack("!HH", rbody[:4])
                # The barrier reply still follows.
                while self.recv()[1] != OFPT_BARRIER_REQUEST13 + 1:
                    pass
                return "type=%d code=%d" % (et, ec)
            if rt == OFPT_BARRIER_REQUEST13 + 1:
                return "none"


def output(port):
    return struct.pack("!HHIH6x", 0, 16, port, 0xffff)


def bucket11(acts=b"", weight=0, watch_port=0xffffffff,
             watch_group=0xffffffff, length=None):
    n = 16 + len(acts) if length is None else length
    return struct.pack("!HHII4x", n, weight, watch_port, watch_group) + acts


def gm11(cmd, gtype, gid, buckets=b""):
    return struct.pack("!HBxI", cmd, gtype, gid) + buckets


def bucket15(bid, acts=b"", props=b""):
    return struct.pack("!HHI", 8 + len(acts) + len(props), len(acts),
                       bid) + acts + props


def gm15(cmd, gtype, gid, buckets=b"", cmd_bucket=0xffffffff, props=b""):
    return struct.pack("!HBxIH2xI", cmd, gtype, gid, len(buckets),
                       cmd_bucket) + buckets + props


ALL, SELECT, INDIRECT, FF = 0, 1, 2, 3
ADD, MODIFY, DELETE = 0, 1, 2

CASES13 = [
    ("unknown group type", gm11(ADD, 7, 1, bucket11(output(1)))),
    ("unknown command", gm11(9, ALL, 1, bucket11(output(1)))),
    ("indirect with two buckets",
     gm11(ADD, INDIRECT, 1, bucket11(output(1)) + bucket11(output(2)))),
    ("indirect without buckets", gm11(ADD, INDIRECT, 1)),
    ("weight in an all group", gm11(ADD, ALL, 1, bucket11(output(1), 5))),
    ("weight in a fast failover group",
     gm11(ADD, FF, 1, bucket11(output(1), 5, watch_port=1))),
    ("fast failover bucket watching nothing",
     gm11(ADD, FF, 1, bucket11(output(1)))),
    ("watch_group in an all group",
     gm11(ADD, ALL, 1, bucket11(output(1), watch_group=3))),
    ("bucket length below 16",
     gm11(ADD, ALL, 1, bucket11(output(1), length=8))),
    ("bucket length beyond the message",
     gm11(ADD, ALL, 1, bucket11(output(1), length=64))),
    ("group id above OFPG_MAX", gm11(ADD, ALL, 0xffffff01)),
    ("add OFPG_ANY", gm11(ADD, ALL, 0xffffffff)),
    ("modify OFPG_ALL", gm11(MODIFY, ALL, 0xfffffffc)),
    ("delete with buckets", gm11(DELETE, ALL, 1, bucket11(output(1)))),
    ("output to port 0 in a bucket", gm11(ADD, ALL, 1, bucket11(output(0)))),
    ("truncated group-mod", struct.pack("!HB", ADD, ALL)),
    ("select with weights 0 and 2",
     gm11(ADD, SELECT, 40, bucket11(output(1), 0) + bucket11(output(2), 2))),
    ("select watching a missing port",
     gm11(ADD, SELECT, 41, bucket11(output(1), 1, watch_port=77))),
    ("all chaining to itself", gm11(ADD, ALL, 42,
                                   bucket11(struct.pack("!HHI", 22, 8, 42)))),
    ("add an existing group", gm11(ADD, ALL, 42)),
    ("modify a missing group", gm11(MODIFY, ALL, 43)),
    ("delete a missing group", gm11(DELETE, ALL, 43)),
    ("delete all", gm11(DELETE, ALL, 0xfffffffc)),
]

CASES15 = [
    ("1.5 add with bucket ids 1 and 2",
     gm15(ADD, SELECT, 50, bucket15(1, output(1)) + bucket15(2, output(2)))),
    ("1.5 duplicate bucket ids",
     gm15(ADD, ALL, 51, bucket15(1, output(1)) + bucket15(1, output(2)))),
    ("1.5 bucket id above the maximum",
     gm15(ADD, ALL, 51, bucket15(0xffffff01, output(1)))),
    ("1.5 add with a command bucket id",
     gm15(ADD, ALL, 51, bucket15(1, output(1)), cmd_bucket=1)),
    ("1.5 unknown bucket property",
     gm15(ADD, ALL, 51, bucket15(1, output(1), struct.pack("!HHI", 9, 8, 0)))),
    ("1.5 insert at a missing bucket",
     gm15(3, SELECT, 50, bucket15(7, output(1)), cmd_bucket=9)),
    ("1.5 insert an existing bucket id",
     gm15(3, SELECT, 50, bucket15(2, output(1)), cmd_bucket=0xfffffffe)),
    ("1.5 insert into a missing group",
     gm15(3, SELECT, 59, bucket15(7, output(1)), cmd_bucket=0xfffffffe)),
    ("1.5 insert after bucket 1",
     gm15(3, SELECT, 50, bucket15(7, output(3)), cmd_bucket=1)),
    ("1.5 remove a missing bucket", gm15(5, SELECT, 50, cmd_bucket=9)),
    ("1.5 remove with buckets",
     gm15(5, SELECT, 50, bucket15(7, output(3)), cmd_bucket=1)),
    ("1.5 remove bucket 7", gm15(5, SELECT, 50, cmd_bucket=7)),
    ("1.5 remove the last", gm15(5, SELECT, 50, cmd_bucket=0xfffffffe)),
    ("1.5 remove all", gm15(5, SELECT, 50, cmd_bucket=0xffffffff)),
    ("1.5 remove the first of none",
     gm15(5, SELECT, 50, cmd_bucket=0xfffffffd)),
    ("1.5 command 4 (reserved)", gm15(4, SELECT, 50, cmd_bucket=1)),
    ("1.5 delete all", gm15(DELETE, ALL, 0xfffffffc)),
]


def band(btype=1, rate=100, burst=0, length=16, prec=0):
    return struct.pack("!HHIIB3x", btype, length, rate, burst, prec)


def mm(cmd, flags, mid, bands=b""):
    return struct.pack("!HHI", cmd, flags, mid) + bands


KBPS, PKTPS, BURST, STATS = 1, 2, 4, 8
METER_CASES = [
    ("meter 0", mm(ADD, PKTPS, 0, band())),
    ("meter above OFPM13_MAX", mm(ADD, PKTPS, 0xffff0001, band())),
    ("meter OFPM13_ALL", mm(ADD, PKTPS, 0xffffffff, band())),
    ("meter without kbps or pktps", mm(ADD, 0, 1, band())),
    ("meter with kbps and pktps", mm(ADD, KBPS | PKTPS, 1, band())),
    ("meter with an unknown flag", mm(ADD, PKTPS | 0x10, 1, band())),
    ("meter with 9 bands", mm(ADD, PKTPS, 1, band() * 9)),
    ("meter with a dscp_remark band", mm(ADD, PKTPS, 1, band(2, prec=1))),
    ("meter with an unknown band type", mm(ADD, PKTPS, 1, band(3))),
    ("meter with rate 0", mm(ADD, PKTPS, 1, band(rate=0))),
    ("meter band of length 8", mm(ADD, PKTPS, 1, band(length=8))),
    ("meter command 5", mm(5, PKTPS, 1, band())),
    ("truncated meter-mod", struct.pack("!HH", ADD, PKTPS)),
    ("meter 1 with 8 bands", mm(ADD, KBPS | BURST | STATS, 1,
                                band(rate=100, burst=10) * 8)),
    ("meter 1 again", mm(ADD, PKTPS, 1, band())),
    ("modify missing meter 2", mm(MODIFY, PKTPS, 2, band())),
    ("modify meter 1", mm(MODIFY, PKTPS, 1, band(rate=5))),
    ("meter 3 with burst flag and burst 0", mm(ADD, PKTPS | BURST, 3,
                                               band(rate=5))),
    ("delete missing meter 9", mm(DELETE, 0, 9)),
    ("delete all meters", mm(DELETE, 0, 0xffffffff)),
]


def main():
    path = sys.argv[1]
    for version, cases, t in ((OF13, CASES13, OFPT_GROUP_MOD),
                              (OF15, CASES15, OFPT_GROUP_MOD),
                              (OF13, METER_CASES, OFPT_METER_MOD)):
        c = Conn(path, version)
        for desc, body in cases:
            try:
                out = c.outcome(t, body)
                alive = c.echo_ok()
            except (EOFError, OSError) as e:
                out, alive = "connection lost (%s)" % e, False
                c = Conn(path, version)
            print("%s: %s%s" % (desc, out, "" if alive else ", dead"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
