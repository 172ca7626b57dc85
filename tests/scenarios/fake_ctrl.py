#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake OpenFlow 1.3 controller for the inactivity-probe test: listens
on 127.0.0.1:PORT, and on each connection says hello, asks for the
features and logs every message it receives, one line each
("conn N: NAME"), plus "conn N: open" and "conn N: closed".  With
--answer it answers echo requests; without, it never does (a controller
that hung after the handshake).  With --flows FILE it installs, on every
connection, the flows of FILE (ovs-ofctl lines of two shapes only:
"priority=P,in_port=N,dl_dst=MAC,actions=output:M" and
"priority=P,ip,nw_dst=IP,actions=drop") as OpenFlow 1.3 flow-mods, then
sends a barrier ("conn N: barrier_reply" once they are in), as a
controller that pushes its state on connection; --flows-delay MS makes
it wait MS after the features reply first (a controller slow to
recompute its state); --no-barrier leaves the barrier out ("conn N:
flows sent" only).  --of10 makes it an OpenFlow 1.0 controller (its
hello and features request; no --flows then).

Usage: fake_ctrl.py PORT LOG [--answer] [--of10]
                    [--flows FILE [--flows-delay MS] [--no-barrier]]"""
import re
import selectors
import socket
import struct
import sys
import time

NAMES = {0: "hello", 1: "error", 2: "echo_request", 3: "echo_reply",
         5: "features_request", 6: "features_reply", 10: "packet_in",
         12: "port_status", 19: "multipart_reply", 21: "barrier_reply"}


def oxm(field, value):
    return struct.pack("!HBB", 0x8000, field << 1, len(value)) + value


def flow_mod(prio, fields, actions):
    """An OpenFlow 1.3 add with the OXM @fields and apply-actions."""
    match = b"".join(fields)
    mlen = 4 + len(match)
    match = struct.pack("!HH", 1, mlen) + match + bytes(-mlen % 8)
    acts = b"".join(actions)
    inst = (struct.pack("!HH4x", 4, 8 + len(acts)) + acts) if acts else b""
    body = struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, prio,
                       0xffffffff, 0xffffffff,
                       0xffffffff, 0) + match + inst
    return struct.pack("!BBHI", 4, 14, 8 + len(body), 0) + body


def load_flows(path):
    out = []
    for line in open(path):
        m = re.match(r"priority=(\d+),in_port=(\d+),dl_dst=([0-9a-f:]+),"
                     r"actions=output:(\d+)$", line.strip())
        if m:
            mac = bytes.fromhex(m.group(3).replace(":", ""))
            out.append(flow_mod(int(m.group(1)),
                                [oxm(0, struct.pack("!I", int(m.group(2)))),
                                 oxm(3, mac)],
                                [struct.pack("!HHIH6x", 0, 16,
                                             int(m.group(4)), 0)]))
            continue
        m = re.match(r"priority=(\d+),ip,nw_dst=([0-9.]+),actions=drop$",
                     line.strip())
        if m:
            out.append(flow_mod(int(m.group(1)),
                                [oxm(5, struct.pack("!H", 0x0800)),
                                 oxm(12, socket.inet_aton(m.group(2)))],
                                []))
        elif line.strip():
            raise SystemExit("fake_ctrl: cannot parse " + line)
    return b"".join(out)


def main():
    port, logname = int(sys.argv[1]), sys.argv[2]
    answer = "--answer" in sys.argv[3:]
    ver = 1 if "--of10" in sys.argv[3:] else 4
    flows, delay, pending = b"", 0.0, {}
    barrier = b"" if "--no-barrier" in sys.argv[3:] else \
        struct.pack("!BBHI", 4, 20, 8, 3)
    if "--flows-delay" in sys.argv[3:]:
        delay = int(sys.argv[sys.argv.index("--flows-delay") + 1]) / 1000
    if "--flows" in sys.argv[3:]:
        flows = load_flows(sys.argv[sys.argv.index("--flows") + 1])
    log = open(logname, "a", buffering=1)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(8)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    conns, n = {}, 0
    log.write("listening\n")
    while True:
        now = time.monotonic()
        for s, (when, num) in list(pending.items()):
            if when <= now:
                del pending[s]
                s.setblocking(True)
                s.sendall(flows + barrier)
                log.write("conn %d: flows sent\n" % num)
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                n += 1
                conns[c] = [n, b""]
                sel.register(c, selectors.EVENT_READ)
                log.write("conn %d: open\n" % n)
                c.sendall(struct.pack("!BBHI", ver, 0, 8, 1) +
                          struct.pack("!BBHI", ver, 5, 8, 2))
                continue
            num, buf = conns[s]
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                log.write("conn %d: closed\n" % num)
                pending.pop(s, None)
                sel.unregister(s)
                s.close()
                del conns[s]
                continue
            buf += data
            while len(buf) >= 8:
                v, t, length, xid = struct.unpack("!BBHI", buf[:8])
                if length < 8 or len(buf) < length:
                    break
                msg, buf = buf[:length], buf[length:]
                log.write("conn %d: %s\n" % (num, NAMES.get(t, "type%d" % t)))
                if t == 6 and flows:
                    pending[s] = (time.monotonic() + delay, num)
                if t == 2 and answer:
                    s.sendall(struct.pack("!BBHI", v, 3, length, xid) +
                              msg[8:])
            conns[s][1] = buf


if __name__ == "__main__":
    main()
