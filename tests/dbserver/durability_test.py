#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# kill -9 durability: a client streams transactions, the server is killed
# with SIGKILL at a random moment, restarted, and every transaction that
# was answered must be in the database.  Repeated a few times.
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

server, tool, schema = sys.argv[1], sys.argv[2], sys.argv[3]
tmp = tempfile.mkdtemp(prefix="dbserver-durable.")
db = os.path.join(tmp, "conf.db")
sock = os.path.join(tmp, "db.sock")
subprocess.check_call([tool, "create", db, schema])


def start():
    if os.path.exists(sock):
        os.unlink(sock)
    p = subprocess.Popen([server, db, "--remote=punix:" + sock,
                          "--rundir=" + tmp],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(sock):
            return p
        time.sleep(0.02)
    sys.exit("server did not start")


class Conn:
    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(sock)
        self.buf = ""
        self.dec = json.JSONDecoder()

    def call(self, method, params, id):
        self.s.sendall(json.dumps({"method": method, "params": params,
                                   "id": id}).encode())
        while True:
            try:
                obj, end = self.dec.raw_decode(self.buf)
                self.buf = self.buf[end:].lstrip()
                if obj.get("id") == id:
                    return obj
                continue
            except ValueError:
                pass
            data = self.s.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buf += data.decode()


answered = []
seq = 0
for rnd in range(5):
    p = start()
    threading.Timer(random.uniform(0.1, 0.6),
                    lambda: os.kill(p.pid, signal.SIGKILL)).start()
    c = Conn()
    try:
        while True:
            seq += 1
            r = c.call("transact", ["Open_vSwitch",
                                    {"op": "insert", "table": "QoS",
                                     "row": {"type": "q%d" % seq}}], seq)
            if "error" in r and r["error"] is not None:
                sys.exit("transaction failed: %s" % r)
            if "error" in r["result"][-1]:
                sys.exit("transaction failed: %s" % r)
            answered.append(seq)
    except (ConnectionError, OSError):
        pass
    p.wait()

p = start()
c = Conn()
r = c.call("transact", ["Open_vSwitch", {"op": "select", "table": "QoS",
                                         "where": [], "columns": ["type"]}], 1)
present = {row["type"] for row in r["result"][0]["rows"]}
p.terminate()
p.wait()
missing = [n for n in answered if "q%d" % n not in present]
subprocess.call(["rm", "-rf", tmp])
if missing:
    sys.exit("FAIL: %d answered transactions lost, e.g. %s"
             % (len(missing), missing[:5]))
print("ok: %d answered transactions over 5 kill -9 rounds all present "
      "(%d rows)" % (len(answered), len(present)))
