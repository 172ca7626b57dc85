#!/usr/bin/python3
"""Differential test harness for ovs-vsctl / vtep-ctl.

Runs every invocation of the corpus files (vsctl.cases, vtep.cases) twice:
once against the reference setup (real Open vSwitch: ovsdb-tool,
ovsdb-server, ovs-vsctl, vtep-ctl) and once against "ours" (microvs
components selected through MICROVS_* environment variables, any unset one
falling back to the reference binary), then compares normalised stdout,
stderr and exit status.  See README.md for the corpus format and options.
"""

import argparse
import concurrent.futures
import difflib
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")
CASE_FILES = {"vsctl": "vsctl.cases", "vtep": "vtep.cases"}
TOOLS = ("ovs-vsctl", "vtep-ctl")
INVOCATION_TIMEOUT = 10.0

UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


# --------------------------------------------------------------------------
# Setups
# --------------------------------------------------------------------------

REF_DEFAULTS = {
    "ovs-vsctl": "/usr/bin/ovs-vsctl",
    "vtep-ctl": "/usr/bin/vtep-ctl",
    "ovsdb-tool": "/usr/bin/ovsdb-tool",
    "ovsdb-server": "/usr/sbin/ovsdb-server",
    "vswitch-schema": "/usr/share/openvswitch/vswitch.ovsschema",
    "vtep-schema": "/usr/share/openvswitch/vtep.ovsschema",
}


def ref_server_template(server):
    return (shlex.quote(server) +
            " --remote=punix:{sock} --unixctl={dbdir}/ovsdb-server.ctl"
            " --no-chdir {conf_db} {vtep_db}")


class Setup:
    """One way of running the tools: binaries + server command template."""

    def __init__(self, name, tools, ovsdb_tool, server_cmd, schemas):
        self.name = name
        self.tools = tools            # argv0 name -> executable path
        self.ovsdb_tool = ovsdb_tool
        self.server_cmd = server_cmd  # template string
        self.schemas = schemas        # (vswitch, vtep)

    def describe(self):
        return "%s: %s" % (self.name, ", ".join(
            ["%s=%s" % kv for kv in sorted(self.tools.items())] +
            ["ovsdb-tool=%s" % self.ovsdb_tool,
             "server=%s" % self.server_cmd]))


def make_setups():
    env = os.environ
    ref = {k: env.get("REF_" + k.upper().replace("-", "_"), v)
           for k, v in REF_DEFAULTS.items()}
    ref_server = env.get("REF_DBSERVER_CMD",
                         ref_server_template(ref["ovsdb-server"]))
    reference = Setup("reference",
                      {"ovs-vsctl": ref["ovs-vsctl"],
                       "vtep-ctl": ref["vtep-ctl"]},
                      ref["ovsdb-tool"], ref_server,
                      (ref["vswitch-schema"], ref["vtep-schema"]))
    ours = Setup("ours",
                 {"ovs-vsctl": env.get("MICROVS_VSCTL", ref["ovs-vsctl"]),
                  "vtep-ctl": env.get("MICROVS_VTEPCTL", ref["vtep-ctl"])},
                 env.get("MICROVS_OVSDB_TOOL", ref["ovsdb-tool"]),
                 env.get("MICROVS_DBSERVER_CMD", ref_server),
                 (env.get("MICROVS_VSWITCH_SCHEMA", ref["vswitch-schema"]),
                  env.get("MICROVS_VTEP_SCHEMA", ref["vtep-schema"])))
    return reference, ours


def missing_binaries(setup):
    paths = list(setup.tools.values()) + [setup.ovsdb_tool]
    paths += list(setup.schemas)
    first = shlex.split(setup.server_cmd)[0]
    paths.append(first)
    return [p for p in paths
            if not (os.path.exists(p) or shutil.which(p))]


# --------------------------------------------------------------------------
# Minimal OVSDB JSON-RPC client (snapshots for UUID labelling)
# --------------------------------------------------------------------------

class RpcClient:
    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = ""
        self.dec = json.JSONDecoder()
        self.next_id = 0

    def close(self):
        self.sock.close()

    def call(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.sock.sendall(json.dumps(
            {"method": method, "params": params, "id": rid}).encode())
        while True:
            msg = self._read()
            if msg.get("id") == rid and "result" in msg:
                if msg.get("error"):
                    raise RuntimeError(msg["error"])
                return msg["result"]
            if msg.get("method") == "echo":
                self.sock.sendall(json.dumps(
                    {"result": msg.get("params"), "error": None,
                     "id": msg.get("id")}).encode())

    def _read(self):
        while True:
            s = self.buf.lstrip()
            if s:
                try:
                    obj, end = self.dec.raw_decode(s)
                    self.buf = s[end:]
                    return obj
                except ValueError:
                    pass
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("connection closed")
            self.buf += data.decode()


def wait_for_socket(path, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        if os.path.exists(path):
            try:
                c = RpcClient(path, 1.0)
                c.call("list_dbs", [])
                c.close()
                return True
            except (OSError, RuntimeError, ValueError):
                pass
        time.sleep(0.01)
    return False


KEY_COLUMNS = ("name", "target", "MAC", "dst_ip", "id")


def atom_uuids(value):
    """Yield the UUIDs referenced by an OVSDB JSON datum."""
    if isinstance(value, list) and len(value) == 2:
        if value[0] == "uuid":
            yield value[1]
        elif value[0] == "set":
            for v in value[1]:
                yield from atom_uuids(v)
        elif value[0] == "map":
            for k, v in value[1]:
                yield from atom_uuids(k)
                yield from atom_uuids(v)


def scalar(value):
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    if isinstance(value, list) and value and value[0] == "set" \
            and len(value[1]) == 1:
        return scalar(value[1][0])
    return None


class Snapshotter:
    """Reads all rows of the served databases after each invocation."""

    def __init__(self, sock):
        self.sock = sock
        self.tables = None  # [(db, [table names])]

    def snapshot(self):
        """Returns {uuid: (table, row)} or None if the server is down."""
        try:
            c = RpcClient(self.sock)
        except OSError:
            return None
        try:
            if self.tables is None:
                self.tables = []
                for db in c.call("list_dbs", []):
                    if db not in ("Open_vSwitch", "hardware_vtep"):
                        continue
                    schema = c.call("get_schema", [db])
                    self.tables.append((db, sorted(schema["tables"])))
            rows = {}
            for db, tables in self.tables:
                ops = [{"op": "select", "table": t, "where": []}
                       for t in tables]
                res = c.call("transact", [db] + ops)
                for t, r in zip(tables, res):
                    for row in r.get("rows", []):
                        uid = row.get("_uuid", [None, None])[1]
                        if uid:
                            rows[uid] = (t, row)
            return rows
        except (OSError, RuntimeError, ValueError, KeyError):
            return None
        finally:
            c.close()


class Labeller:
    """Maps UUIDs to stable, content-derived labels for one group.

    A row is named after its key column (name/target/MAC/...) when that is
    unique in its table, otherwise after the row that references it
    (e.g. <Bridge:br0.controller>).  Labels stick to a UUID for the rest of
    the group; a label reused by a different UUID gets a ~N suffix.  UUIDs
    never seen in a snapshot (deleted rows, --dry-run, phantom rows) become
    <uuid-N> in order of first appearance during normalisation.
    """

    def __init__(self):
        self.labels = {}     # uuid -> label text (without <>)
        self.used = {}       # label -> uuid
        self.rows = {}       # last snapshot
        self.by_name = {}    # "Table:key" -> uuid (latest snapshot)

    def _assign(self, uid, label):
        label = re.sub(r"[\s<>\"]", "_", label)
        base, n = label, 1
        while label in self.used and self.used[label] != uid:
            n += 1
            label = "%s~%d" % (base, n)
        self.labels[uid] = label
        self.used[label] = uid

    def update(self, rows):
        if rows is None:
            return
        self.rows = rows
        per_table = {}
        for uid, (t, row) in rows.items():
            per_table.setdefault(t, []).append(uid)
        parents = {}
        for uid, (t, row) in rows.items():
            for col, val in row.items():
                if col.startswith("_"):
                    continue
                for ref in atom_uuids(val):
                    if ref in rows:
                        key = None
                        if isinstance(val, list) and val[0] == "map":
                            for k, v in val[1]:
                                if v == ["uuid", ref]:
                                    key = scalar(k)
                        parents.setdefault(ref, []).append((uid, col, key))

        def key_of(t, row):
            for kc in KEY_COLUMNS:
                if kc in row:
                    s = scalar(row[kc])
                    if s is not None:
                        return kc, s
            return None, None

        self.by_name = {}
        for t, uids in per_table.items():
            for uid in uids:
                kc, k = key_of(t, rows[uid][1])
                if k is not None:
                    self.by_name.setdefault("%s:%s" % (t, k), uid)

        cache = {}

        def compute(uid, depth=0):
            if uid in self.labels:
                return self.labels[uid]
            if uid in cache:
                return cache[uid]
            t, row = rows[uid]
            if len(per_table[t]) == 1 and t in ("Open_vSwitch", "Global"):
                cache[uid] = t
                return t
            kc, k = key_of(t, row)
            same = None
            if k is not None:
                same = [u for u in per_table[t]
                        if key_of(t, rows[u][1])[1] == k]
                if len(same) == 1:
                    cache[uid] = "%s:%s" % (t, k)
                    return cache[uid]
            if k is not None and same:
                # Non-unique key: disambiguate by the key-derived labels of
                # the rows it references (e.g. a MAC in two logical
                # switches).
                refs = []
                for col in sorted(row):
                    if col.startswith("_"):
                        continue
                    for ref in atom_uuids(row[col]):
                        if ref in rows:
                            rt, rrow = rows[ref]
                            rkc, rk = key_of(rt, rrow)
                            if rk is not None:
                                refs.append("%s=%s:%s" % (col, rt, rk))
                if refs:
                    lab = "%s:%s/%s" % (t, k, ",".join(refs))
                    cache[uid] = lab
                    return lab
            plabels = []
            if depth < 6:
                for puid, col, mkey in parents.get(uid, []):
                    pl = compute(puid, depth + 1)
                    if pl is None:
                        continue
                    s = "%s.%s" % (pl, col)
                    if mkey is not None:
                        s += "[%s]" % mkey
                    plabels.append(s)
            if plabels:
                pl = sorted(plabels)[0]
                lab = "%s:%s@%s" % (t, k, pl) if k is not None \
                    else "%s@%s" % (t, pl)
                cache[uid] = lab
                return lab
            cache[uid] = None
            return None

        new = {}
        for uid in rows:
            if uid not in self.labels:
                lab = compute(uid)
                if lab is not None:
                    new[uid] = lab
        def content(uid):
            # Tie-break for rows that got the same label in one snapshot.
            row = dict(rows[uid][1])
            row.pop("_uuid", None)
            row.pop("_version", None)
            text = json.dumps(row, sort_keys=True)
            return UUID_RE.sub(lambda m: self.labels.get(
                m.group(0), new.get(m.group(0), "?")), text)
        for uid in sorted(new, key=lambda u: (new[u], content(u))):
            self._assign(uid, new[uid])

    def lookup(self, ref):
        """Table:key -> uuid, for {uuid:Table:key} placeholders."""
        return self.by_name.get(ref)


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------

class Group:
    def __init__(self, name, casefile):
        self.name = name
        self.casefile = casefile
        self.lines = []   # (lineno, tool, args)


def parse_cases(path, default_tool):
    groups = []
    cur = None
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("## group "):
                cur = Group(line[len("## group "):].strip(),
                            os.path.basename(path))
                groups.append(cur)
                continue
            if line.startswith("#"):
                continue
            if cur is None:
                raise SystemExit("%s:%d: invocation before first group"
                                 % (path, lineno))
            args = shlex.split(line)
            tool = default_tool
            if args and args[0] in TOOLS:
                tool = args.pop(0)
            cur.lines.append((lineno, tool, args))
    names = [g.name for g in groups]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise SystemExit("%s: duplicate group names %s" % (path, dups))
    return groups


PLACEHOLDER_RE = re.compile(r"\{(uuid|uuid8|tmp)(?::([^{}]+))?\}")


# --------------------------------------------------------------------------
# Running a group
# --------------------------------------------------------------------------

def rc_of(returncode):
    return 128 - returncode if returncode < 0 else returncode


def run_group(setup, group):
    """Returns a list of result dicts, one per invocation (raw outputs)."""
    tmp = tempfile.mkdtemp(prefix="vsctldiff-")
    sock = os.path.join(tmp, "db.sock")
    conf_db = os.path.join(tmp, "conf.db")
    vtep_db = os.path.join(tmp, "vtep.db")
    env = dict(os.environ)
    for var in ("OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_SYSCONFDIR"):
        env[var] = tmp
    results = []
    server = None
    try:
        for db, schema in ((conf_db, setup.schemas[0]),
                           (vtep_db, setup.schemas[1])):
            subprocess.run([setup.ovsdb_tool, "create", db, schema],
                           check=True, env=env, capture_output=True)
        cmd = setup.server_cmd.format(sock=shlex.quote(sock),
                                      dbdir=shlex.quote(tmp),
                                      conf_db=shlex.quote(conf_db),
                                      vtep_db=shlex.quote(vtep_db))
        with open(os.path.join(tmp, "server.log"), "w") as log:
            server = subprocess.Popen(cmd, shell=True, env=env, cwd=tmp,
                                      stdout=log, stderr=log,
                                      start_new_session=True)
        if not wait_for_socket(sock, server):
            raise RuntimeError("%s: server did not come up: %s"
                               % (setup.name, cmd))
        snap = Snapshotter(sock)
        lab = Labeller()
        lab.update(snap.snapshot())
        subst = {}   # expanded placeholder text -> normalised label text
        for lineno, tool, args in group.lines:
            real_args = []
            for a in args:
                def repl(m):
                    kind, ref = m.group(1), m.group(2)
                    if kind == "tmp":
                        return tmp
                    uid = lab.lookup(ref)
                    if uid is None:
                        raise RuntimeError("line %d: no row %s for "
                                           "placeholder" % (lineno, ref))
                    if kind == "uuid8":
                        subst[uid[:8]] = uid
                        return uid[:8]
                    return uid
                real_args.append(PLACEHOLDER_RE.sub(repl, a))
            argv = [tool, "--db=unix:" + sock]
            if tool == "ovs-vsctl":
                argv.append("--no-wait")
            argv += real_args
            t0 = time.time()
            try:
                p = subprocess.run(argv, executable=setup.tools[tool],
                                   capture_output=True, env=env, cwd=tmp,
                                   timeout=INVOCATION_TIMEOUT)
                out, err, rc = p.stdout, p.stderr, rc_of(p.returncode)
            except subprocess.TimeoutExpired as e:
                out, err, rc = e.stdout or b"", e.stderr or b"", "timeout"
            dt = time.time() - t0
            lab.update(snap.snapshot())
            results.append({
                "line": lineno, "tool": tool, "args": args,
                "stdout": out.decode("utf-8", "replace"),
                "stderr": err.decode("utf-8", "replace"),
                "rc": rc, "time": dt,
            })
        # Normalise with the final label table (labels are sticky, so a
        # UUID keeps the label it got when it first appeared in the DB).
        norm = Normaliser(lab, tmp, subst)
        return [norm.result(r) for r in results]
    finally:
        if server is not None and server.poll() is None:
            try:
                os.killpg(server.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

LABEL = r"<[^<>\s\"]+>"
STR_ITEM = r"(?:" + LABEL + r"|<a href=\"#" + LABEL + r"\">" + LABEL + r"</a>)"
JSON_ITEM = r"\[\s*\"uuid\",\s*\"" + LABEL + r"\"\s*\]"
# [a, b, c] in string data format (list/table/csv/html output, get)
STR_SET_RE = re.compile(r"\[(" + STR_ITEM + r"(?:, " + STR_ITEM + r")+)\]")
# ["set",[["uuid","a"],["uuid","b"]]] in json data format (maybe --pretty)
JSON_SET_RE = re.compile(r"(\[\s*\"set\",\s*\[)(\s*" + JSON_ITEM +
                         r"(?:,\s*" + JSON_ITEM + r")+)")
# a b c: one bare cell, i.e. a whole line (or the value after "col : ") in
# list format with --data=bare
BARE_SET_RE = re.compile(r"(?m)^([A-Za-z0-9_:-]+ *: )?(" + LABEL +
                         r"(?: " + LABEL + r")+)$")


def _sort_items(s, item_re):
    items = [(im.start(), im.end()) for im in re.finditer(item_re, s)]
    seps = [s[items[i][1]:items[i + 1][0]] for i in range(len(items) - 1)]
    vals = sorted(s[a:b] for a, b in items)
    out = s[:items[0][0]] + vals[0]
    for sep, v in zip(seps, vals[1:]):
        out += sep + v
    return out + s[items[-1][1]:]


def sort_sequences(text, list_format):
    """Sorts the elements of UUID sets: OVSDB orders set elements by UUID
    value, which is random.  Only set contexts are touched, never
    neighbouring columns."""
    text = STR_SET_RE.sub(
        lambda m: "[" + _sort_items(m.group(1), STR_ITEM) + "]", text)
    text = JSON_SET_RE.sub(
        lambda m: m.group(1) + _sort_items(m.group(2), JSON_ITEM), text)
    if list_format:
        text = BARE_SET_RE.sub(
            lambda m: (m.group(1) or "") + _sort_items(m.group(2), LABEL),
            text)
    return text


def parse_command_line(args):
    """Splits an argument list into (global options, [commands]), where a
    command is the list of its tokens (options first, then name, args)."""
    i = 0
    glob = []
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        glob.append(args[i])
        if args[i] in ("-f", "-d", "-t", "-v", "-p", "-c", "-C") \
                and i + 1 < len(args):
            glob.append(args[i + 1])
            i += 1
        i += 1
    cmds, cur = [], []
    for a in args[i:]:
        if a == "--":
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        cmds.append(cur)
    return glob, cmds


def output_format(glob):
    fmt, headings = "list", True
    i = 0
    while i < len(glob):
        a = glob[i]
        if a in ("-f", "--format") and i + 1 < len(glob):
            fmt = glob[i + 1]
            i += 1
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
        elif a.startswith("-f") and len(a) > 2:
            fmt = a[2:]
        elif a == "--no-headings":
            headings = False
        elif a == "--bare":
            fmt, headings = "list", False
        i += 1
    return fmt, headings


def unordered_rows_command(args):
    """True if the invocation is a single list-all or find command, whose
    rows OVS prints in hash (i.e. random) order."""
    glob, cmds = parse_command_line(args)
    if len(cmds) != 1:
        return None
    words = [w for w in cmds[0] if not w.startswith("--")]
    if not words:
        return None
    if words[0] == "find" or (words[0] == "list" and len(words) == 2):
        return output_format(glob)
    return None


def has_show(args):
    """Returns None, or whether --oneline is in effect, if the invocation
    runs `show`."""
    glob, cmds = parse_command_line(args)
    for c in cmds:
        if [w for w in c if not w.startswith("-")][:1] == ["show"]:
            return "--oneline" in glob
    return None


def mask(s):
    """Sort key: UUIDs without a stable label are masked; labels are
    content-derived and therefore deterministic."""
    return re.sub("\x00" + UUID_RE.pattern + "\x00", "<>", s)


def sort_rows(text, fmt, headings):
    if not text:
        return text
    if fmt == "list":
        body = text[:-1] if text.endswith("\n") else text
        recs = body.split("\n\n")
        recs.sort(key=mask)
        return "\n\n".join(recs) + ("\n" if text.endswith("\n") else "")
    if fmt in ("table", "csv"):
        lines = text.split("\n")
        tail = lines.pop() if lines and lines[-1] == "" else None
        nhead = 0
        if headings:
            nhead = 2 if fmt == "table" else 1
        head, rows = lines[:nhead], lines[nhead:]
        rows.sort(key=mask)
        out = head + rows
        if tail is not None:
            out.append(tail)
        return "\n".join(out)
    if fmt == "html":
        m = re.match(r"(?s)(.*?)((?:  <tr>\n.*?  </tr>\n)+)(</table>\n?)$",
                     text)
        if not m:
            return text
        rows = re.findall(r"(?s)  <tr>\n.*?  </tr>\n", m.group(2))
        head = []
        if rows and "<th>" in rows[0]:
            head, rows = rows[:1], rows[1:]
        rows.sort(key=mask)
        return m.group(1) + "".join(head + rows) + m.group(3)
    if fmt == "json":
        i = text.find('"data"')
        if i < 0:
            return text
        j = text.find("[", i)
        dec = json.JSONDecoder()
        pos = j + 1
        spans, seps = [], []
        while True:
            ws = len(text[pos:]) - len(text[pos:].lstrip())
            if text[pos + ws] == "]":
                break
            start = pos + ws
            try:
                _, end = dec.raw_decode(text, start)
            except ValueError:
                return text
            spans.append((start, end))
            pos = end
            m = re.match(r"\s*,", text[pos:])
            if not m:
                break
            pos += m.end()
        if len(spans) < 2:
            return text
        items = sorted((text[a:b] for a, b in spans), key=mask)
        out = text[:spans[0][0]]
        for k, (a, b) in enumerate(spans):
            out += items[k]
            if k + 1 < len(spans):
                out += text[b:spans[k + 1][0]]
        return out + text[spans[-1][1]:]
    return text


def sort_show(text):
    """Sorts sibling record blocks (Bridge/Port/Interface/...) of the same
    kind in `show` output: OVS prints them in UUID order."""
    lines = text.split("\n")
    tail = lines.pop() if lines and lines[-1] == "" else None

    def indent(l):
        return len(l) - len(l.lstrip(" "))

    def is_record(l):
        s = l.strip()
        return bool(re.match(r"^[A-Z][A-Za-z_]* ", s)) and ": " not in \
            s.split(" ", 1)[0]

    def build(start, end, level):
        # returns list of blocks (list of lines) at this level
        blocks = []
        i = start
        while i < end:
            j = i + 1
            while j < end and indent(lines[j]) > level:
                j += 1
            blocks.append((i, j))
            i = j
        out = []
        for (a, b) in blocks:
            sub = [lines[a]]
            if b > a + 1:
                sub += build(a + 1, b, indent(lines[a + 1]))
            out.append(sub)
        # sort runs of record blocks of the same kind
        res, k = [], 0
        while k < len(out):
            head = out[k][0]
            if is_record(head):
                kind = head.strip().split(" ", 1)[0]
                m = k
                while m < len(out) and is_record(out[m][0]) and \
                        out[m][0].strip().split(" ", 1)[0] == kind:
                    m += 1
                run = sorted(out[k:m], key=lambda blk: mask("\n".join(blk)))
                for blk in run:
                    res += blk
                k = m
            else:
                res += out[k]
                k += 1
        return res

    if not lines:
        return text
    res = build(0, len(lines), 0)
    if tail is not None:
        res.append(tail)
    return "\n".join(res)


# ovsdb-server's unique-index violation names the two clashing rows in hash
# order ("First row, with UUID A, ...  Second row, with UUID B, ...").
DUP_ROWS_RE = re.compile(r"First row, with UUID ([^,]+), ([^.]*)\.  "
                         r"Second row, with UUID ([^,]+), ([^.]*)\.")


def sort_dup_rows(m):
    a, b = sorted([(m.group(2), m.group(1)), (m.group(4), m.group(3))])
    return ("First row, with UUID %s, %s.  Second row, with UUID %s, %s."
            % (a[1], a[0], b[1], b[0]))


class Normaliser:
    def __init__(self, labeller, tmp, subst):
        self.lab = labeller
        self.tmp = tmp
        self.subst = subst     # 8-char prefix -> uuid (placeholders)
        self.unknown = {}      # uuid -> n

    def _labels(self, text):
        def full(m):
            u = m.group(0)
            if u in self.lab.labels:
                return "<%s>" % self.lab.labels[u]
            return "\x00" + u + "\x00"   # resolved later
        text = UUID_RE.sub(full, text)
        # 8-hex-digit abbreviations (html output, placeholders)
        prefixes = {}
        for u, l in self.lab.labels.items():
            prefixes.setdefault(u[:8], l)
        for p, u in self.subst.items():
            if u in self.lab.labels:
                prefixes[p] = self.lab.labels[u]

        def short(m):
            p = m.group(0)
            if p in prefixes:
                return "<%s|8>" % prefixes[p]
            return p
        return re.sub(r"(?<![0-9a-f\x00-])[0-9a-f]{8}(?![0-9a-f-])",
                      short, text)

    def _unknown(self, text):
        def repl(m):
            u = m.group(1)
            if u not in self.unknown:
                self.unknown[u] = len(self.unknown) + 1
            return "<uuid-%d>" % self.unknown[u]
        return re.sub("\x00(" + UUID_RE.pattern + ")\x00", repl, text)

    def text(self, text, args, is_stdout):
        text = text.replace(self.tmp, "<tmp>")
        text = TIME_RE.sub("<time>", text)
        text = self._labels(text)
        text = DUP_ROWS_RE.sub(sort_dup_rows, text)
        if is_stdout:
            fmt = unordered_rows_command(args)
            if fmt:
                text = sort_rows(text, fmt[0], fmt[1])
            else:
                oneline = has_show(args)
                if oneline is False:
                    text = sort_show(text)
                elif oneline:
                    text = "\n".join(
                        sort_show(l.replace("\\n", "\n")).replace(
                            "\n", "\\n") for l in text.split("\n"))
        text = self._unknown(text)
        glob, _ = parse_command_line(args)
        text = sort_sequences(text, output_format(glob)[0] == "list")
        return text

    def result(self, r):
        out = dict(r)
        out["stdout"] = self.text(r["stdout"], r["args"], True)
        out["stderr"] = self.text(r["stderr"], r["args"], False)
        del out["time"]
        return out


# --------------------------------------------------------------------------
# Comparison and reporting
# --------------------------------------------------------------------------

def cmdline(r):
    return " ".join([r["tool"]] + [shlex.quote(a) for a in r["args"]])


def short_diff(exp, got, label):
    lines = list(difflib.unified_diff(
        exp.splitlines(), got.splitlines(), "expected " + label,
        "got " + label, n=1, lineterm=""))
    if len(lines) > 40:
        lines = lines[:40] + ["    ... (%d more diff lines)"
                              % (len(lines) - 40)]
    return ["    " + l for l in lines]


def compare(exp, got):
    """Returns (n_same, n_diff, report lines for first diff)."""
    same = diff = 0
    report = []
    for i in range(max(len(exp), len(got))):
        e = exp[i] if i < len(exp) else None
        g = got[i] if i < len(got) else None
        if e and g and all(e[k] == g[k] for k in ("stdout", "stderr", "rc")):
            same += 1
            continue
        diff += 1
        if report:
            continue
        r = e or g
        report.append("  line %d: %s" % (r["line"], cmdline(r)))
        if e is None or g is None:
            report.append("    (invocation missing on one side)")
            continue
        if e["args"] != g["args"]:
            report.append("    (golden is stale: recorded args %s)"
                          % cmdline(e))
        if e["rc"] != g["rc"]:
            report.append("    rc: expected %s, got %s" % (e["rc"], g["rc"]))
        for k in ("stdout", "stderr"):
            if e[k] != g[k]:
                report += short_diff(e[k], g[k], k)
    return same, diff, report


def golden_path(kind):
    return os.path.join(GOLDEN_DIR, kind + ".json")


def load_golden(kind):
    with open(golden_path(kind)) as f:
        return json.load(f)


def coverage(kinds):
    """Markdown coverage tables computed from the golden transcripts."""
    out = []
    for kind in kinds:
        data = load_golden(kind)
        per_tool = {}
        for gname, results in sorted(data.items()):
            for r in results:
                glob, cmds = parse_command_line(r["args"])
                t = per_tool.setdefault(r["tool"], ({}, {}, [0]))
                cmd_stats, opt_stats, total = t
                total[0] += 1
                ok = r["rc"] == 0
                names = set()
                opts = set(o.split("=", 1)[0] for o in glob
                           if o.startswith("-"))
                for c in cmds:
                    words = [w for w in c if not w.startswith("-")]
                    names.add(words[0] if words else "(none)")
                    opts.update("%s %s" % (o.split("=", 1)[0],
                                           words[0] if words else "")
                                for o in c if o.startswith("-"))
                if not cmds:
                    names.add("(none)")
                for n in names:
                    st = cmd_stats.setdefault(n, [0, 0, 0])
                    st[0] += 1
                    st[1 if ok else 2] += 1
                for o in opts:
                    st = opt_stats.setdefault(o, [0, 0, 0])
                    st[0] += 1
                    st[1 if ok else 2] += 1
        for tool, (cmd_stats, opt_stats, total) in sorted(per_tool.items()):
            out.append("### %s (%s, %d invocations)\n"
                       % (tool, CASE_FILES[kind], total[0]))
            out.append("| command | invocations | exit 0 | exit != 0 |")
            out.append("|---|---|---|---|")
            for n, (a, b, c) in sorted(cmd_stats.items()):
                out.append("| `%s` | %d | %d | %d |" % (n, a, b, c))
            out.append("")
            out.append("| option (global, or before a command) "
                       "| invocations | exit 0 | exit != 0 |")
            out.append("|---|---|---|---|")
            for n, (a, b, c) in sorted(opt_stats.items()):
                out.append("| `%s` | %d | %d | %d |" % (n.strip(), a, b, c))
            out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", choices=("vsctl", "vtep", "all"),
                    default="all")
    ap.add_argument("--group", default="*",
                    help="fnmatch pattern on group names")
    ap.add_argument("--record", action="store_true",
                    help="write golden transcripts from the reference setup")
    ap.add_argument("--golden", action="store_true",
                    help="compare ours against the recorded goldens instead "
                    "of running the reference setup")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dump", action="store_true",
                    help="print the normalised reference transcripts")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print the setups and per-group timings")
    ap.add_argument("--coverage", action="store_true",
                    help="print coverage tables (from the goldens) and exit")
    opts = ap.parse_args()
    if opts.coverage:
        print(coverage(["vsctl", "vtep"] if opts.tool == "all"
                       else [opts.tool]))
        return 0

    reference, ours = make_setups()
    kinds = ["vsctl", "vtep"] if opts.tool == "all" else [opts.tool]
    todo = []
    for kind in kinds:
        default_tool = "ovs-vsctl" if kind == "vsctl" else "vtep-ctl"
        for g in parse_cases(os.path.join(HERE, CASE_FILES[kind]),
                             default_tool):
            if fnmatch.fnmatchcase(g.name, opts.group):
                todo.append((kind, g))

    need_ref = not opts.golden
    if need_ref and missing_binaries(reference):
        print("reference Open vSwitch tools missing: %s"
              % ", ".join(missing_binaries(reference)))
        return 77
    if not opts.record and missing_binaries(ours):
        print("tools missing: %s" % ", ".join(missing_binaries(ours)))
        return 77
    goldens = {}
    if opts.golden:
        for kind in kinds:
            goldens[kind] = load_golden(kind)
    if opts.verbose:
        print(reference.describe())
        print(ours.describe())

    t0 = time.time()

    def work(item):
        kind, g = item
        ts = time.time()
        exp = got = None
        err = None
        try:
            if opts.golden:
                exp = goldens[kind].get(g.name)
                if exp is None:
                    err = "no golden transcript for this group"
            else:
                exp = run_group(reference, g)
            if not opts.record and err is None:
                got = run_group(ours, g)
        except Exception as e:  # noqa: report and continue
            err = "%s: %s" % (type(e).__name__, e)
        return kind, g, exp, got, err, time.time() - ts

    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as ex:
        results = list(ex.map(work, todo))

    total = same = diff = 0
    failed_groups = 0
    recorded = {k: {} for k in kinds}
    for kind, g, exp, got, err, dt in results:
        n = len(g.lines)
        total += n
        timing = " (%.2fs)" % dt if opts.verbose else ""
        if err:
            print("group %s: ERROR %s%s" % (g.name, err, timing))
            diff += n
            failed_groups += 1
            continue
        if opts.dump:
            print("## group %s" % g.name)
            for r in exp:
                print("$ %s\n%s%s[rc=%s]" % (cmdline(r), r["stdout"],
                      "".join("stderr: " + l + "\n"
                              for l in r["stderr"].splitlines()), r["rc"]))
        if opts.record:
            recorded[kind][g.name] = exp
            print("group %s: recorded %d invocations%s" % (g.name, n, timing))
            same += n
            continue
        s, d, rep = compare(exp, got)
        same += s
        diff += d
        if d:
            failed_groups += 1
            print("group %s: DIFF%s" % (g.name, timing))
            for l in rep:
                print(l)
        else:
            print("group %s: ok%s" % (g.name, timing))

    if opts.record:
        os.makedirs(GOLDEN_DIR, exist_ok=True)
        for kind in kinds:
            path = golden_path(kind)
            data = {}
            if opts.group != "*" and os.path.exists(path):
                data = load_golden(kind)
            data.update(recorded[kind])
            with open(path, "w") as f:
                json.dump(data, f, indent=1, sort_keys=True)
                f.write("\n")
    print("%d invocations, %d identical, %d different (%.1fs)"
          % (total, same, diff, time.time() - t0))
    return 0 if diff == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
