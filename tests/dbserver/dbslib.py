# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the dbserver acceptance tests (standard library only).

Servers are started with tests/ovsdb-diff/ovsdb_diff.py's Server class, so
the convention is the same as the differential suite's:

  MICROVS_DBSERVER_CMD  shell command template starting the server under
                        test in the foreground; placeholders {sock} (unix
                        socket to listen on), {dbdir} (directory of the DB
                        files, fresh per server) and {dbs} (the files:
                        conf.db, vtep.db, difftest.db).  Unset: the real
                        ovsdb-server is the server under test.
  MICROVS_OVSDB_TOOL    creates the files (`TOOL create FILE SCHEMA`);
                        default the real ovsdb-tool.

The reference for output comparisons is always the real ovsdb-server.
"""

import atexit
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "ovsdb-diff"))

import ovsdb_diff  # noqa: E402  (Server, Conn, find_real_tool)

SKIP = 77
VSWITCH_SCHEMA = os.path.join(TOP, "schemas", "vswitch.ovsschema")
VTEP_SCHEMA = os.path.join(TOP, "schemas", "vtep.ovsschema")
UUID_RE = ovsdb_diff.UUID_RE

_workdir = None
_servers = []


def need_tools(*names):
    """Exit 77 unless every named real OVS program exists."""
    missing = [n for n in ("ovsdb-server", "ovsdb-tool") + names
               if not ovsdb_diff.find_real_tool(n)]
    if missing:
        print("SKIP: real Open vSwitch tools missing: " + " ".join(missing))
        sys.exit(SKIP)


def workdir():
    global _workdir
    if _workdir is None:
        _workdir = tempfile.mkdtemp(prefix="dbserver-test.")
        atexit.register(_cleanup)
    return _workdir


def _cleanup():
    for s in _servers:
        try:
            s.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    if os.environ.get("DBSERVER_TEST_KEEP"):
        print("kept " + _workdir)
    else:
        shutil.rmtree(_workdir, ignore_errors=True)


def under_test_is_real():
    return not os.environ.get("MICROVS_DBSERVER_CMD")


def banner():
    if under_test_is_real():
        print("MICROVS_DBSERVER_CMD unset: the server under test is the "
              "real ovsdb-server (harness self-check)")
    else:
        print("server under test: MICROVS_DBSERVER_CMD=%s"
              % os.environ["MICROVS_DBSERVER_CMD"])
        print("DB files created with: %s"
              % (os.environ.get("MICROVS_OVSDB_TOOL") or "real ovsdb-tool"))


def ref_server(label="real"):
    """The real ovsdb-server (not started)."""
    s = ovsdb_diff.Server(label, ovsdb_diff.REAL_SERVER_CMD,
                          ovsdb_diff.find_real_tool("ovsdb-tool"), workdir())
    _servers.append(s)
    return s


def sut_server():
    """The server under test (not started): MICROVS_DBSERVER_CMD, else the
    real ovsdb-server."""
    cmd = os.environ.get("MICROVS_DBSERVER_CMD")
    if not cmd:
        return ref_server("sut-real")
    tool = (os.environ.get("MICROVS_OVSDB_TOOL")
            or ovsdb_diff.find_real_tool("ovsdb-tool"))
    s = ovsdb_diff.Server("microvs", cmd, tool, workdir())
    _servers.append(s)
    return s


def kill9(server):
    """SIGKILL every process of the server's process group, reap it, and
    wait until the whole group is gone: the `sh -c` wrapper can be reaped
    while the server proper is still dying with its listening socket open
    (a client connecting then reaches the dead server, not the next one)."""
    pgid = server.proc.pid
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not live_members(pgid):
            break
        time.sleep(0.005)
    else:
        raise RuntimeError("process group %d still alive 10 s after "
                           "SIGKILL" % pgid)
    server.proc = None
    server.log.close()


def server_pid(server):
    """(pid of the server proper, all pids of its session): the `sh -c`
    wrapper excluded (bench/benchlib.py session_pids); if the command
    starts several processes, the first whose command line mentions the
    socket (else the oldest)."""
    sys.path.insert(0, os.path.join(TOP, "bench"))
    import benchlib  # noqa: E402
    pids = benchlib.server_pids(server)
    for p in pids:
        try:
            with open("/proc/%d/cmdline" % p, "rb") as f:
                if server.sock.encode() in f.read():
                    return p, pids
        except OSError:
            pass
    return pids[0], pids


def live_members(sid):
    """Processes of session sid that are not zombies (a zombie has closed
    its files; orphans may wait a while for init to reap them)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        rest = st[st.rindex(")") + 2:].split()
        if int(rest[3]) == sid and rest[0] != "Z":
            out.append(int(d))
    return out


def rpc(sock, method, params, timeout=10):
    """One JSON-RPC request on a fresh connection; returns the reply."""
    c = ovsdb_diff.Conn(sock, "rpc")
    try:
        c.send({"method": method, "params": params, "id": 1})
        while True:
            m = c.recv(timeout)
            if m is None:
                raise RuntimeError("%s: no reply in %ss" % (method, timeout))
            if m.get("id") == 1 and "method" not in m:
                return m
    finally:
        c.close()


def transact(sock, db, *ops):
    """transact; raises if the transaction or an operation failed."""
    r = rpc(sock, "transact", [db] + list(ops))
    res = r.get("result")
    if r.get("error") is not None or not isinstance(res, list) or any(
            isinstance(x, dict) and "error" in x for x in res):
        raise RuntimeError("transact failed: %s" % json.dumps(r))
    return res


class UuidNamer:
    """Replaces UUIDs in text by <uuid-N>, numbered in order of first
    appearance (one namer per transcript), or by a name from `names`
    (uuid -> label) when the caller knows which row it is."""

    def __init__(self, names=None):
        self.map = dict(names or {})
        self.n = 0

    def sub(self, text):
        def one(m):
            u = m.group(0).lower()
            if u not in self.map:
                self.n += 1
                self.map[u] = "<uuid-%d>" % self.n
            return self.map[u]
        return UUID_RE.sub(one, text)


def row_names(sock, db, schema_path):
    """uuid -> "Table:KEY" for every row of db whose table has a name-like
    column, so outputs whose row order depends on UUIDs normalise
    identically."""
    schema = json.load(open(schema_path))
    names = {}
    for table, t in sorted(schema["tables"].items()):
        key = next((k for k in ("name", "target", "MAC", "dst_ip", "id")
                    if k in t["columns"]), None)
        cols = ["_uuid"] + ([key] if key else [])
        r = rpc(sock, "transact", [db, {"op": "select", "table": table,
                                        "where": [], "columns": cols}])
        rows = r["result"][0]["rows"]
        for i, row in enumerate(sorted(rows, key=lambda x: json.dumps(
                x.get(key) if key else None))):
            k = row.get(key) if key else None
            label = json.dumps(k) if k is not None and len(rows) > 1 \
                else ("#%d" % i if len(rows) > 1 else "")
            names[row["_uuid"][1]] = "<%s%s>" % (table, ":" + label
                                                  if label else "")
    return names


class Checks:
    def __init__(self):
        self.failures = []
        self.count = 0

    def check(self, name, ok, detail=""):
        self.count += 1
        detail = str(detail)
        if ok and (len(detail) > 100 or "\n" in detail):
            detail = ""     # long details only for failures
        print(("ok:   " if ok else "FAIL: ") + name
              + (" (%s)" % detail if detail else ""))
        if not ok:
            self.failures.append(name)
        return ok

    def finish(self):
        print("%d checks, %d failed" % (self.count, len(self.failures)))
        for f in self.failures:
            print("  failed: " + f)
        return 1 if self.failures else 0

