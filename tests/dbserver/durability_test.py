#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# kill -9 durability: clients stream transactions (one one at a time, six
# with four each in flight, so commits are grouped, some asking for fsync)
# while a monitor watches; the server is killed with SIGKILL at a random
# moment and restarted.  Every transaction that was answered, and every
# row the monitor was told about, must be in the database.  Five rounds.
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
    # Until it accepts: the socket file exists from bind(), a moment
    # before listen().
    for _ in range(200):
        try:
            probe = socket.socket(socket.AF_UNIX)
            probe.connect(sock)
            probe.close()
            return p
        except OSError:
            probe.close()
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


class Pipe(Conn):
    """A connection with several transactions in flight, so that the
    server commits many of them in one group."""

    def run(self, prefix, window, out, stop):
        pending = {}
        n = 0
        try:
            while not stop.is_set() or pending:
                while not stop.is_set() and len(pending) < window:
                    n += 1
                    name = "%s-%d" % (prefix, n)
                    # Every 7th one asks for fsync: it must not break the
                    # group it lands in.
                    ops = [{"op": "insert", "table": "QoS",
                            "row": {"type": name}}]
                    if n % 7 == 0:
                        ops.append({"op": "commit", "durable": True})
                    self.s.sendall(json.dumps(
                        {"method": "transact",
                         "params": ["Open_vSwitch"] + ops,
                         "id": name}).encode())
                    pending[name] = True
                data = self.s.recv(65536)
                if not data:
                    return
                self.buf += data.decode()
                while True:
                    try:
                        obj, end = self.dec.raw_decode(self.buf)
                    except ValueError:
                        break
                    self.buf = self.buf[end:].lstrip()
                    rid = obj.get("id")
                    if obj.get("error") is not None or \
                            any(isinstance(x, dict) and "error" in x
                                for x in obj["result"]):
                        errors.append(obj)
                        return
                    pending.pop(rid, None)
                    out.append(rid)
        except (ConnectionError, OSError):
            pass


def watch(conn, seen):
    """Records every QoS type a monitor reports."""
    try:
        conn.s.sendall(json.dumps(
            {"method": "monitor_cond",
             "params": ["Open_vSwitch", "m",
                        {"QoS": [{"columns": ["type"]}]}],
             "id": "mon"}).encode())
        while True:
            data = conn.s.recv(65536)
            if not data:
                return
            conn.buf += data.decode()
            while True:
                try:
                    obj, end = conn.dec.raw_decode(conn.buf)
                except ValueError:
                    break
                conn.buf = conn.buf[end:].lstrip()
                upd = (obj.get("result") if obj.get("id") == "mon"
                       else (obj.get("params") or [None, None])[1])
                for row in ((upd or {}).get("QoS") or {}).values():
                    new = row.get("insert") or row.get("initial") or {}
                    if "type" in new:
                        seen.add(new["type"])
    except (ConnectionError, OSError):
        pass


answered = []  # by the one-at-a-time client
piped = []     # by the pipelining clients
seen = set()   # by the monitor
errors = []
seq = 0
for rnd in range(5):
    p = start()
    stop = threading.Event()
    mon = Conn()
    threads = [threading.Thread(target=watch, args=(mon, seen))]
    for i in range(6):
        threads.append(threading.Thread(
            target=Pipe().run, args=("r%dc%d" % (rnd, i), 4, piped, stop)))
    c = Conn()
    # The kill is timed from here, once every client is connected: timed
    # from start(), a loaded machine let it come before a connect.
    threading.Timer(random.uniform(0.1, 0.6),
                    lambda: os.kill(p.pid, signal.SIGKILL)).start()
    for t in threads:
        t.start()
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
    stop.set()
    for t in threads:
        t.join()
    p.wait()
    if errors:
        sys.exit("transaction failed: %s" % errors[0])

p = start()
c = Conn()
r = c.call("transact", ["Open_vSwitch", {"op": "select", "table": "QoS",
                                         "where": [], "columns": ["type"]}], 1)
present = {row["type"] for row in r["result"][0]["rows"]}
p.terminate()
p.wait()
missing = ["q%d" % n for n in answered if "q%d" % n not in present]
missing += [n for n in piped if n not in present]
unseen = sorted(seen - present)
subprocess.call(["rm", "-rf", tmp])
if missing:
    sys.exit("FAIL: %d answered transactions lost, e.g. %s"
             % (len(missing), missing[:5]))
if unseen:
    sys.exit("FAIL: a monitor saw %d rows that a crash lost, e.g. %s"
             % (len(unseen), unseen[:5]))
if not piped or not seen:
    sys.exit("FAIL: the concurrent clients or the monitor got nothing")
print("ok: %d answered transactions (%d one at a time, %d from 6 "
      "pipelining clients) and %d rows seen by a monitor over 5 kill -9 "
      "rounds, all present (%d rows)"
      % (len(answered) + len(piped), len(answered), len(piped), len(seen),
         len(present)))
