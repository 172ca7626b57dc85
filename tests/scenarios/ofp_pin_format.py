#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""NXT_SET_PACKET_IN_FORMAT on a bridge's management socket, good and
bad (unknown formats, bodies too short or too long), over OpenFlow 1.0,
1.3 and 1.5: prints, for each, the error type and code the switch
answers with ("none" if it accepts) and whether an echo is answered
afterwards.  ofp_pin2.sh runs it against real Open vSwitch and against
microvs and compares the outputs.

Usage: ofp_pin_format.py SOCKET"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ofp_malformed  # noqa: E402  (its Conn: hello, framing, echo)

OFPT_VENDOR = 4
NX_VENDOR, NXT_SET_PACKET_IN_FORMAT = 0x2320, 16


def main():
    cases = [("standard", struct.pack("!I", 0)),
             ("nxt_packet_in", struct.pack("!I", 1)),
             ("nxt_packet_in2", struct.pack("!I", 2)),
             ("format 3", struct.pack("!I", 3)),
             ("format 0x100", struct.pack("!I", 0x100)),
             ("format 0xffffffff", struct.pack("!I", 0xffffffff)),
             ("3-byte body", b"\0\0\0"),
             ("5-byte body", b"\0\0\0\2\0"),
             ("8-byte body", struct.pack("!II", 2, 0)),
             ("empty body", b"")]
    for version in (1, 4, 6):
        c = ofp_malformed.Conn(sys.argv[1], version)
        for name, body in cases:
            print("version %d %s: %s, echo %s" %
                  (version, name,
                   c.outcome(OFPT_VENDOR,
                             struct.pack("!II", NX_VENDOR,
                                         NXT_SET_PACKET_IN_FORMAT) + body),
                   "answered" if c.echo_ok() else "lost"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
