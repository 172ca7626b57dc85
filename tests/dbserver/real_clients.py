#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Real Open vSwitch clients against the OVSDB server under test.

Debian's ovsdb-client, ovs-vsctl and vtep-ctl run the same sections against
the real ovsdb-server (reference) and the server under test
(MICROVS_DBSERVER_CMD; the real ovsdb-server again when unset).  Every
invocation's stdout, stderr and exit status must be equal after
normalisation (tests/vsctl-diff's: UUIDs -> content-derived labels, hash
ordered rows/sets sorted, timestamps masked); on top, the server under
test's results are checked against what they must mean (schema served ==
schema file, rows inserted are selected, monitors report
initial/insert/modify/delete, br-exists exit codes, ...).

Sections (each on fresh databases):
  client   list-dbs, get-schema (semantic compare with schemas/*.ovsschema),
           get-schema-version, list-tables, list-columns
  dump     transact (inserts + select), dump (all tables; one table, some
           columns; json format)
  monitor  `monitor Open_vSwitch Bridge name`, `Bridge name,external_ids`
           in table and json formats, while ovsdb-client transact inserts,
           modifies and deletes bridges
  S1 S5 S8 S14   the seed scenarios' ovs-vsctl / vtep-ctl sequences

usage: real_clients.py [--section NAME]... [-v]
Exit: 0 pass, 1 fail, 77 real OVS tools missing.
"""

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbslib  # noqa: E402

sys.path.insert(0, os.path.join(dbslib.TOP, "tests", "vsctl-diff"))
import run_diff as vdiff  # noqa: E402  (Snapshotter, Labeller, Normaliser)

TIMEOUT = 10.0
checks = dbslib.Checks()


# ---------------------------------------------------------------------------
# One run of a section against one server.

class Session:
    def __init__(self, server):
        self.server = server
        self.sock = server.sock
        self.remote = "unix:" + server.sock
        self.snap = vdiff.Snapshotter(server.sock)
        self.lab = vdiff.Labeller()
        self.lab.update(self.snap.snapshot())
        self.results = []
        self.env = dict(os.environ)
        for var in ("OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR",
                    "OVS_SYSCONFDIR"):
            self.env[var] = server.dbdir

    def snapshot(self):
        self.lab.update(self.snap.snapshot())

    def record(self, tool, args, out, err, rc, kind=None):
        self.results.append({"tool": tool, "args": args, "stdout": out,
                             "stderr": err, "rc": rc, "time": 0,
                             "kind": kind})
        self.snapshot()
        return self.results[-1]

    def run(self, tool, args, kind=None):
        """Run a real client; args exclude the remote, which goes first
        for ovsdb-client (after its options) and as --db for the ctls."""
        if tool == "ovsdb-client":
            opts = [a for a in args if a.startswith("-")]
            rest = [a for a in args if not a.startswith("-")]
            argv = [tool] + opts + rest[:1] + [self.remote] + rest[1:]
        elif tool == "ovs-vsctl":
            argv = [tool, "--db=" + self.remote, "--no-wait"] + args
        else:
            argv = [tool, "--db=" + self.remote] + args
        try:
            p = subprocess.run(argv, capture_output=True, env=self.env,
                               cwd=self.server.dbdir, timeout=TIMEOUT)
            out, err, rc = p.stdout, p.stderr, vdiff.rc_of(p.returncode)
        except subprocess.TimeoutExpired as e:
            out, err, rc = e.stdout or b"", e.stderr or b"", "timeout"
        return self.record(tool, args, out.decode("utf-8", "replace"),
                           err.decode("utf-8", "replace"), rc, kind)

    def vsctl(self, *args):
        return self.run("ovs-vsctl", list(args))

    def vtep(self, *args):
        return self.run("vtep-ctl", list(args))

    def client(self, *args, kind=None):
        return self.run("ovsdb-client", list(args), kind)

    def transact(self, db, *ops):
        """ovsdb-client transact; returns the parsed result list."""
        r = self.client("transact", json.dumps([db] + list(ops)),
                        kind="transact")
        try:
            return json.loads(r["stdout"])
        except ValueError:
            return None

    def normalised(self):
        norm = vdiff.Normaliser(self.lab, self.server.dbdir, {})
        out = []
        for r in self.results:
            n = norm.result(r)
            if r["kind"] == "dump":
                n["stdout"] = sort_dump(n["stdout"])
            elif r["kind"] == "monitor":
                n["stdout"] = sort_monitor(n["stdout"])
            elif r["kind"] == "transact":
                n["stdout"] = sort_select_rows(n["stdout"])
            elif r["kind"] == "listing":
                # list-tables/list-columns print in the client's own
                # hash-table order, which depends on the member order of
                # the schema JSON the server sends: compare them as sets.
                n["stdout"] = _sorted_table(n["stdout"])
            out.append(n)
        return out


def sort_select_rows(text):
    """A select returns its rows in UUID-hash order on any server: sort
    the rows of every select result."""
    try:
        results = json.loads(text)
    except ValueError:
        return text
    for r in results if isinstance(results, list) else []:
        if isinstance(r, dict) and isinstance(r.get("rows"), list):
            r["rows"].sort(key=lambda row: json.dumps(row, sort_keys=True))
    return json.dumps(results, sort_keys=True) + "\n"


def sort_dump(text):
    """ovsdb-client dump prints each table's rows in UUID order: sort the
    rows of every table block (table format) or the data (json)."""
    if text.startswith("[") or text.startswith("{"):
        try:
            objs = json.loads(text)
        except ValueError:
            return text
        for o in objs if isinstance(objs, list) else [objs]:
            if isinstance(o, dict) and isinstance(o.get("data"), list):
                o["data"].sort(key=lambda r: json.dumps(r, sort_keys=True))
        return json.dumps(objs, sort_keys=True, indent=1) + "\n"
    blocks = re.split(r"(?m)^(?=\S.* table$)", text)
    out = []
    for b in blocks:
        head, sep, body = b.partition("\n")
        out.append(head + sep + _sorted_table(body) if sep else b)
    return "".join(out)


def _sorted_table(body):
    """Sort the rows below the two heading lines of a table."""
    stripped = body.rstrip("\n")
    lines = stripped.split("\n")
    return "\n".join(lines[:2] + sorted(lines[2:])) + body[len(stripped):]


def sort_monitor(text):
    """Sort the rows of a monitor's "initial" update (several rows at
    once, in hash order); later updates carry one row each."""
    if text.lstrip().startswith("{"):
        out = []
        for line in text.splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                out.append(line)
                continue
            if all(len(r) > 1 and r[1] == "initial" for r in o["data"]):
                o["data"].sort(key=json.dumps)
            out.append(json.dumps(o, sort_keys=True))
        return "\n".join(out) + "\n"
    blocks = text.split("\n\n")
    return "\n\n".join(_sorted_table(b) if " initial " in b else b
                       for b in blocks)


# ---------------------------------------------------------------------------
# Sections.  Each takes a Session and returns nothing; the semantic checks
# run only on the server under test (ctx.sut).

def schema_canon(s):
    """Canonical form of an OVSDB schema: default members made explicit,
    enums sorted, documentation and cksum dropped."""
    def base(b):
        if isinstance(b, str):
            b = {"type": b}
        b = dict(b)
        if "enum" in b:
            e = b["enum"]
            e = e[1] if isinstance(e, list) and e and e[0] == "set" else [e]
            b["enum"] = sorted(e, key=json.dumps)
        if "refTable" in b:
            b.setdefault("refType", "strong")
        return b

    def typ(t):
        if isinstance(t, str):
            t = {"key": t}
        t = dict(t)
        t["key"] = base(t["key"])
        if "value" in t:
            t["value"] = base(t["value"])
        t.setdefault("min", 1)
        t.setdefault("max", 1)
        return t

    def strong_ref_to_nonroot(t):
        for b in (t["key"], t.get("value")):
            if b and "refTable" in b and b["refType"] == "strong" and \
                    not s["tables"][b["refTable"]].get("isRoot", False):
                return True
        return False

    out = {"name": s["name"], "version": s.get("version"), "tables": {}}
    for tn, t in s["tables"].items():
        cols = {}
        for cn, c in t["columns"].items():
            ct = typ(c["type"])
            # ovsdb-server serves an ephemeral column holding strong
            # references to a non-root table as persistent (its rows would
            # otherwise be garbage collected after a restart), e.g.
            # hardware_vtep Physical_Port.vlan_stats.
            eph = c.get("ephemeral", False) and not strong_ref_to_nonroot(ct)
            cols[cn] = {"type": ct, "ephemeral": eph,
                        "mutable": c.get("mutable", True)}
        out["tables"][tn] = {
            "columns": cols, "isRoot": t.get("isRoot", False),
            "maxRows": t.get("maxRows"),
            "indexes": sorted(sorted(i) for i in t.get("indexes", []))}
    return out


def sec_client(ss, sut):
    r = ss.client("list-dbs")
    if sut:
        dbs = r["stdout"].split()
        checks.check("list-dbs lists Open_vSwitch, hardware_vtep, _Server",
                     {"Open_vSwitch", "hardware_vtep", "_Server"} <= set(dbs),
                     " ".join(dbs))
    for db, path in (("Open_vSwitch", dbslib.VSWITCH_SCHEMA),
                     ("hardware_vtep", dbslib.VTEP_SCHEMA)):
        r = ss.client("get-schema", db)
        if sut:
            try:
                got = schema_canon(json.loads(r["stdout"]))
            except (ValueError, KeyError, TypeError) as e:
                got = repr(e)
            want = schema_canon(json.load(open(path)))
            checks.check("get-schema %s == %s (semantically)"
                         % (db, os.path.relpath(path, dbslib.TOP)),
                         got == want, _first_diff(want, got))
        ss.client("get-schema-version", db)
    r = ss.client("list-tables", "Open_vSwitch", kind="listing")
    if sut:
        want = set(json.load(open(dbslib.VSWITCH_SCHEMA))["tables"])
        got = set(r["stdout"].split()[2:])
        checks.check("list-tables Open_vSwitch: the schema's tables",
                     got == want, "missing %s extra %s"
                     % (sorted(want - got), sorted(got - want)))
    ss.client("list-tables", "hardware_vtep", kind="listing")
    r = ss.client("list-columns", "Open_vSwitch", "Bridge", kind="listing")
    if sut:
        want = set(json.load(open(dbslib.VSWITCH_SCHEMA))["tables"]
                   ["Bridge"]["columns"]) | {"_uuid", "_version"}
        got = {l.split()[0] for l in r["stdout"].splitlines()[2:]
               if l.strip()}
        checks.check("list-columns Open_vSwitch Bridge: the schema's "
                     "columns", got == want, "missing %s extra %s"
                     % (sorted(want - got), sorted(got - want)))
    ss.client("list-columns", "Open_vSwitch", kind="listing")
    ss.client("list-columns", "hardware_vtep", "Physical_Switch",
              kind="listing")


def _first_diff(a, b):
    if a == b:
        return ""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return "got %s" % str(b)[:200]
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            if isinstance(a.get(k), dict) and isinstance(b.get(k), dict):
                return k + "." + _first_diff(a[k], b[k])
            return "%s: want %s got %s" % (k, json.dumps(a.get(k))[:150],
                                           json.dumps(b.get(k))[:150])
    return ""


def bridge_ops(name, nports, ovs_row="ovs"):
    """Insert a bridge with nports ports (one interface each) and add it to
    the Open_vSwitch row named-uuid ovs_row (or the existing row)."""
    ops, ports = [], []
    for i in range(nports):
        pn = "%s-p%d" % (name, i)
        ops.append({"op": "insert", "table": "Interface",
                    "row": {"name": pn, "type": "internal"},
                    "uuid-name": "i_%s_%d" % (name.replace("-", "_"), i)})
        ops.append({"op": "insert", "table": "Port",
                    "row": {"name": pn, "interfaces":
                            ["named-uuid", "i_%s_%d"
                             % (name.replace("-", "_"), i)]},
                    "uuid-name": "p_%s_%d" % (name.replace("-", "_"), i)})
        ports.append(["named-uuid", "p_%s_%d" % (name.replace("-", "_"), i)])
    bn = "b_" + name.replace("-", "_")
    ops.append({"op": "insert", "table": "Bridge", "uuid-name": bn,
                "row": {"name": name, "ports": ["set", ports],
                        "external_ids": ["map", [["owner", "test"]]]}})
    ops.append({"op": "mutate", "table": "Open_vSwitch", "where": [],
                "mutations": [["bridges", "insert",
                               ["set", [["named-uuid", bn]]]]]})
    return ops


def sec_dump(ss, sut):
    res = ss.transact("Open_vSwitch",
                      {"op": "insert", "table": "Open_vSwitch", "row": {}})
    res = ss.transact("Open_vSwitch", *(bridge_ops("br0", 2)
                                        + bridge_ops("br1", 1)))
    if sut:
        checks.check("transact insert (3 interfaces, 3 ports, 2 bridges)",
                     isinstance(res, list) and len(res) == 10 and all(
                         "error" not in x for x in res), str(res)[:300])
    res = ss.transact("Open_vSwitch", {
        "op": "select", "table": "Bridge", "where": [],
        "columns": ["name", "external_ids"]})
    if sut:
        rows = res[0]["rows"] if isinstance(res, list) and res and \
            "rows" in res[0] else []
        checks.check("transact select sees the inserted bridges",
                     sorted(r["name"] for r in rows) == ["br0", "br1"] and
                     all(r["external_ids"] == ["map", [["owner", "test"]]]
                         for r in rows), str(res)[:300])
    ss.transact("Open_vSwitch", {
        "op": "select", "table": "Port", "where": [["name", "==", "br0-p1"]],
        "columns": ["name"]})
    r = ss.client("dump", "Open_vSwitch", kind="dump")
    if sut:
        checks.check("dump Open_vSwitch shows the rows",
                     r["rc"] == 0 and all(n in r["stdout"] for n in (
                         "Bridge table", "Port table", "Interface table",
                         "br0-p1", "br1-p0")), "rc %s" % r["rc"])
    ss.client("dump", "Open_vSwitch", "Bridge", "name", "ports",
              kind="dump")
    ss.client("--format=json", "dump", "Open_vSwitch", "Port", kind="dump")


class Monitor:
    """ovsdb-client monitor in the background; stdout read by a thread."""

    def __init__(self, ss, args):
        self.args = args
        opts = [a for a in args if a.startswith("-")]
        rest = [a for a in args if not a.startswith("-")]
        self.p = subprocess.Popen(
            ["ovsdb-client"] + opts + ["monitor", ss.remote] + rest,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ss.env,
            cwd=ss.server.dbdir)
        self.lines = []
        self.err = b""
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line.decode("utf-8", "replace"))

    def updates(self):
        """Number of updates printed so far."""
        text = "".join(self.lines)
        if "--format=json" in self.args:
            return text.count("\n")
        return len(re.findall(r"(?m)^row +action", text))

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t.join(5)
        return "".join(self.lines)


def wait_updates(mons, n):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if all(m.updates() >= n for m in mons):
            return True
        time.sleep(0.02)
    return False


def sec_monitor(ss, sut):
    ss.transact("Open_vSwitch",
                {"op": "insert", "table": "Open_vSwitch", "row": {}})
    ss.transact("Open_vSwitch", *(bridge_ops("br-a", 0)
                                  + bridge_ops("br-b", 0)))
    specs = [["Bridge", "name"], ["--format=json", "Bridge", "name"],
             ["Bridge", "name,external_ids"],
             ["--format=json", "Bridge", "name,external_ids"]]
    # Args as recorded: without the remote; "monitor" first for vdiff.
    mons = [Monitor(ss, ["Open_vSwitch"] + s) for s in specs]
    full = mons[2:]
    okinit = wait_updates(mons, 1)
    ss.transact("Open_vSwitch", *bridge_ops("br-c", 0))
    okins = wait_updates(mons, 2)
    ss.transact("Open_vSwitch", {
        "op": "mutate", "table": "Bridge", "where": [["name", "==", "br-c"]],
        "mutations": [["external_ids", "insert",
                       ["map", [["k", "v"]]]]]})
    okmod = wait_updates(full, 3)
    # Delete by removing the reference: garbage collection deletes it.
    uuid_a = [u for u, (t, row) in ss.lab.rows.items()
              if t == "Bridge" and row.get("name") == "br-a"]
    ss.transact("Open_vSwitch", {
        "op": "mutate", "table": "Open_vSwitch", "where": [],
        "mutations": [["bridges", "delete",
                       ["set", [["uuid", u] for u in uuid_a]]]]})
    okgc = wait_updates(mons[:2], 3) and wait_updates(full, 4)
    # An explicit delete (with the reference removed in the same
    # transaction).
    uuid_b = [u for u, (t, row) in ss.lab.rows.items()
              if t == "Bridge" and row.get("name") == "br-b"]
    ss.transact("Open_vSwitch", {
        "op": "mutate", "table": "Open_vSwitch", "where": [],
        "mutations": [["bridges", "delete",
                       ["set", [["uuid", u] for u in uuid_b]]]]},
        {"op": "delete", "table": "Bridge", "where": [["name", "==", "br-b"]]})
    okdel = wait_updates(mons[:2], 4) and wait_updates(full, 5)
    # A transaction that changes nothing must not be reported.
    ss.transact("Open_vSwitch", {
        "op": "mutate", "table": "Open_vSwitch", "where": [],
        "mutations": [["bridges", "delete", ["set", []]]]})
    time.sleep(0.2)
    outs = []
    for m in mons:
        text = m.stop()
        ss.record("ovsdb-client", ["monitor"] + m.args, text, "", 0,
                  kind="monitor")
        outs.append(text)
    if not sut:
        return
    checks.check("monitors print the initial rows", okinit)
    checks.check("monitors print an insert", okins)
    checks.check("monitor of name,external_ids prints a modify", okmod)
    checks.check("monitors print a delete (garbage-collected bridge)", okgc)
    checks.check("monitors print a delete (delete operation)", okdel)
    checks.check("no update for a transaction that changes nothing",
                 all(m.updates() == n for m, n in zip(mons, (4, 4, 5, 5))),
                 str([m.updates() for m in mons]))
    t = outs[2]
    checks.check("table monitor: initial br-a/br-b, insert br-c, old/new "
                 "br-c, delete br-a",
                 re.search(r"initial br-a", t) and re.search(
                     r"initial br-b", t) and re.search(r"insert +br-c", t)
                 and re.search(r"old +\{owner=test\}", t)
                 and re.search(r"new +br-c +\{k=v, owner=test\}", t)
                 and re.search(r"delete +br-a", t)
                 and re.search(r"delete +br-b", t), t)
    acts = [[r[1] for r in json.loads(l)["data"]]
            for l in outs[1].splitlines() if l.strip()]
    checks.check("json monitor (Bridge name): initial x2, insert, delete",
                 acts == [["initial", "initial"], ["insert"], ["delete"],
                         ["delete"]],
                 str(acts))


def sec_s1(ss, sut):
    ss.vsctl("add-br", "br0")
    r1 = ss.vsctl("list-br")
    r2 = ss.vsctl("br-exists", "br0")
    r3 = ss.vsctl("br-exists", "nobr")
    ss.vsctl("add-port", "br0", "eth0")
    r4 = ss.vsctl("list-ports", "br0")
    r5 = ss.vsctl("port-to-br", "eth0")
    ss.vsctl("show")
    ss.vsctl("del-port", "br0", "eth0")
    r6 = ss.vsctl("list-ports", "br0")
    ss.vsctl("del-br", "br0")
    r7 = ss.vsctl("list-br")
    ss.vsctl("show")
    if sut:
        checks.check("S1: list-br / br-exists 0,2 / list-ports / port-to-br",
                     (r1["stdout"], r2["rc"], r3["rc"], r4["stdout"],
                      r5["stdout"], r6["stdout"], r7["stdout"]) ==
                     ("br0\n", 0, 2, "eth0\n", "br0\n", "", ""),
                     str((r1["stdout"], r2["rc"], r3["rc"], r4["stdout"],
                          r5["stdout"], r6["stdout"], r7["stdout"])))


def sec_s5(ss, sut):
    ss.vsctl("add-br", "br0")
    ss.vsctl("add-br", "br1")
    ss.vsctl("add-port", "br0", "patch-to-br1", "--", "set", "interface",
             "patch-to-br1", "type=patch", "options:peer=patch-to-br0")
    ss.vsctl("add-port", "br1", "patch-to-br0", "--", "set", "interface",
             "patch-to-br0", "type=patch", "options:peer=patch-to-br1")
    ss.vsctl("add-port", "br0", "tap0")
    ss.vsctl("add-port", "br1", "tap1")
    ss.vsctl("list-br")
    ss.vsctl("list-ports", "br0")
    ss.vsctl("list-ports", "br1")
    r = ss.vsctl("get", "interface", "patch-to-br1", "type", "options")
    ss.vsctl("get", "interface", "patch-to-br0", "options:peer")
    ss.vsctl("show")
    ss.vsctl("list", "interface", "patch-to-br0")
    if sut:
        checks.check("S5: patch port type and options:peer stored",
                     r["stdout"] == 'patch\n{peer=patch-to-br0}\n',
                     repr(r["stdout"]))


def sec_s8(ss, sut):
    ss.vsctl("add-br", "br-int")
    for n, (mac, ifid, vmid) in enumerate((
            ("52:54:00:a1:b2:c3", "4d1c2a3e-1f4b-4c6d-8e9f-0a1b2c3d4e5f",
             "0b6f1c4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e"),
            ("52:54:00:a1:b2:c3", "4d1c2a3e-1f4b-4c6d-8e9f-0a1b2c3d4e5f",
             "0b6f1c4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e"),
            ("52:54:00:11:22:33", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
             "0b6f1c4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e"))):
        port = "vnet%d" % (0 if n < 2 else 1)
        ss.vsctl("--timeout=5", "--", "--if-exists", "del-port", port,
                 "--", "add-port", "br-int", port,
                 "--", "set", "Interface", port,
                 "external-ids:attached-mac=" + mac,
                 "--", "set", "Interface", port, "external-ids:iface-id=" + ifid,
                 "--", "set", "Interface", port, "external-ids:vm-id=" + vmid,
                 "--", "set", "Interface", port,
                 "external-ids:iface-status=active")
    ss.vsctl("list-ports", "br-int")
    r = ss.vsctl("get", "Interface", "vnet0", "external-ids")
    ss.vsctl("--columns=name,external_ids", "list", "Interface", "vnet1")
    ss.vsctl("show")
    ss.vsctl("--timeout=5", "--", "--if-exists", "del-port", "vnet0")
    ss.vsctl("list-ports", "br-int")
    if sut:
        checks.check("S8: libvirt's external-ids set on vnet0",
                     r["stdout"] == '{attached-mac="52:54:00:a1:b2:c3", '
                     'iface-id="4d1c2a3e-1f4b-4c6d-8e9f-0a1b2c3d4e5f", '
                     'iface-status=active, '
                     'vm-id="0b6f1c4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e"}\n',
                     repr(r["stdout"]))


def sec_s14(ss, sut):
    ss.vsctl("add-br", "br0")
    ss.vsctl("add-port", "br0", "p0")
    ss.vsctl("add-port", "br0", "p1")
    ss.vtep("add-ps", "br0")
    ss.vtep("set", "Physical_Switch", "br0", "tunnel_ips=10.0.0.1")
    # Without the VTEP emulator nothing creates the Physical_Port rows;
    # bind-ls fails "no port named p0" before these.
    ss.vtep("add-port", "br0", "p0")
    ss.vtep("add-port", "br0", "p1")
    ss.vtep("add-ls", "ls0")
    ss.vtep("bind-ls", "br0", "p0", "0", "ls0")
    ss.vtep("set", "Logical_Switch", "ls0", "tunnel_key=33")
    ss.vtep("add-mcast-remote", "ls0", "unknown-dst", "10.0.0.2")
    ss.vtep("set-replication-mode", "ls0", "source_node")
    ss.vtep("add-ucast-remote", "ls0", "00:11:22:33:44:55", "10.0.0.3")
    ss.vtep("set-manager", "tcp:127.0.0.1:6640")
    r1 = ss.vtep("list-ls")
    r2 = ss.vtep("list-remote-macs", "ls0")
    r3 = ss.vtep("list-bindings", "br0", "p0")
    r4 = ss.vtep("get-replication-mode", "ls0")
    r5 = ss.vtep("get-manager")
    ss.vtep("list-ps")
    ss.vtep("list-ports", "br0")
    ss.vtep("get", "Logical_Switch", "ls0", "tunnel_key")
    ss.vtep("get", "Physical_Switch", "br0", "tunnel_ips")
    ss.vsctl("show")
    if sut:
        got = (r1["stdout"], r2["stdout"], r3["stdout"], r4["stdout"],
               r5["stdout"])
        checks.check("S14: list-ls, list-remote-macs, list-bindings, "
                     "replication mode, manager", got == (
                         "ls0\n",
                         "ucast-mac-remote\n  00:11:22:33:44:55 -> "
                         "vxlan_over_ipv4/10.0.0.3\n\nmcast-mac-remote\n"
                         "  unknown-dst -> vxlan_over_ipv4/10.0.0.2\n\n",
                         "0000 ls0\n", "source_node\n",
                         "tcp:127.0.0.1:6640\n"), repr(got))


SECTIONS = [("client", sec_client), ("dump", sec_dump),
            ("monitor", sec_monitor), ("S1", sec_s1), ("S5", sec_s5),
            ("S8", sec_s8), ("S14", sec_s14)]


def show(r):
    return " ".join([r["tool"]] + [vdiff.shlex.quote(a) for a in r["args"]])


def compare(name, exp, got, verbose):
    same = True
    for i in range(max(len(exp), len(got))):
        e = exp[i] if i < len(exp) else None
        g = got[i] if i < len(got) else None
        if e and g and all(e[k] == g[k] for k in ("stdout", "stderr", "rc")):
            if verbose:
                print("  same: " + show(e))
            continue
        same = False
        r = e or g
        print("  DIFF: %s" % show(r))
        if not e or not g:
            print("    missing on the %s side"
                  % ("reference" if not e else "tested"))
            continue
        if e["rc"] != g["rc"]:
            print("    rc: real %s, tested %s" % (e["rc"], g["rc"]))
        for k in ("stdout", "stderr"):
            if e[k] != g[k]:
                for l in list(difflib.unified_diff(
                        e[k].splitlines(), g[k].splitlines(),
                        "real " + k, "tested " + k, n=2, lineterm=""))[:60]:
                    print("    " + l)
    checks.check("section %s: %d invocations print the same as against the "
                 "real ovsdb-server" % (name, len(exp)), same)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--section", action="append",
                    help="run only these sections (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    dbslib.need_tools("ovsdb-client", "ovs-vsctl", "vtep-ctl")
    dbslib.banner()
    t0 = time.monotonic()
    ref, sut = dbslib.ref_server(), dbslib.sut_server()
    for name, fn in SECTIONS:
        if args.section and name not in args.section:
            continue
        print("section %s" % name)
        outs = []
        for srv, is_sut in ((ref, False), (sut, True)):
            srv.start()
            try:
                ss = Session(srv)
                fn(ss, is_sut)
                outs.append(ss.normalised())
                if is_sut:
                    checks.check("section %s: server still running"
                                 % name, srv.alive())
            finally:
                srv.stop()
        compare(name, outs[0], outs[1], args.verbose)
    print("%.1f s" % (time.monotonic() - t0))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
