#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""OpenFlow recording proxy and replaying fake switch (tests only).

Recorder: listens on a unix socket (where ovs-ofctl looks for
BRIDGE.mgmt), forwards every connection to the real switch's socket and
notes each OpenFlow message with its direction ("c": client to switch,
"s": switch to client), one list of messages per connection.

Replayer: listens on the same kind of socket and plays a recorded
transcript back to a client: for each recorded connection, in order, it
expects the client's messages (compared with the recording with the xid
ignored) and answers with the switch's recorded messages, their xid
rewritten to the xid of the client message they answered (messages the
switch sent before any request keep theirs).  A client message that
differs from the recording is noted as a mismatch (the test fails) and
the connection is closed.

    ofproxy.py record LISTEN UPSTREAM        (prints JSON when stopped)
    ofproxy.py dump FILE                    (hex of a transcript)
"""
import json
import os
import select
import socket
import sys
import threading


def read_msg(sock, buf):
    """Reads one OpenFlow message from sock (buf: bytearray of leftover
    bytes).  Returns the message bytes or None at EOF."""
    while True:
        if len(buf) >= 8:
            n = int.from_bytes(buf[2:4], "big")
            if n < 8:
                n = 8
            if len(buf) >= n:
                msg = bytes(buf[:n])
                del buf[:n]
                return msg
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            return None
        buf += data


def xid_of(msg):
    return int.from_bytes(msg[4:8], "big") if len(msg) >= 8 else 0


def with_xid(msg, xid):
    if len(msg) < 8:
        return msg
    return msg[:4] + xid.to_bytes(4, "big") + msg[8:]


def without_xid(msg):
    return with_xid(msg, 0)


class Server:
    """Accepts connections on a unix (path) or TCP (port) listener and
    runs handler(conn) for each in a thread."""

    def __init__(self, path=None, tcp=False):
        if tcp:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind(("127.0.0.1", 0))
            self.port = self.sock.getsockname()[1]
        else:
            if os.path.exists(path):
                os.unlink(path)
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(path)
            self.port = None
        self.sock.listen(16)
        self.handler = None
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stopped:
            try:
                r, _, _ = select.select([self.sock], [], [], 0.2)
            except (OSError, ValueError):
                return
            if not r:
                continue
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            h = self.handler
            if h is None:
                conn.close()
                continue
            threading.Thread(target=h, args=(conn,), daemon=True).start()

    def close(self):
        self.stopped = True
        self.thread.join(1)
        self.sock.close()


class Recorder:
    """Forwards connections to upstream (a unix socket path), recording
    them.  begin() starts a new case; end() returns its connections."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.conns = []
        self.threads = []

    def begin(self):
        with self.lock:
            self.conns = []
            self.threads = []

    def handle(self, client):
        events = []
        with self.lock:
            self.conns.append(events)
            self.threads.append(threading.current_thread())
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(self.upstream)
        except OSError:
            client.close()
            return
        bufs = {client: bytearray(), up: bytearray()}
        peer = {client: up, up: client}
        tag = {client: "c", up: "s"}
        live = [client, up]
        while live:
            r, _, _ = select.select(live, [], [], 30)
            if not r:
                break
            for s in r:
                msg = read_msg_nowait(s, bufs[s])
                if msg is None:
                    live = []
                    break
                for m in msg:
                    with self.lock:
                        events.append([tag[s], m.hex()])
                    try:
                        peer[s].sendall(m)
                    except OSError:
                        live = []
        client.close()
        up.close()

    def end(self):
        for t in list(self.threads):
            t.join(5)
        with self.lock:
            return [list(c) for c in self.conns]


def read_msg_nowait(sock, buf):
    """Reads what is available and returns the complete messages (list),
    or None at EOF."""
    try:
        data = sock.recv(65536)
    except OSError:
        data = b""
    if not data:
        return None
    buf += data
    out = []
    while len(buf) >= 8:
        n = max(int.from_bytes(buf[2:4], "big"), 8)
        if len(buf) < n:
            break
        out.append(bytes(buf[:n]))
        del buf[:n]
    return out


class Replayer:
    """Plays recorded connections back, one per accepted connection."""

    def __init__(self):
        self.lock = threading.Lock()
        self.script = []
        self.next = 0
        self.mismatches = []
        self.threads = []

    def begin(self, conns):
        with self.lock:
            self.script = conns
            self.next = 0
            self.mismatches = []
            self.threads = []

    def handle(self, sock):
        with self.lock:
            idx = self.next
            self.next += 1
            self.threads.append(threading.current_thread())
            events = self.script[idx] if idx < len(self.script) else None
        if events is None:
            with self.lock:
                self.mismatches.append("unexpected connection %d" % idx)
            sock.close()
            return
        buf = bytearray()
        last_xid = None
        xid_map = {}
        sock.settimeout(10)
        for i, (d, hexmsg) in enumerate(events):
            want = bytes.fromhex(hexmsg)
            if d == "s":
                rx = xid_of(want)
                if rx in xid_map:
                    want = with_xid(want, xid_map[rx])
                try:
                    sock.sendall(want)
                except OSError:
                    break
                continue
            try:
                got = read_msg(sock, buf)
            except socket.timeout:
                got = None
            if got is None:
                # The client may legitimately stop reading early only if
                # nothing more was expected from it.
                if any(e[0] == "c" for e in events[i:]):
                    with self.lock:
                        self.mismatches.append(
                            "conn %d: client closed, expected %s" %
                            (idx, hexmsg))
                break
            xid_map[xid_of(want)] = xid_of(got)
            if without_xid(got) != without_xid(want):
                with self.lock:
                    self.mismatches.append(
                        "conn %d msg %d: got %s, expected %s" %
                        (idx, i, got.hex(), hexmsg))
                break
        else:
            # Drain until the client closes.
            try:
                while read_msg(sock, buf) is not None:
                    with self.lock:
                        self.mismatches.append(
                            "conn %d: unexpected extra message" % idx)
                    break
            except socket.timeout:
                pass
        sock.close()

    def end(self):
        for t in list(self.threads):
            t.join(5)
        with self.lock:
            m = list(self.mismatches)
            if self.next < len(self.script):
                m.append("%d of %d connections not made" %
                         (self.next, len(self.script)))
            return m


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "record":
        rec = Recorder(sys.argv[3])
        srv = Server(sys.argv[2])
        srv.handler = rec.handle
        rec.begin()
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
        print(json.dumps(rec.end()))
        srv.close()
    elif len(sys.argv) == 3 and sys.argv[1] == "dump":
        for i, c in enumerate(json.load(open(sys.argv[2]))):
            print("connection %d" % i)
            for d, h in c:
                print(" %s %s" % (d, h))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
