#!/usr/bin/python3
"""OVSDB server benchmark: microvs dbserver against the real ovsdb-server,
same workload, one run, printed as ratios (microvs / ovs).

Workloads (see bench/README.md):
  tps    small transactions (insert one row + mutate a counter), 1 client
         and then --clients concurrent clients, for --duration seconds each
  wide   the same with a mutate of next_cfg in the wide Open_vSwitch row
         (what every ovs-vsctl call commits), 1 and --clients clients
  ports  one transaction adding 1,000 ports (Port + Interface rows) to a
         bridge on the Open_vSwitch schema, then a select of all Ports, then
         one transaction removing them again (median of --rounds; the two
         servers run side by side and take turns round by round)
  mem    RSS after startup; --rows rows inserted in batches of --batch,
         then RSS and on-disk size of the database; then the server is
         started again on those files and timed until it answers

Setups: "ovs" = real ovsdb-server; "microvs" = MICROVS_DBSERVER_CMD with DB
files created by MICROVS_OVSDB_TOOL (tests/ovsdb-diff convention).  When
MICROVS_DBSERVER_CMD is unset, "microvs" is a second real ovsdb-server
(harness validation: every ratio should be close to 1).

Exit: 0 when every measurement ran (whatever the figures), 1 when a server
failed or answered with errors (the metric shows ERR), 2 when the harness
itself broke, 77 when the real ovsdb-server/ovsdb-tool is missing.
"""

import argparse
import collections
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402
from benchlib import ovsdb_diff  # noqa: E402

TOP = benchlib.TOP
BENCH_SCHEMA = os.path.join(HERE, "bench.ovsschema")
VSWITCH_SCHEMA = os.path.join(TOP, "schemas", "vswitch.ovsschema")
# The files every server gets ({dbs}, in this order): ovsdb_diff.Server
# creates them with the setup's ovsdb-tool.
ovsdb_diff.DATABASES = [("conf.db", VSWITCH_SCHEMA),
                        ("bench.db", BENCH_SCHEMA)]

WARMUP_TXNS = 20
REPLY_TIMEOUT = 120.0


class BenchError(Exception):
    """A server misbehaved (died, error reply): the metric becomes ERR."""


# ---------------------------------------------------------------------------
# Cheap request/reply path.  Setup traffic goes through ovsdb_diff.Conn; the
# timed paths send pre-encoded bytes on the same kind of socket and detect
# the end of the reply by counting braces (C speed), parsing only once.

class Reader:
    """Replies arriving on one socket.  Requests are sent as pre-encoded
    bytes; the end of a JSON text is found by counting braces (C speed) and
    each reply is parsed once.  Server echo requests are answered.  The
    socket stays blocking with a kernel receive timeout (SO_RCVTIMEO), so a
    receive is one syscall."""

    def __init__(self, sock, timeout=REPLY_TIMEOUT):
        self.sock = sock
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                        struct.pack("ll", int(timeout), 0))
        self.timeout = timeout
        self.chunks = []
        self.depth = 0
        self.msgs = collections.deque()
        self.nbytes = 0
        self.t_complete = None  # when the last complete text arrived

    def next(self):
        while True:
            while self.msgs:
                m = self.msgs.popleft()
                if isinstance(m, dict) and "method" in m:
                    if m["method"] == "echo" and m.get("id") is not None:
                        self.sock.sendall(json.dumps(
                            {"id": m["id"], "result": m.get("params"),
                             "error": None}).encode())
                    continue            # notifications are not expected
                return m
            self._fill()

    def _fill(self):
        while True:
            try:
                d = self.sock.recv(1 << 20)
            except (BlockingIOError, socket.timeout):
                raise BenchError("no reply within %.0f s" % self.timeout)
            except ConnectionResetError:
                d = b""
            if not d:
                raise BenchError("server closed the connection")
            self.nbytes += len(d)
            self.chunks.append(d)
            self.depth += d.count(b"{") - d.count(b"}")
            if self.depth <= 0:
                self.t_complete = time.monotonic()
                data = b"".join(self.chunks)
                msgs, rest = parse_all(data)
                self.chunks = [rest] if rest else []
                self.depth = rest.count(b"{") - rest.count(b"}")
                if msgs:
                    self.msgs.extend(msgs)
                    return


_DEC = json.JSONDecoder()


def parse_all(data):
    """Complete JSON texts at the start of data, and the rest."""
    try:
        return [json.loads(data)], b""
    except ValueError:
        pass
    s = data.decode("utf-8", "replace")
    out, pos = [], 0
    while True:
        while pos < len(s) and s[pos] in " \t\r\n":
            pos += 1
        if pos >= len(s):
            return out, b""
        try:
            obj, pos = _DEC.raw_decode(s, pos)
        except ValueError:
            return out, s[pos:].encode()
        out.append(obj)


def check_transact(reply, nops):
    if not isinstance(reply, dict) or reply.get("error") is not None:
        raise BenchError("transact error: %.300s" % json.dumps(reply))
    res = reply.get("result")
    if not isinstance(res, list) or len(res) < nops:
        raise BenchError("transact: bad result: %.300s" % json.dumps(reply))
    for r in res:
        if isinstance(r, dict) and "error" in r:
            raise BenchError("transact op error: %.300s" % json.dumps(r))
    return res


def call(sock_path, method, params, timeout=REPLY_TIMEOUT):
    """One untimed request on a fresh ovsdb_diff.Conn."""
    c = ovsdb_diff.Conn(sock_path, "setup")
    try:
        c.send({"id": 1, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            m = c.recv(max(deadline - time.monotonic(), 0))
            if m is None:
                raise BenchError("%s: no reply" % method)
            if isinstance(m, dict) and m.get("id") == 1 and "method" not in m:
                return m
    except ovsdb_diff.Closed:
        raise BenchError("%s: server closed the connection" % method)
    finally:
        c.close()


def transact(sock_path, db, ops):
    return check_transact(call(sock_path, "transact", [db] + ops), len(ops))


# ---------------------------------------------------------------------------
# Servers.

class Setup:
    def __init__(self, name, cmd, tool, workdir):
        self.name = name
        self.cmd = cmd
        self.tool = tool
        self.workdir = workdir
        self.server = None
        # One Server object: each start() gets a fresh directory
        # (ovs-1, ovs-2, ...) with freshly created DB files.
        self.srv = ovsdb_diff.Server(name, cmd, tool, workdir)

    def start(self):
        try:
            self.srv.start()
        except SystemExit as e:     # ovsdb_diff reports start failures so
            self.srv.stop()
            raise BenchError(str(e))
        self.server = self.srv
        return self.server

    def pids(self):
        if self.server is None or not self.server.alive():
            raise BenchError("%s: server is not running" % self.name)
        return benchlib.server_pids(self.server)

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None


def make_setups(workdir):
    real_tool = ovsdb_diff.find_real_tool("ovsdb-tool")
    real_srv = ovsdb_diff.find_real_tool("ovsdb-server")
    if not real_tool or not real_srv:
        return None, None, None
    ovs = Setup("ovs", ovsdb_diff.REAL_SERVER_CMD, real_tool, workdir)
    cmd = os.environ.get("MICROVS_DBSERVER_CMD")
    if cmd:
        tool = os.environ.get("MICROVS_OVSDB_TOOL") or real_tool
        return ovs, Setup("microvs", cmd, tool, workdir), "microvs"
    return ovs, Setup("microvs", ovsdb_diff.REAL_SERVER_CMD, real_tool,
                      workdir), "real-vs-real"


# ---------------------------------------------------------------------------
# (a) small-transaction throughput.

TPS_REQ = (b'{"id":%d,"method":"transact","params":["Bench",'
           b'{"op":"insert","table":"Item","row":{"name":"c%d-%d","n":%d}},'
           b'{"op":"mutate","table":"Counter","where":[],'
           b'"mutations":[["n","+=",1]]}]}')


def tps_check(reply, i):
    if reply.get("id") != i:
        raise BenchError("reply id %r, expected %d" % (reply.get("id"), i))
    check_transact(reply, 2)


def tps_worker(path, cid, t0, duration, window, ready, go, q):
    """One client: `window` transactions in flight (1 = wait for each
    reply before sending the next)."""
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        rd = Reader(s, 30)
        send = s.sendall
        i = 0
        for _ in range(WARMUP_TXNS):
            i += 1
            send(TPS_REQ % (i, cid, i, i))
            tps_check(rd.next(), i)
        ready.put(cid)
        go.wait()
        start = t0.value
        t_end = start + duration
        now = time.monotonic()
        if start > now:
            time.sleep(start - now)
        c0 = time.process_time()
        n = 0
        mono = time.monotonic
        done = i
        for _ in range(window):
            i += 1
            send(TPS_REQ % (i, cid, i, i))
        while mono() < t_end:
            done += 1
            tps_check(rd.next(), done)
            n += 1
            i += 1
            send(TPS_REQ % (i, cid, i, i))
        cpu = time.process_time() - c0
        while done < i:                 # drain what is still in flight
            done += 1
            tps_check(rd.next(), done)
        q.put((cid, n, done - WARMUP_TXNS - n, cpu, None))
        s.close()
    except Exception as e:      # reported to the parent
        q.put((cid, 0, 0, 0.0, "%s: %s" % (type(e).__name__, e)))


def client_compute_us(iterations=20000):
    """Pure client compute per transaction (format request, parse and check
    a canned reply), without any I/O: the floor of the client's cost."""
    reply = (b'{"id":%d,"result":[{"uuid":["uuid",'
             b'"6c0e3a1e-0c0d-4b33-9d5a-1f1b0f8f5b7a"]},{"count":1}],'
             b'"error":null}')
    t = time.process_time()
    for i in range(iterations):
        req = TPS_REQ % (i, 1, i, i)
        r = reply % i
        r.count(b"{")
        r.count(b"}")
        msgs, _ = parse_all(r)
        tps_check(msgs[0], i)
    del req
    return (time.process_time() - t) / iterations * 1e6


def build_loadgen(workdir):
    """Compile loadgen.c (the C client); None when no compiler works."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None, "no C compiler"
    out = os.path.join(workdir, "loadgen")
    r = subprocess.run([cc, "-O2", "-o", out,
                        os.path.join(HERE, "loadgen.c")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        return None, r.stdout.decode()[-500:]
    return out, None


# The Open_vSwitch row as a Debian host has it after start-up (ovs-ctl
# fills in versions, types and external_ids), with two bridges: what the
# "wide" workload's next_cfg += 1 is a change of.
WIDE_IFACE_TYPES = ["afxdp", "afxdp-nonpmd", "bareudp", "erspan", "geneve",
                    "gre", "gtpu", "internal", "ip6erspan", "ip6gre", "lisp",
                    "patch", "srv6", "stt", "system", "tap", "vxlan"]


def wide_setup(sock):
    transact(sock, "Open_vSwitch", [
        {"op": "insert", "table": "Open_vSwitch", "row": {
            "bridges": ["set", [["named-uuid", "b0"], ["named-uuid", "b1"]]],
            "cur_cfg": 0, "next_cfg": 0,
            "db_version": "8.3.1", "ovs_version": "3.1.0",
            "system_type": "debian", "system_version": "12",
            "datapath_types": ["set", ["netdev", "system"]],
            "iface_types": ["set", WIDE_IFACE_TYPES],
            "dpdk_initialized": False,
            "external_ids": ["map", [
                ["hostname", "hypervisor-01.example.net"],
                ["rundir", "/var/run/openvswitch"],
                ["system-id", "6f3e6a8e-3c1b-4f0e-9d2a-8d5c0b1e7a42"]]],
            "other_config": ["map", [["vlan-limit", "0"]]]}},
        {"op": "insert", "table": "Bridge", "row": {"name": "br-int"},
         "uuid-name": "b0"},
        {"op": "insert", "table": "Bridge", "row": {"name": "br-ex"},
         "uuid-name": "b1"}])


def wide_count(sock):
    return transact(sock, "Open_vSwitch", [
        {"op": "select", "table": "Open_vSwitch", "where": [],
         "columns": ["next_cfg"]}])[0]["rows"][0]["next_cfg"]


def narrow_setup(sock):
    transact(sock, "Bench",
             [{"op": "insert", "table": "Counter", "row": {"n": 0}}])


def narrow_count(sock):
    return transact(sock, "Bench", [
        {"op": "select", "table": "Counter", "where": [],
         "columns": ["n"]}])[0]["rows"][0]["n"]


# Workload name -> (setup, committed-transaction count), for loadgen.
WORKLOADS = {"narrow": (narrow_setup, narrow_count),
             "wide": (wide_setup, wide_count)}


def run_tps_c(setups, loadgen, nclients, duration, window, segment,
              pin=None, workload="narrow"):
    """Throughput with the C client, both servers running side by side and
    measured in alternating segments (A B B A A B ...), so that load from
    elsewhere on the machine that comes and goes hits both alike.
    Returns ({setup name: result or None}, {setup name: error})."""
    nseg = max(1, int(round(duration / segment)))
    seg = duration / nseg
    live, errors = {}, {}
    wl_setup, wl_count = WORKLOADS[workload]

    def fail(name, e):
        errors[name] = str(e)
        lg = live.pop(name, None)
        if lg:
            lg["proc"].kill()
            lg["proc"].wait()

    try:
        for st in setups:
            try:
                srv = st.start()
                wl_setup(srv.sock)
                p = subprocess.Popen(
                    [loadgen, srv.sock, str(nclients), str(window),
                     "%.6f" % seg, str(WARMUP_TXNS), workload],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    preexec_fn=None if pin is None else
                    (lambda: os.sched_setaffinity(0, {pin})))
                live[st.name] = {"setup": st, "proc": p, "txns": 0,
                                 "extra": 0, "ccpu": 0.0, "scpu": 0.0,
                                 "elapsed": 0.0, "seg_tps": []}
                line = p.stdout.readline().decode().strip()
                if line != "ready":
                    raise BenchError("loadgen: %s" % (line or "exited"))
                live[st.name]["pids"] = st.pids()
            except BenchError as e:
                fail(st.name, e)
        for k in range(nseg):
            names = [st.name for st in setups]
            if k % 2:
                names.reverse()
            for name in names:
                lg = live.get(name)
                if not lg:
                    continue
                try:
                    p = lg["proc"]
                    cpu0 = benchlib.cpu_seconds(lg["pids"])
                    p.stdin.write(b"go\n")
                    p.stdin.flush()
                    line = p.stdout.readline().decode().split()
                    cpu1 = benchlib.cpu_seconds(lg["pids"])
                    if not line or line[0] != "done":
                        raise BenchError("loadgen: %s"
                                         % " ".join(line or ["exited"]))
                    t, x = int(line[1]), int(line[2])
                    lg["txns"] += t
                    lg["extra"] += x
                    lg["ccpu"] += float(line[3])
                    lg["elapsed"] += float(line[4])
                    lg["scpu"] += cpu1 - cpu0
                    lg["seg_tps"].append(t / float(line[4]))
                except BenchError as e:
                    fail(name, e)
        out = {}
        for name in list(live):
            lg = live[name]
            try:
                lg["proc"].stdin.close()
                lg["proc"].wait(30)
                srv = lg["setup"].server
                n = wl_count(srv.sock)
                expect = lg["txns"] + lg["extra"] + nclients * WARMUP_TXNS
                if n != expect:
                    raise BenchError("counter is %s, expected %d committed "
                                     "transactions" % (n, expect))
                total = lg["txns"]
                out[name] = {
                    "tps": total / lg["elapsed"],
                    "txns": total,
                    "segments": nseg,
                    "segment_tps": [round(x) for x in lg["seg_tps"]],
                    "server_cpu_us_per_txn":
                        lg["scpu"] / (total + lg["extra"]) * 1e6,
                    "server_busy_pct": lg["scpu"] / lg["elapsed"] * 100,
                    "client_cpu_us_per_txn": lg["ccpu"] / total * 1e6,
                    "client_busy_pct": lg["ccpu"] / lg["elapsed"] * 100,
                    "server_procs": benchlib.proc_names(lg["pids"]),
                }
            except (BenchError, subprocess.TimeoutExpired, ZeroDivisionError,
                    OSError) as e:
                fail(name, e)
        return out, errors
    finally:
        for lg in live.values():
            if lg["proc"].poll() is None:
                lg["proc"].kill()
                lg["proc"].wait()
        for st in setups:
            st.stop()


def run_tps(setup, nclients, duration, window=1):
    srv = setup.start()
    try:
        transact(srv.sock, "Bench",
                 [{"op": "insert", "table": "Counter", "row": {"n": 0}}])
        ctx = multiprocessing.get_context("fork")
        t0 = ctx.Value("d", 0.0)
        ready, q, go = ctx.Queue(), ctx.Queue(), ctx.Event()
        procs = [ctx.Process(target=tps_worker,
                             args=(srv.sock, cid, t0, duration, window,
                                   ready, go, q))
                 for cid in range(nclients)]
        for p in procs:
            p.start()
        got = 0
        deadline = time.monotonic() + 30
        while got < nclients:
            try:
                ready.get(timeout=max(deadline - time.monotonic(), 0.1))
                got += 1
            except Exception:
                # A worker failed during warm-up: its error is in q.
                break
        pids = setup.pids()
        start = time.monotonic() + 0.05
        t0.value = start
        go.set()
        time.sleep(max(start - time.monotonic(), 0))
        cpu0 = benchlib.cpu_seconds(pids)
        time.sleep(max(start + duration - time.monotonic(), 0))
        cpu1 = benchlib.cpu_seconds(pids)
        results = [q.get(timeout=60) for _ in range(nclients)]
        for p in procs:
            p.join(10)
        errs = [r[4] for r in results if r[4]]
        if errs:
            raise BenchError("client: " + errs[0])
        total = sum(r[1] for r in results)
        extra = sum(r[2] for r in results)
        ccpu = sum(r[3] for r in results)
        # Every committed transaction incremented the counter once.
        rows = transact(srv.sock, "Bench", [
            {"op": "select", "table": "Counter", "where": [],
             "columns": ["n"]}])[0]["rows"]
        expect = total + extra + nclients * WARMUP_TXNS
        if rows[0]["n"] != expect:
            raise BenchError("counter is %s, expected %d committed "
                             "transactions" % (rows[0]["n"], expect))
        return {
            "tps": total / duration,
            "txns": total,
            "server_cpu_us_per_txn": (cpu1 - cpu0) / total * 1e6
            if total else None,
            "server_busy_pct": (cpu1 - cpu0) / duration * 100,
            "client_cpu_us_per_txn": ccpu / total * 1e6 if total else None,
            "client_busy_pct": ccpu / duration * 100,
            "server_procs": benchlib.proc_names(pids),
        }
    finally:
        setup.stop()


# ---------------------------------------------------------------------------
# (b) one transaction adding 1,000 ports.

def ports_txn(nports, rnd):
    ops = []
    for j in range(nports):
        name = "p%d" % j
        ops.append({"op": "insert", "table": "Interface",
                    "row": {"name": name}, "uuid-name": "i%d" % j})
        ops.append({"op": "insert", "table": "Port",
                    "row": {"name": name,
                            "interfaces": ["named-uuid", "i%d" % j]},
                    "uuid-name": "p%d" % j})
    ops.append({"op": "mutate", "table": "Bridge",
                "where": [["name", "==", "br0"]],
                "mutations": [["ports", "insert",
                               ["set", [["named-uuid", "p%d" % j]
                                        for j in range(nports)]]]]})
    return ops


def timed(rd, rid, ops):
    """Send one pre-encoded transact; seconds until the last byte of the
    reply arrived (the request is encoded before the clock starts, the
    reply parsed after it stops)."""
    data = json.dumps({"id": rid, "method": "transact",
                       "params": ["Open_vSwitch"] + ops},
                      separators=(",", ":")).encode()
    n0 = rd.nbytes
    t = time.monotonic()
    rd.sock.sendall(data)
    reply = rd.next()
    dt = rd.t_complete - t
    if reply.get("id") != rid:
        raise BenchError("reply id %r, expected %r" % (reply.get("id"), rid))
    return dt, check_transact(reply, len(ops)), rd.nbytes - n0


class PortsRun:
    """The 1,000-port rounds on one server, one round at a time, so that
    two servers can take turns (run_ports)."""

    def __init__(self, setup, nports):
        self.setup, self.nports = setup, nports
        self.srv = setup.start()
        transact(self.srv.sock, "Open_vSwitch", [
            {"op": "insert", "table": "Open_vSwitch",
             "row": {"bridges": ["named-uuid", "br"]}},
            {"op": "insert", "table": "Bridge", "row": {"name": "br0"},
             "uuid-name": "br"}])
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.srv.sock)
        self.rd = Reader(self.sock)
        self.add, self.sel, self.dele, self.sel_bytes = [], [], [], 0

    def round(self, rnd):
        rd, nports = self.rd, self.nports
        dt, _, _ = timed(rd, "add%d" % rnd, ports_txn(nports, rnd))
        self.add.append(dt)
        dt, res, self.sel_bytes = timed(rd, "sel%d" % rnd, [
            {"op": "select", "table": "Port", "where": []}])
        if len(res[0]["rows"]) != nports:
            raise BenchError("select returned %d Port rows, expected %d"
                             % (len(res[0]["rows"]), nports))
        self.sel.append(dt)
        # Empty the bridge: the Ports and Interfaces are then
        # unreferenced and garbage-collected.
        dt, _, _ = timed(rd, "del%d" % rnd, [
            {"op": "update", "table": "Bridge",
             "where": [["name", "==", "br0"]],
             "row": {"ports": ["set", []]}}])
        self.dele.append(dt)
        left = transact(self.srv.sock, "Open_vSwitch", [
            {"op": "select", "table": "Port", "where": [],
             "columns": ["name"]},
            {"op": "select", "table": "Interface", "where": [],
             "columns": ["name"]}])
        if left[0]["rows"] or left[1]["rows"]:
            raise BenchError("%d Port / %d Interface rows left after "
                             "emptying the bridge"
                             % (len(left[0]["rows"]), len(left[1]["rows"])))

    def result(self):
        return {"add_ms": statistics.median(self.add) * 1e3,
                "select_ms": statistics.median(self.sel) * 1e3,
                "delete_ms": statistics.median(self.dele) * 1e3,
                "add_all_ms": [round(x * 1e3, 2) for x in self.add],
                "select_bytes": self.sel_bytes}

    def close(self):
        try:
            self.sock.close()
        finally:
            self.setup.stop()


def run_ports(setups, nports, rounds):
    """Both servers run side by side and take turns round by round (A B,
    B A, ...), as the throughput segments do, so that load from elsewhere
    that comes and goes hits both alike.  Returns ({name: result or
    None}, {name: error})."""
    runs, errors = {}, {}
    try:
        for st in setups:
            try:
                runs[st.name] = PortsRun(st, nports)
            except BenchError as e:
                errors[st.name] = str(e)
                st.stop()
        for rnd in range(rounds):
            order = list(setups) if rnd % 2 == 0 else list(setups)[::-1]
            for st in order:
                run = runs.get(st.name)
                if not run:
                    continue
                try:
                    run.round(rnd)
                except BenchError as e:
                    errors[st.name] = str(e)
                    run.close()
                    del runs[st.name]
        return {st.name: runs[st.name].result() if st.name in runs
                else None for st in setups}, errors
    finally:
        for run in runs.values():
            run.close()


# ---------------------------------------------------------------------------
# (c) memory with many rows.

def db_size_kb(dbdir, base="bench.db"):
    total = 0
    for f in os.listdir(dbdir):
        if f.startswith(base) or f.startswith("." + base):
            p = os.path.join(dbdir, f)
            if os.path.isfile(p):
                total += os.path.getsize(p)
    return total / 1024


def run_mem(setup, nrows, batch, settle):
    batches = []
    for b in range(0, nrows, batch):
        ops = [{"op": "insert", "table": "Item",
                "row": {"name": "item-%07d" % i, "n": i,
                        "external_ids": ["map", [["k", "v%d" % i]]]}}
               for i in range(b, min(b + batch, nrows))]
        batches.append((len(ops), json.dumps(
            {"id": b, "method": "transact", "params": ["Bench"] + ops},
            separators=(",", ":")).encode()))
    srv = setup.start()
    try:
        time.sleep(settle)
        pids = setup.pids()
        rss0 = benchlib.rss_kb(pids)
        size0 = db_size_kb(srv.dbdir)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(srv.sock)
        rd = Reader(s)
        t = time.monotonic()
        for n, data in batches:
            s.sendall(data)
            check_transact(rd.next(), n)
        dt = time.monotonic() - t
        s.close()
        time.sleep(settle)
        got = transact(srv.sock, "Bench", [
            {"op": "select", "table": "Item", "where": [["n", "==", 0]],
             "columns": ["name"]}])
        if len(got[0]["rows"]) != 1:
            raise BenchError("row 0 not found after the inserts")
        rss1 = benchlib.rss_kb(setup.pids())
        db_kb = db_size_kb(srv.dbdir)
        # Start-up with the rows: the server again on the same files,
        # timed until it answers (it loads, and checks, every row first).
        srv.stop()
        t = time.monotonic()
        try:
            srv.launch()
        except SystemExit as e:
            raise BenchError(str(e))
        got = transact(srv.sock, "Bench", [
            {"op": "select", "table": "Item", "where": [["n", "==", 0]],
             "columns": ["name"]}])
        restart_s = time.monotonic() - t
        restart_cpu = benchlib.cpu_seconds(setup.pids())
        if len(got[0]["rows"]) != 1:
            raise BenchError("row 0 not found after the restart")
        return {"rss_empty_kb": rss0, "rss_rows_kb": rss1,
                "rss_per_row_b": (rss1 - rss0) * 1024 / nrows,
                "db_empty_kb": size0, "db_rows_kb": db_kb,
                "insert_rows_per_s": nrows / dt,
                "restart_ms": restart_s * 1000,
                "restart_cpu_ms": restart_cpu * 1000,
                "server_procs": benchlib.proc_names(pids)}
    finally:
        setup.stop()


# ---------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 s per throughput test, 10,000 rows, "
                         "1 round of the ports test")
    ap.add_argument("--duration", type=float,
                    help="seconds per throughput test (default 5, quick 1)")
    ap.add_argument("--segment", type=float, default=0.5,
                    help="throughput tests alternate between the servers "
                         "in segments of about this many seconds (C "
                         "client; default 0.5, quick 0.25)")
    ap.add_argument("--pin-client", type=int, metavar="CPU",
                    help="run the C client on this CPU only (on the 2-CPU "
                         "VM this made the 1-client figure noisier)")
    ap.add_argument("--clients", type=int, default=10,
                    help="concurrent clients of the second throughput test")
    ap.add_argument("--window", type=int, default=16,
                    help="transactions in flight in the extra pipelined "
                         "throughput test (server capacity; 1 = skip it)")
    ap.add_argument("--client", choices=["auto", "c", "python"],
                    default="auto",
                    help="throughput client: loadgen.c compiled at run "
                         "time (one process, one connection per client; "
                         "auto = C when a compiler works) or Python "
                         "(one process per client)")
    ap.add_argument("--ports", type=int, default=1000)
    ap.add_argument("--rounds", type=int,
                    help="rounds of the ports test (median; default 5)")
    ap.add_argument("--rows", type=int,
                    help="rows for the memory test (default 100000)")
    ap.add_argument("--batch", type=int, default=1000,
                    help="rows per insert transaction in the memory test")
    ap.add_argument("--only", action="append",
                    choices=["tps", "wide", "ports", "mem"],
                    help="run only these workloads (repeatable)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (DBs, server logs)")
    args = ap.parse_args(argv[1:])
    duration = args.duration or (1.0 if args.quick else 5.0)
    if args.quick and args.segment == 0.5:
        args.segment = 0.25
    rounds = args.rounds or (1 if args.quick else 5)
    nrows = args.rows or (10000 if args.quick else 100000)
    only = set(args.only or ["tps", "wide", "ports", "mem"])

    def body(workdir):
        ovs, mvs, mode = make_setups(workdir)
        if ovs is None:
            print("SKIP: real ovsdb-server/ovsdb-tool not found")
            return 77
        note = None
        if mode == "real-vs-real":
            note = ("MICROVS_DBSERVER_CMD is unset: the 'microvs' column is "
                    "a second real ovsdb-server (harness validation; every "
                    "ratio should be close to 1.0)")
        res = benchlib.Results("ovsdb", mode, note)
        print("bench_ovsdb: mode %s; ovs: %s" % (mode, ovs.cmd))
        print("  microvs: %s (tool %s)" % (mvs.cmd, mvs.tool))
        if note:
            print("NOTE: " + note)
        print("  %d CPUs; throughput %.1f s x (1, %d clients); %d ports x %d "
              "rounds; %d rows in batches of %d"
              % (os.cpu_count(), duration, args.clients, args.ports, rounds,
                 nrows, args.batch))
        sys.stdout.flush()

        def measure(key, fn, *a):
            out = {}
            for st in (ovs, mvs):
                try:
                    out[st.name] = fn(st, *a)
                except BenchError as e:
                    out[st.name] = None
                    res.errors.append("%s %s: %s" % (key, st.name, e))
                    print("ERROR: %s %s: %s" % (key, st.name, e))
            res.info[key] = out
            return out

        loadgen = None
        if only & {"tps", "wide"} and args.client != "python":
            loadgen, why = build_loadgen(workdir)
            if not loadgen:
                if args.client == "c":
                    raise RuntimeError("cannot build loadgen.c: %s" % why)
                print("NOTE: C client not built (%s): Python clients, "
                      "which cost more CPU per transaction" % why)
        res.info["client"] = "c" if loadgen else "python"
        # (metric, its server-CPU metric, clients, window, workload)
        runs = []
        if "tps" in only:
            res.define("tps1", "small txns, 1 client", "txn/s", "higher",
                       1.2)
            res.define("tpsN", "small txns, %d clients" % args.clients,
                       "txn/s", "higher", 1.5)
            runs += [("tps1", "cpu1", 1, 1, "narrow"),
                     ("tpsN", "cpuN", args.clients, 1, "narrow")]
            if args.window > 1:
                res.define("tpsP", "small txns, 1 client, %d in flight"
                           % args.window, "txn/s", "higher")
                runs.append(("tpsP", "cpuP", 1, args.window, "narrow"))
        if "wide" in only and not loadgen:
            print("NOTE: the wide-row workload needs the C client: skipped")
        elif "wide" in only:
            res.define("wide1", "wide-row mutate, 1 client", "txn/s",
                       "higher", 1.2)
            res.define("wideN", "wide-row mutate, %d clients"
                       % args.clients, "txn/s", "higher", 1.5)
            runs += [("wide1", "wcpu1", 1, 1, "wide"),
                     ("wideN", "wcpuN", args.clients, 1, "wide")]
        for key, cpukey, n, window, _ in runs:
            what = "wide-row mutate" if key.startswith("wide") else "txn"
            res.define(cpukey, "server CPU per %s, %s" % (
                what, "%d in flight" % window if window > 1 else
                "1 client" if n == 1 else "%d clients" % n), "us", "lower")
        for key, cpukey, n, window, workload in runs:
            if loadgen:
                out, errs = run_tps_c((ovs, mvs), loadgen, n, duration,
                                      window, args.segment,
                                      args.pin_client, workload)
                for name, e in errs.items():
                    res.errors.append("%s %s: %s" % (key, name, e))
                    print("ERROR: %s %s: %s" % (key, name, e))
                out = {st.name: out.get(st.name) for st in (ovs, mvs)}
                res.info[key] = out
                a, b = out["ovs"], out["microvs"]
                if a and b:
                    segr = sorted(y / x for x, y in
                                  zip(a["segment_tps"],
                                      b["segment_tps"]) if x)
                    if segr:
                        res.info[key + "_segment_ratio"] = {
                            "min": round(segr[0], 3),
                            "median": round(statistics.median(segr), 3),
                            "max": round(segr[-1], 3)}
            else:
                out = measure(key, run_tps, n, duration, window)
            for name, r in out.items():
                res.set(key, name, r and r["tps"])
                res.set(cpukey, name, r and r["server_cpu_us_per_txn"])
        if "tps" in only and not loadgen:
            res.info["client_compute_us_per_txn"] = client_compute_us()
        if "ports" in only:
            res.define("ports_add", "add %d ports, one txn" % args.ports,
                       "ms", "lower", 0.5)
            res.define("ports_select", "select %d Ports" % args.ports, "ms",
                       "lower")
            res.define("ports_del", "remove %d ports, one txn" % args.ports,
                       "ms", "lower")
            out, errs = run_ports((ovs, mvs), args.ports, rounds)
            for name, e in errs.items():
                res.errors.append("ports %s: %s" % (name, e))
                print("ERROR: ports %s: %s" % (name, e))
            res.info["ports"] = out
            a, b = out["ovs"], out["microvs"]
            if a and b:
                rr = sorted(y / x for x, y in zip(a["add_all_ms"],
                                                  b["add_all_ms"]) if x)
                res.info["ports_add_round_ratio"] = {
                    "min": round(rr[0], 3),
                    "median": round(statistics.median(rr), 3),
                    "max": round(rr[-1], 3)}
            for name, r in out.items():
                res.set("ports_add", name, r and r["add_ms"])
                res.set("ports_select", name, r and r["select_ms"])
                res.set("ports_del", name, r and r["delete_ms"])
        if "mem" in only:
            res.define("rss_empty", "RSS after startup", "kB", "lower",
                       True)
            res.define("rss_rows", "RSS with %d rows" % nrows, "kB",
                       "lower", True)
            res.define("rss_per_row", "RSS growth per row", "B", "lower")
            res.define("db_rows", "DB on disk with %d rows" % nrows, "kB",
                       "lower")
            res.define("insert_rate", "insert, %d rows/txn" % args.batch,
                       "rows/s", "higher")
            res.define("restart", "start-up with %d rows, until it "
                       "answers" % nrows, "ms", "lower")
            res.define("restart_cpu", "server CPU of that start-up", "ms",
                       "lower")
            out = measure("mem", run_mem, nrows, args.batch, 0.3)
            for name, r in out.items():
                res.set("rss_empty", name, r and r["rss_empty_kb"])
                res.set("rss_rows", name, r and r["rss_rows_kb"])
                res.set("rss_per_row", name, r and r["rss_per_row_b"])
                res.set("db_rows", name, r and r["db_rows_kb"])
                res.set("insert_rate", name, r and r["insert_rows_per_s"])
                res.set("restart", name, r and r["restart_ms"])
                res.set("restart_cpu", name, r and r["restart_cpu_ms"])

        print()
        res.print_table()
        print()
        if runs:
            print("client overhead (is the client the bottleneck?), %s "
                  "client:" % res.info["client"])
            if not loadgen:
                print("  pure client compute per txn, no I/O: %.1f us"
                      % res.info["client_compute_us_per_txn"])
            for key, _, _, _, _ in runs:
                for name, r in res.info[key].items():
                    if r:
                        print("  %-4s %-7s client CPU %.1f us/txn (%.0f%% "
                              "of a core), server CPU %.1f "
                              "us/txn (%.0f%% of a core) %s"
                              % (key, name, r["client_cpu_us_per_txn"],
                                 r["client_busy_pct"],
                                 r["server_cpu_us_per_txn"],
                                 r["server_busy_pct"],
                                 " ".join(r["server_procs"])))
                sr = res.info.get(key + "_segment_ratio")
                if sr:
                    print("  %-4s ratio per segment: min %.3f median %.3f "
                          "max %.3f (%d segments of %.2f s each)"
                          % (key, sr["min"], sr["median"], sr["max"],
                             res.info[key]["ovs"]["segments"],
                             duration / res.info[key]["ovs"]["segments"]))
            print("  (a server near 100%% of a core is the bottleneck; with "
                  "%d CPUs, clients + server above %d%% share the CPUs)"
                  % (os.cpu_count(), os.cpu_count() * 100))
        if "ports" in only:
            for name, r in res.info["ports"].items():
                if r:
                    print("ports %-7s add rounds (ms) %s; select reply %d "
                          "bytes" % (name, r["add_all_ms"],
                                     r["select_bytes"]))
            rr = res.info.get("ports_add_round_ratio")
            if rr:
                print("ports add ratio per round (the servers take turns): "
                      "min %.3f median %.3f max %.3f"
                      % (rr["min"], rr["median"], rr["max"]))
        if "mem" in only:
            for name, r in res.info["mem"].items():
                if r:
                    print("mem   %-7s DB empty %.0f kB; processes %s"
                          % (name, r["db_empty_kb"],
                             " ".join(r["server_procs"])))
        res.info["quick"] = args.quick
        return res

    return benchlib.run_main("ovsdb", args.keep, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
