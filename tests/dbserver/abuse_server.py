#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Runs abuse.py against a server started per the MICROVS_DBSERVER_CMD
convention (the real ovsdb-server when unset): creates the DB files, starts
the server, passes its socket and pid to abuse.py, stops it.

The pid is the server's process (the `sh -c` wrapper excluded, see
bench/benchlib.py session_pids); if the command starts several processes,
the first one whose command line mentions the socket is used (else the
oldest), and the choice is printed.

usage: abuse_server.py [abuse.py options, e.g. --max-growth-mb N]
Exit: abuse.py's status (0 pass, 1 fail), 77 real OVS tools missing.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbslib  # noqa: E402


def main():
    dbslib.need_tools()
    dbslib.banner()
    server = dbslib.sut_server()
    server.start()
    pid, pids = dbslib.server_pid(server)
    print("server processes %s; abuse.py watches pid %d"
          % (" ".join(str(p) for p in pids), pid))
    sys.stdout.flush()
    rc = subprocess.call([sys.executable,
                          os.path.join(dbslib.HERE, "abuse.py"),
                          server.sock, str(pid)] + sys.argv[1:])
    if rc == 0 and not server.alive():
        print("FAIL: server exited")
        rc = 1
    server.stop()
    return rc


if __name__ == "__main__":
    sys.exit(main())
