#!/usr/bin/python3
"""Differential OVSDB JSON-RPC test harness (pure standard library).

Runs a corpus of cases (tests/ovsdb-diff/corpus/*.py) against OVSDB servers
reachable over unix sockets, records every request, reply and notification,
normalises the transcripts (UUIDs renumbered, unordered collections sorted)
and compares them: real ovsdb-server against microvs's dbserver, real against
real (harness self-check), or either against the committed goldens.

Entry points (see README.md):
  ovsdb_diff.py diff [--cases GLOB]     real vs MICROVS_DBSERVER_CMD (or real)
  ovsdb_diff.py record                  write golden/ from real ovsdb-server
  ovsdb_diff.py golden                  MICROVS_DBSERVER_CMD (or real) vs golden/
  ovsdb_diff.py run --sock PATH --out DIR   run against an already running server
  ovsdb_diff.py list                    list case names and counts
"""

import argparse
import codecs
import difflib
import fnmatch
import glob
import importlib.util
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
GOLDEN_DIR = os.path.join(HERE, "golden")
CORPUS_DIR = os.path.join(HERE, "corpus")

# Database files every server under test serves (file name, schema path).
DATABASES = [
    ("conf.db", os.path.join(TOP, "schemas", "vswitch.ovsschema")),
    ("vtep.db", os.path.join(TOP, "schemas", "vtep.ovsschema")),
    ("difftest.db", os.path.join(HERE, "test.ovsschema")),
]
# Databases wiped between cases: name -> tables.
RESET_DBS = {}

REAL_SERVER_CMD = ("{ovsdb_server} --remote=punix:{sock} "
                   "--unixctl={dbdir}/ovsdb-server.ctl --no-chdir "
                   "--log-file={dbdir}/ovsdb-server.log {dbs}")

REPLY_TIMEOUT = float(os.environ.get("OVSDB_DIFF_TIMEOUT", "5"))

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                     r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UUID_FULL_RE = re.compile(r"^" + UUID_RE.pattern + r"$")
ZERO_UUID = "00000000-0000-0000-0000-000000000000"
WAIT_MS_RE = re.compile(r'^("wait" timed out after )\d+( ms)$')
INDEX_DUP_RE = re.compile(r"^(.*?)First row, with UUID (\S+), (.*?)\.  "
                          r"Second row, with UUID (\S+), (.*?)\.(\s*)$", re.S)


# ---------------------------------------------------------------------------
# JSON-RPC connection with OVSDB framing (JSON texts back to back).

class Closed(Exception):
    pass


class Conn:
    def __init__(self, path, name):
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = ""
        self.utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self.dec = json.JSONDecoder()
        self.closed = False

    def send_bytes(self, data):
        if self.closed:
            raise Closed()
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self.closed = True
            raise Closed()

    def send(self, obj):
        self.send_bytes(json.dumps(obj, separators=(",", ":")).encode())

    def _parse_one(self):
        s = self.buf.lstrip(" \t\r\n")
        if not s:
            self.buf = ""
            return None
        try:
            obj, end = self.dec.raw_decode(s)
        except ValueError:
            self.buf = s
            return None
        self.buf = s[end:]
        return obj

    def recv(self, timeout):
        """Next message, or raise Closed; None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self._parse_one()
            if msg is not None:
                return msg
            if self.closed:
                raise Closed()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                self.closed = True
                raise Closed()
            self.buf += self.utf8.decode(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True


# ---------------------------------------------------------------------------
# Running one case.

class CaseRunner:
    """Executes the steps of one case and records events.

    Event: dict(conn=NAME, dir="send"|"recv"|"closed"|"timeout",
                msg=OBJ|None, raw=STR|None, method=STR|None)
    """

    def __init__(self, sock_path, case):
        self.sock_path = sock_path
        self.case = case
        self.conns = {}
        self.events = []
        self.vars = {}
        self.next_id = 1
        self.next_sync = 0
        self.pending = {}        # conn -> {id: method}
        self.sync_ids = set()

    def conn(self, name):
        if name not in self.conns:
            self.conns[name] = Conn(self.sock_path, name)
            self.pending[name] = {}
        return self.conns[name]

    def record(self, conn, direction, msg=None, raw=None, method=None):
        ev = {"conn": conn, "dir": direction}
        if msg is not None:
            ev["msg"] = msg
        if raw is not None:
            ev["raw"] = raw
        if method is not None:
            ev["method"] = method
        self.events.append(ev)

    def subst(self, obj):
        if isinstance(obj, str):
            if obj.startswith("$") and obj[1:] in self.vars:
                return self.vars[obj[1:]]
            return obj
        if isinstance(obj, list):
            return [self.subst(x) for x in obj]
        if isinstance(obj, dict):
            return {self.subst(k): self.subst(v) for k, v in obj.items()}
        return obj

    # -- receiving -------------------------------------------------------

    def handle_incoming(self, cname, msg):
        """Record one incoming message; return it (or None if hidden)."""
        c = self.conns[cname]
        if isinstance(msg, dict) and msg.get("method") == "echo" \
                and msg.get("id") is not None:
            # Server-initiated keepalive: answer, do not record.
            c.send({"id": msg["id"], "result": msg.get("params", []),
                    "error": None})
            return None
        if isinstance(msg, dict) and "id" in msg and "method" not in msg:
            rid = json.dumps(msg["id"])
            if rid in self.sync_ids:
                self.sync_ids.discard(rid)
                return "sync"
            method = self.pending[cname].pop(rid, None)
            self.record(cname, "recv", msg=msg, method=method)
            return msg
        self.record(cname, "recv", msg=msg)
        return msg

    def read_until(self, cname, pred, timeout=REPLY_TIMEOUT):
        """Read from cname until pred(msg) true; records everything."""
        c = self.conns[cname]
        if c.closed:
            return False
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                msg = c.recv(max(left, 0))
            except Closed:
                self.record(cname, "closed")
                for rid in list(self.pending[cname]):
                    self.pending[cname].pop(rid)
                return False
            if msg is None:
                self.record(cname, "timeout")
                return False
            got = self.handle_incoming(cname, msg)
            if got is not None and pred(got):
                return True

    def wait_reply(self, cname, rid):
        key = json.dumps(rid)

        def pred(m):
            return m != "sync" and isinstance(m, dict) and \
                json.dumps(m.get("id")) == key and "method" not in m
        return self.read_until(cname, pred)

    def sync(self, cname):
        """Flush cname: wait for outstanding replies, then an echo round
        trip; every notification that arrives in between is recorded."""
        c = self.conns[cname]
        if c.closed:
            return
        while self.pending[cname]:
            if not self.read_until(cname, lambda m: m != "sync"
                                   and isinstance(m, dict)
                                   and "method" not in m
                                   and json.dumps(m.get("id"))
                                   not in self.pending[cname]):
                return
        self.next_sync += 1
        sid = "sync-%d" % self.next_sync
        key = json.dumps(sid)
        self.sync_ids.add(key)
        try:
            c.send({"method": "echo", "params": ["sync"], "id": sid})
        except Closed:
            self.record(cname, "closed")
            return
        self.read_until(cname, lambda m: m == "sync")

    def sync_all(self):
        for cname in sorted(self.conns):
            self.sync(cname)

    # -- steps -------------------------------------------------------------

    def save_vars(self, step, request, reply):
        if not isinstance(reply, dict):
            return
        result = reply.get("result")
        if request.get("method") == "transact" and isinstance(result, list):
            for op, res in zip(request["params"][1:], result):
                if (isinstance(op, dict) and op.get("op") == "insert"
                        and "uuid-name" in op and isinstance(res, dict)
                        and isinstance(res.get("uuid"), list)):
                    self.vars[op["uuid-name"]] = res["uuid"][1]
        for var, path in step.get("save", {}).items():
            node = reply
            try:
                for p in path:
                    node = node[p]
            except (KeyError, IndexError, TypeError):
                continue
            self.vars[var] = node

    def note_raw_requests(self, cname, raw):
        """Remember the methods of well-formed requests inside raw text so
        that their replies get method-specific normalisation.  Ids are
        keyed as servers echo them (an id of 100.0 comes back as 100)."""
        dec, pos = json.JSONDecoder(parse_float=canon_real), 0
        while True:
            while pos < len(raw) and raw[pos] in " \t\r\n":
                pos += 1
            try:
                obj, pos = dec.raw_decode(raw, pos)
            except ValueError:
                return
            if isinstance(obj, dict) and obj.get("id") is not None \
                    and isinstance(obj.get("method"), str):
                self.pending[cname][json.dumps(obj["id"])] = obj["method"]

    def send_recorded(self, cname, c, msg):
        """Records and sends @msg on connection @cname; False (recorded as
        "closed") when the server has closed it."""
        self.record(cname, "send", msg=msg)
        try:
            c.send(msg)
        except Closed:
            self.record(cname, "closed")
            return False
        return True

    def run_step(self, step):
        cname = step.get("conn", "A")
        if "close" in step:
            c = self.conns.get(step["close"])
            if c:
                c.close()
                self.record(step["close"], "closed-by-client")
                # The server notices the hang-up asynchronously (e.g. lock
                # hand-over to a waiter): give it time, then flush the rest.
                time.sleep(0.1)
                self.sync_all()
            return
        c = self.conn(cname)
        if c.closed:
            return
        if "raw" in step:
            raw = step["raw"]
            self.record(cname, "send", raw=raw)
            self.note_raw_requests(cname, raw)
            try:
                c.send_bytes(raw.encode("utf-8", "surrogateescape")
                             if isinstance(raw, str) else raw)
            except Closed:
                self.record(cname, "closed")
            self.sync_all()
            return
        if "send" in step:
            msg = self.subst(step["send"])
            if not self.send_recorded(cname, c, msg):
                return
            if isinstance(msg, dict) and "id" in msg and msg["id"] is not None \
                    and "method" in msg:
                self.pending[cname][json.dumps(msg["id"])] = msg.get("method")
                if step.get("nowait"):
                    return
                self.wait_reply(cname, msg["id"])
            self.sync_all()
            return
        if "transact" in step:
            db = step.get("db", self.case.get("db", "DiffTest"))
            method, params = "transact", [db] + list(step["transact"])
        elif "method" in step:
            method, params = step["method"], step.get("params", [])
        elif "notify" in step:
            msg = {"method": step["notify"],
                   "params": self.subst(step.get("params", [])), "id": None}
            self.send_recorded(cname, c, msg)
            self.sync_all()
            return
        else:
            raise ValueError("bad step %r" % (step,))
        rid = self.next_id
        self.next_id += 1
        msg = {"method": method, "params": self.subst(params), "id": rid}
        if not self.send_recorded(cname, c, msg):
            return
        self.pending[cname][json.dumps(rid)] = method
        if step.get("nowait"):
            return
        self.wait_reply(cname, rid)
        reply = self.events[-1].get("msg") if self.events else None
        self.save_vars(step, msg, reply)
        self.sync_all()

    def run(self):
        try:
            for step in self.case["steps"]:
                self.run_step(step)
            self.sync_all()
        finally:
            for c in self.conns.values():
                c.close()
        return self.events


# ---------------------------------------------------------------------------
# Normalisation.

def is_uuid(s):
    return isinstance(s, str) and UUID_FULL_RE.match(s) is not None


def is_unordered_pair(x):
    return (isinstance(x, list) and len(x) == 2 and x[0] in ("set", "map")
            and isinstance(x[1], list))


def canon_real(x):
    """Reals as both servers print them: integral ones (within 64 bits) as
    integers; others to 15 significant digits, as Open vSwitch prints
    them (%.15g), where dbserver prints the shortest exact form."""
    x = float(x)
    if x.is_integer() and abs(x) < 2**63:
        return int(x)
    return float("%.15g" % x)


class Normaliser:
    """Renumbers UUIDs in order of first appearance and sorts collections
    whose order ovsdb-server does not define."""

    def __init__(self):
        self.labels = {}

    def label_of(self, u):
        u = u.lower()
        if u == ZERO_UUID:
            return "<uuid-zero>"
        if u not in self.labels:
            self.labels[u] = "<uuid-%d>" % (len(self.labels) + 1)
        return self.labels[u]

    def _mask_str(self, s):
        def rep(m):
            u = m.group(0).lower()
            if u == ZERO_UUID:
                return "<uuid-zero>"
            return self.labels.get(u, "<uuid>")
        return UUID_RE.sub(rep, s)

    def mask(self, x):
        """Order key: known UUIDs by label, unknown ones masked."""
        return json.dumps(self._map(x, self._mask_str, False), sort_keys=True)

    def _map(self, x, fstr, sort_unordered, unordered=False):
        if isinstance(x, str):
            return fstr(x)
        if isinstance(x, float):
            return canon_real(x)
        if isinstance(x, list):
            items = [self._map(e, fstr, sort_unordered) for e in x]
            if is_unordered_pair(x):
                inner = [self._map(e, fstr, sort_unordered) for e in x[1]]
                if sort_unordered:
                    inner.sort(key=lambda e: json.dumps(e, sort_keys=True))
                return [x[0], inner]
            if unordered and sort_unordered:
                items.sort(key=lambda e: json.dumps(e, sort_keys=True))
            return items
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                out[fstr(k)] = self._map(v, fstr, sort_unordered,
                                         unordered=(k == "rows"))
            return out
        return x

    def assign(self, x, unordered=False):
        """Walk x in a canonical order and label first-seen UUIDs."""
        if isinstance(x, str):
            for m in UUID_RE.finditer(x):
                self.label_of(m.group(0))
            return
        if isinstance(x, list):
            if is_unordered_pair(x):
                elems = sorted(x[1], key=self.mask)
            elif unordered:
                elems = sorted(x, key=self.mask)
            else:
                elems = x
            for e in elems:
                self.assign(e)
            return
        if isinstance(x, dict):
            items = sorted(x.items(),
                           key=lambda kv: (self.mask(kv[0]), self.mask(kv[1])))
            # Known/non-UUID keys first keep the walk stable.
            for k, v in items:
                if not is_uuid(k):
                    self.assign(k)
                    self.assign(v, unordered=(k == "rows"))
            for k, v in items:
                if is_uuid(k):
                    self.assign(k)
                    self.assign(v)

    def canon_detail(self, s):
        """Error texts whose variable parts real ovsdb-server does not fix:
        the elapsed time of a timed-out wait, and the order in which the
        two rows of a unique-index collision are described (hash order)."""
        m = INDEX_DUP_RE.match(s)
        if m:
            a = (self._mask_str(m.group(2)), m.group(3), m.group(2))
            b = (self._mask_str(m.group(4)), m.group(5), m.group(4))
            a, b = sorted([a, b])
            s = "%sFirst row, with UUID %s, %s.  Second row, with UUID %s, %s.%s" \
                % (m.group(1), a[2], a[1], b[2], b[1], m.group(6))
        return s

    def canon_strings(self, x, key=None):
        """Strings holding JSON objects (e.g. _Server schema column), and
        the "syntax" member of errors whatever JSON it holds, are compared
        as parsed JSON (reals as canon_real makes them)."""
        if isinstance(x, str):
            x = WAIT_MS_RE.sub(r"\1<N>\2", x)
            if (x.startswith("{") and x.endswith("}")) or key == "syntax":
                try:
                    obj = json.loads(x, parse_float=canon_real)
                    return "JSON:" + json.dumps(obj, sort_keys=True,
                                                separators=(",", ":"))
                except ValueError:
                    return x
            return x
        if isinstance(x, list):
            return [self.canon_strings(e) for e in x]
        if isinstance(x, dict):
            return {k: self.canon_strings(v, k) for k, v in x.items()}
        return x

    def event(self, ev):
        msg = ev.get("msg")
        if msg is not None:
            msg = self.canon_strings(msg)
            if (ev.get("method") == "list_dbs" and isinstance(msg, dict)
                    and isinstance(msg.get("result"), list)):
                msg = dict(msg)
                msg["result"] = sorted(msg["result"], key=str)
            self.assign(msg)

            def fstr(s):
                return self.canon_detail(
                    UUID_RE.sub(lambda m: self.label_of(m.group(0)), s))
            msg = self._map(msg, fstr, True)
        head = "%s %s" % (ev["conn"], {"send": ">>", "recv": "<<"}
                          .get(ev["dir"], ev["dir"]))
        lines = [head]
        if msg is not None:
            lines += json.dumps(msg, sort_keys=True, indent=1,
                                ensure_ascii=False).split("\n")
        if "raw" in ev:
            lines.append("RAW " + json.dumps(ev["raw"]))
        return lines


UPDATE_METHODS = ("update", "update2", "update3")


def is_update(ev):
    m = ev.get("msg")
    return (ev["dir"] == "recv" and isinstance(m, dict)
            and m.get("method") in UPDATE_METHODS
            and isinstance(m.get("params"), list) and m["params"])


def order_updates(events):
    """ovsdb-server flushes the monitors of one connection in hash order of
    their monitor ids: within each run of consecutive update notifications
    on one connection, order them by monitor id (stable, so notifications
    of one monitor keep their order)."""
    out, i = [], 0
    while i < len(events):
        if not is_update(events[i]):
            out.append(events[i])
            i += 1
            continue
        j = i
        while (j < len(events) and is_update(events[j])
               and events[j]["conn"] == events[i]["conn"]):
            j += 1
        out += sorted(events[i:j], key=lambda e: json.dumps(
            [e["msg"]["method"], e["msg"]["params"][0]], sort_keys=True))
        i = j
    return out


def normalise(events):
    n = Normaliser()
    events = order_updates(events)
    lines = []
    for ev in events:
        lines += n.event(ev)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Corpus.

def load_corpus(patterns=None):
    cases = []
    sys.path.insert(0, CORPUS_DIR)
    for path in sorted(glob.glob(os.path.join(CORPUS_DIR, "[0-9]*.py"))):
        modname = "corpus_" + os.path.basename(path)[:-3].replace("-", "_")
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        group = getattr(mod, "GROUP", os.path.basename(path)[:-3])
        for case in mod.CASES:
            case = dict(case)
            case["group"] = group
            cases.append(case)
    names = set()
    for c in cases:
        if c["name"] in names:
            raise SystemExit("duplicate case name %s" % c["name"])
        names.add(c["name"])
    if patterns:
        cases = [c for c in cases
                 if any(fnmatch.fnmatch(c["name"], p) or
                        fnmatch.fnmatch(c["group"], p) for p in patterns)]
    return cases


def count_transactions(case):
    n = 0
    for s in case["steps"]:
        if "transact" in s or s.get("method") == "transact" or \
                (isinstance(s.get("send"), dict) and
                 s["send"].get("method") == "transact"):
            n += 1
    return n


# ---------------------------------------------------------------------------
# Servers.

def find_real_tool(name):
    for d in os.environ.get("PATH", "").split(":") + ["/usr/sbin", "/usr/bin"]:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def group_gone(pgid, seconds):
    """True once no process of group @pgid is left, within @seconds."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def stop_process_group(proc, grace):
    """SIGTERM to the process group led by @proc, SIGKILL after @grace
    seconds if it is still there; waits for @proc and for the rest of the
    group (the server behind a `sh -c` wrapper holds its database locks
    until it has exited: a server started again on the same files at
    once would find them held)."""
    if proc.poll() is not None and group_gone(proc.pid, 0):
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    if proc.poll() is None or not group_gone(proc.pid, grace):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        group_gone(proc.pid, grace)


class Server:
    def __init__(self, label, cmd_template, tool_cmd, workdir):
        self.label = label
        self.cmd_template = cmd_template
        self.tool_cmd = tool_cmd
        self.workdir = workdir
        self.proc = None
        self.generation = 0

    def start(self):
        self.generation += 1
        dbdir = os.path.join(self.workdir, "%s-%d" % (self.label,
                                                      self.generation))
        os.makedirs(dbdir)
        self.dbdir = dbdir
        dbs = []
        for fname, schema in DATABASES:
            path = os.path.join(dbdir, fname)
            r = subprocess.run(shlex.split(self.tool_cmd) +
                               ["create", path, schema],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise SystemExit("%s: ovsdb-tool create %s failed: %s"
                                 % (self.label, path, r.stdout.decode()))
            dbs.append(path)
        self.dbs = dbs
        self.launch()

    def launch(self):
        """Start the server on the files of the current dbdir (start()
        creates them; a restart after a crash calls launch() again)."""
        dbdir, dbs = self.dbdir, self.dbs
        self.sock = os.path.join(dbdir, "db.sock")
        cmd = self.cmd_template.format(
            sock=self.sock, dbdir=dbdir, dbs=" ".join(dbs),
            ovsdb_server=find_real_tool("ovsdb-server") or "ovsdb-server")
        self.log = open(os.path.join(dbdir, "server.out"), "a")
        self.proc = subprocess.Popen(cmd, shell=True, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                out = open(os.path.join(dbdir, "server.out")).read()
                raise SystemExit("%s: server exited (%s): %s\n%s"
                                 % (self.label, self.proc.returncode, cmd,
                                    out[-2000:]))
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.sock)
                s.close()
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit("%s: server socket %s did not appear"
                         % (self.label, self.sock))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        stop_process_group(self.proc, 3)
        self.proc = None
        self.log.close()

    def reset(self):
        """Delete every row of every table of the wiped databases, on a
        private connection that is not recorded.  Restarts the server if
        it died or the reset fails."""
        if not self.alive():
            self.stop()
            self.start()
            return
        try:
            c = Conn(self.sock, "reset")
            for i, (db, tables) in enumerate(sorted(RESET_DBS.items())):
                ops = [{"op": "delete", "table": t, "where": []}
                       for t in tables]
                c.send({"method": "transact", "params": [db] + ops,
                        "id": "reset-%d" % i})
                while True:
                    m = c.recv(REPLY_TIMEOUT)
                    if m is None:
                        raise Closed()
                    if m.get("id") == "reset-%d" % i:
                        break
                res = m.get("result")
                if not isinstance(res, list) or any(
                        isinstance(r, dict) and "error" in r for r in res):
                    raise Closed()
            c.close()
        except (Closed, OSError):
            self.stop()
            self.start()


def load_reset_tables():
    for fname, schema in DATABASES:
        if fname == "vtep.db":
            continue
        s = json.load(open(schema))
        RESET_DBS[s["name"]] = sorted(s["tables"])


def run_cases(server, cases, outdir, fresh=False):
    os.makedirs(outdir, exist_ok=True)
    results = {}
    for case in cases:
        if fresh:
            server.stop()
            server.start()
        else:
            server.reset()
        events = CaseRunner(server.sock, case).run()
        text = normalise(events)
        with open(os.path.join(outdir, case["name"] + ".txt"), "w") as f:
            f.write(text)
        results[case["name"]] = text
    return results


# ---------------------------------------------------------------------------
# Comparison and CLI.

def compare(cases, left, right, lname, rname, verbose=True):
    bad = 0
    for case in cases:
        a, b = left.get(case["name"]), right.get(case["name"])
        if a == b:
            print("case %s: ok" % case["name"])
            continue
        bad += 1
        print("case %s: DIFF" % case["name"])
        if verbose:
            sys.stdout.writelines(difflib.unified_diff(
                (a or "").splitlines(True), (b or "").splitlines(True),
                "%s/%s" % (lname, case["name"]),
                "%s/%s" % (rname, case["name"]), n=4))
    return bad


def real_server_cmd():
    return REAL_SERVER_CMD


def make_servers(workdir, args):
    real_tool = find_real_tool("ovsdb-tool")
    real_srv = find_real_tool("ovsdb-server")
    if not real_tool or not real_srv:
        return None, None
    real = Server("real", real_server_cmd(), real_tool, workdir)
    cmd = os.environ.get("MICROVS_DBSERVER_CMD")
    if cmd:
        tool = os.environ.get("MICROVS_OVSDB_TOOL") or real_tool
        other = Server("microvs", cmd, tool, workdir)
    else:
        other = Server("real2", real_server_cmd(), real_tool, workdir)
    return real, other


def summary(cases):
    by = {}
    for c in cases:
        g = by.setdefault(c["group"], [0, 0])
        g[0] += 1
        g[1] += count_transactions(c)
    return by


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["diff", "record", "golden", "run", "list"])
    ap.add_argument("--cases", action="append",
                    help="glob on case or group names (repeatable)")
    ap.add_argument("--sock", help="server socket (run mode)")
    ap.add_argument("--out", help="transcript directory (run mode)")
    ap.add_argument("--fresh", action="store_true",
                    help="restart the server for every case")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="do not print diffs")
    args = ap.parse_args(argv[1:])

    cases = load_corpus(args.cases)
    load_reset_tables()

    if args.mode == "list":
        for c in cases:
            print("%-12s %-40s %d" % (c["group"], c["name"],
                                      count_transactions(c)))
        by = summary(cases)
        for g in sorted(by):
            print("group %-12s cases %3d transactions %3d" % (g, *by[g]))
        print("total cases %d transactions %d" %
              (len(cases), sum(count_transactions(c) for c in cases)))
        return 0

    if args.mode == "run":
        if not args.sock or not args.out:
            ap.error("run needs --sock and --out")
        srv = Server.__new__(Server)
        srv.sock = args.sock
        srv.alive = lambda: True
        srv.proc = None
        try:
            Server.reset(srv)
        except SystemExit:
            raise
        except Exception:
            pass
        run_cases(srv, cases, args.out)
        return 0

    workdir = tempfile.mkdtemp(prefix="ovsdb-diff.")
    t0 = time.monotonic()
    try:
        real, other = make_servers(workdir, args)
        if real is None:
            print("SKIP: real ovsdb-server/ovsdb-tool not found")
            return 77
        if args.mode == "record":
            real.start()
            try:
                res = run_cases(real, cases, os.path.join(workdir, "real"),
                                args.fresh)
            finally:
                real.stop()
            if not args.cases and os.path.isdir(GOLDEN_DIR):
                for f in glob.glob(os.path.join(GOLDEN_DIR, "*.txt")):
                    os.unlink(f)
            os.makedirs(GOLDEN_DIR, exist_ok=True)
            for name, text in res.items():
                with open(os.path.join(GOLDEN_DIR, name + ".txt"), "w") as f:
                    f.write(text)
            print("recorded %d cases in %s (%.1fs)"
                  % (len(res), GOLDEN_DIR, time.monotonic() - t0))
            return 0

        if args.mode == "golden":
            left = {}
            for c in cases:
                p = os.path.join(GOLDEN_DIR, c["name"] + ".txt")
                if os.path.exists(p):
                    left[c["name"]] = open(p).read()
            lname = "golden"
        else:
            real.start()
            try:
                left = run_cases(real, cases, os.path.join(workdir, "real"),
                                 args.fresh)
            finally:
                real.stop()
            lname = "real"
        other.start()
        try:
            right = run_cases(other, cases,
                              os.path.join(workdir, other.label), args.fresh)
        finally:
            other.stop()
        bad = compare(cases, left, right, lname, other.label,
                      verbose=not args.quiet)
        ntx = sum(count_transactions(c) for c in cases)
        print("%d cases (%d transactions), %d identical, %d differ; "
              "%s vs %s; %.1fs" % (len(cases), ntx, len(cases) - bad, bad,
                                   lname, other.label,
                                   time.monotonic() - t0))
        return 1 if bad else 0
    finally:
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
