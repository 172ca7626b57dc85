#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The inactivity probe on TCP remotes: after 5 s of silence dbserver sends
# an "echo" request; a client that answers stays connected, one that does
# not is disconnected after a second interval.  (Takes about 11 s.)
. "$(dirname "$0")/lib.sh"
need_root
start_instance
port=$((20000 + ($$ * 13) % 20000))
appctl ovsdb-server ovsdb-server/add-remote "ptcp:$port:127.0.0.1" >/dev/null
wait_for ovsdb-client list-dbs tcp:127.0.0.1:$port
/usr/bin/env python3 - "$port" <<'PY'
import json, socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(8)
    return s
bufs = {}
def read_msg(s):
    """Next message on @s; bytes after it stay buffered for the next call."""
    dec = json.JSONDecoder()
    buf = bufs.get(s, "")
    while True:
        try:
            msg, end = dec.raw_decode(buf)
            bufs[s] = buf[end:]
            return msg
        except ValueError:
            pass
        chunk = s.recv(65536)
        if not chunk:
            return None
        buf += chunk.decode()
fails = 0
def check(name, ok):
    global fails
    print(("ok: " if ok else "FAIL: ") + name)
    fails += not ok
answering, silent = conn(), conn()
t0 = time.time()
m = read_msg(answering)
check("an idle client gets an echo request (%.1f s)" % (time.time() - t0),
      m is not None and m.get("method") == "echo" and 4 < time.time() - t0 < 10)
answering.sendall(json.dumps({"id": m["id"], "result": m["params"],
                              "error": None}).encode())
m2 = read_msg(silent)
check("the silent client got one too", m2 is not None and m2.get("method") == "echo")
# The silent one never answers: it is closed within the next interval.
t1 = time.time()
try:
    closed = silent.recv(1) == b""
except socket.timeout:
    closed = False
check("the silent client is disconnected (%.1f s later)" % (time.time() - t1), closed)
answering.sendall(json.dumps({"id": 7, "method": "list_dbs", "params": []}).encode())
r = read_msg(answering)
while r is not None and r.get("method") == "echo":
    answering.sendall(json.dumps({"id": r["id"], "result": r["params"], "error": None}).encode())
    r = read_msg(answering)
check("the answering client is still served", r is not None and r.get("id") == 7)
sys.exit(1 if fails else 0)
PY
check "probe behaviour" test $? -eq 0
finish
