#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""sock_nodelay.py PID PORT: TCP_NODELAY of process PID's connected TCP
sockets whose local or peer port is PORT, read from a copy of each socket
taken with pidfd_getfd(2) (root).  Prints one line per socket; exit 0 when
there is at least one and every one has TCP_NODELAY, 1 otherwise."""

import ctypes
import os
import socket
import sys

SYS_PIDFD_GETFD = 438  # x86_64, aarch64 and the generic table alike


def sockets_of(pid):
    """The fd numbers of pid's sockets."""
    d = "/proc/%d/fd" % pid
    for name in os.listdir(d):
        try:
            if os.readlink(os.path.join(d, name)).startswith("socket:"):
                yield int(name)
        except OSError:
            pass


def main(argv):
    pid, port = int(argv[1]), int(argv[2])
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    found, ok, seen = 0, True, []
    for tfd in sockets_of(pid):
        fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, tfd, 0)
        if fd < 0:
            print("pidfd_getfd(%d): %s" % (tfd, os.strerror(ctypes.get_errno())))
            return 1
        s = socket.socket(fileno=fd)
        try:
            if s.family not in (socket.AF_INET, socket.AF_INET6) or \
                    s.type != socket.SOCK_STREAM:
                continue
            local = s.getsockname()
            try:
                peer = s.getpeername()
            except OSError:
                seen.append("%s:%d listening" % local[:2])
                continue
            if port not in (local[1], peer[1]):
                seen.append("%s:%d -> %s:%d" % (local[:2] + peer[:2]))
                continue
            nodelay = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            print("fd %d %s:%d -> %s:%d TCP_NODELAY=%d"
                  % (tfd, local[0], local[1], peer[0], peer[1], nodelay))
            found += 1
            ok = ok and nodelay != 0
        finally:
            s.close()
    if not found:
        print("no connected TCP socket on port %d; TCP sockets: %s"
              % (port, ", ".join(seen) or "none"))
    return 0 if found and ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
