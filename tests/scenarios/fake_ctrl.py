#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake OpenFlow 1.3 controller for the inactivity-probe test: listens
on 127.0.0.1:PORT, and on each connection says hello, asks for the
features and logs every message it receives, one line each
("conn N: NAME"), plus "conn N: open" and "conn N: closed".  With
--answer it answers echo requests; without, it never does (a controller
that hung after the handshake).

Usage: fake_ctrl.py PORT LOG [--answer]"""
import selectors
import socket
import struct
import sys

NAMES = {0: "hello", 1: "error", 2: "echo_request", 3: "echo_reply",
         5: "features_request", 6: "features_reply", 10: "packet_in",
         12: "port_status", 19: "multipart_reply"}


def main():
    port, logname = int(sys.argv[1]), sys.argv[2]
    answer = "--answer" in sys.argv[3:]
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
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                n += 1
                conns[c] = [n, b""]
                sel.register(c, selectors.EVENT_READ)
                log.write("conn %d: open\n" % n)
                c.sendall(struct.pack("!BBHI", 4, 0, 8, 1) +
                          struct.pack("!BBHI", 4, 5, 8, 2))
                continue
            num, buf = conns[s]
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                log.write("conn %d: closed\n" % num)
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
                if t == 2 and answer:
                    s.sendall(struct.pack("!BBHI", v, 3, length, xid) +
                              msg[8:])
            conns[s][1] = buf


if __name__ == "__main__":
    main()
