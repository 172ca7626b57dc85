# SPDX-License-Identifier: Apache-2.0
"""What the tunnel scenarios read in their underlay captures (tcpdump -w
files): the packets, and the Internet checksum to check outer headers.
Imported by the python3 heredocs of tnl_*.sh (PYTHONPATH=the scenarios)."""
import struct


def csum(b):
    """The one's complement sum of @b, folded (0xffff: a correct
    checksum over data that includes it)."""
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def packets(name):
    """(frame, caplen, wirelen) of each packet of the pcap file @name."""
    data = open(name, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(end + 'IIII',
                                              data[off:off + 16])
        yield data[off + 16:off + 16 + caplen], caplen, wirelen
        off += 16 + caplen
