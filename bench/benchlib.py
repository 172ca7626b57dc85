"""Shared helpers for the benchmarks under bench/ (standard library only).

Servers are started with tests/ovsdb-diff/ovsdb_diff.py's Server class and
the MICROVS_DBSERVER_CMD / MICROVS_OVSDB_TOOL convention; this module adds
what a benchmark needs on top: the processes a server consists of, their
RSS and CPU time, and the result table with ratios.
"""

import json
import os
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "ovsdb-diff"))

import ovsdb_diff  # noqa: E402  (the differential suite's client and Server)

CLK_TCK = os.sysconf("SC_CLK_TCK")
SHELLS = {"sh", "dash", "bash"}
# A "NOT met" this close to the bound is flagged as within run-to-run noise
# in the table (the JSON "met" stays strict).
NOISE = 0.05


# ---------------------------------------------------------------------------
# Processes of a server started in its own session.

def _stat(pid):
    """(comm, session id, utime+stime ticks) of pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): session is field 6, utime/stime 14/15.
    return comm, int(rest[3]), int(rest[11]) + int(rest[12])


def session_pids(sid):
    """Processes of session sid, without the shell wrapper when other
    processes exist (the harness starts commands with `sh -c`)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = _stat(int(d))
        if st and st[1] == sid:
            found.append((int(d), st[0]))
    real = [p for p, comm in found if comm not in SHELLS]
    return sorted(real) if real else sorted(p for p, _ in found)


def proc_names(pids):
    out = []
    for p in pids:
        st = _stat(p)
        if st:
            out.append("%s[%d]" % (st[0], p))
    return out


def rss_kb(pids):
    """Sum of VmRSS (kB) of pids."""
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def cpu_seconds(pids):
    total = 0
    for p in pids:
        st = _stat(p)
        if st:
            total += st[2]
    return total / CLK_TCK


def server_pids(server):
    """Processes of an ovsdb_diff.Server (started with start_new_session,
    so its session id is the Popen pid)."""
    return session_pids(server.proc.pid)


# ---------------------------------------------------------------------------
# Results.

def fmt(v):
    if v is None:
        return "ERR"
    if isinstance(v, float):
        if abs(v) >= 100:
            return "%.0f" % v
        if abs(v) >= 10:
            return "%.1f" % v
        if abs(v) >= 1:
            return "%.2f" % v
        return "%.3f" % v
    return str(v)


class Results:
    """Metrics: name -> dict(label, unit, better, target, ovs, microvs)."""

    def __init__(self, bench, mode, note=None):
        self.bench = bench
        self.mode = mode
        self.note = note
        self.metrics = {}
        self.order = []
        self.errors = []
        self.info = {}

    def define(self, name, label, unit, better, target=False):
        """better: "higher" or "lower"; target: True when the issue sets a
        target for the ratio (>= 1 for higher, <= 1 for lower), or a number
        (e.g. 0.5 for "at most half")."""
        self.metrics[name] = dict(label=label, unit=unit, better=better,
                                  target=target, ovs=None, microvs=None)
        self.order.append(name)

    def set(self, name, setup, value):
        self.metrics[name][setup] = value

    @staticmethod
    def ratio(m):
        a, b = m["ovs"], m["microvs"]
        if a is None or b is None or a == 0:
            return None
        return b / a

    @staticmethod
    def target_bound(m):
        t = m["target"]
        if t is False or t is None:
            return None
        return 1.0 if t is True else float(t)

    def met(self, m):
        r, bound = self.ratio(m), self.target_bound(m)
        if r is None or bound is None:
            return None
        return r >= bound if m["better"] == "higher" else r <= bound

    def print_table(self, out=sys.stdout):
        rows = [("metric", "unit", "ovs", "microvs", "ratio m/o",
                 "better", "target")]
        for n in self.order:
            m = self.metrics[n]
            r = self.ratio(m)
            bound = self.target_bound(m)
            if bound is None:
                tgt = "-"
            else:
                met = self.met(m)
                word = {True: "met", False: "NOT met", None: "?"}[met]
                if met is False and abs(r / bound - 1) <= NOISE:
                    word += " (within %d%%)" % (NOISE * 100)
                tgt = "%s%.2f %s" % (">=" if m["better"] == "higher"
                                     else "<=", bound, word)
            rows.append((m["label"], m["unit"], fmt(m["ovs"]),
                         fmt(m["microvs"]),
                         "ERR" if r is None else "%.3f" % r,
                         m["better"], tgt))
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for i, r in enumerate(rows):
            out.write("  ".join(c.ljust(w[j]) if j in (0, 1, 5, 6)
                                else c.rjust(w[j])
                                for j, c in enumerate(r)).rstrip() + "\n")
            if i == 0:
                out.write("  ".join("-" * x for x in w) + "\n")

    def json_line(self):
        d = {"bench": self.bench, "mode": self.mode, "metrics": {},
             "errors": self.errors, "info": self.info}
        if self.note:
            d["note"] = self.note
        for n in self.order:
            m = self.metrics[n]
            r = self.ratio(m)
            d["metrics"][n] = {
                "unit": m["unit"], "better": m["better"],
                "ovs": m["ovs"], "microvs": m["microvs"],
                "ratio": None if r is None else round(r, 4),
                "target": self.target_bound(m), "met": self.met(m)}
        return json.dumps(d, sort_keys=True)


def run_main(bench, keep, body):
    """The frame of a benchmark's main(): body(workdir) runs in a fresh
    temporary directory and returns its Results (or an exit status, such as
    77 when Open vSwitch is missing).  Prints the elapsed time and the JSON
    line; returns 0, 1 when a server failed (res.errors) or 2 when the
    harness itself broke.  The directory is removed unless @keep."""
    workdir = tempfile.mkdtemp(prefix="bench-%s." % bench)
    t_start = time.monotonic()
    try:
        res = body(workdir)
        if isinstance(res, int):
            return res
        res.info["elapsed_s"] = round(time.monotonic() - t_start, 1)
        print("elapsed %.1f s" % res.info["elapsed_s"])
        print(res.json_line())
        return 1 if res.errors else 0
    except Exception:
        traceback.print_exc()
        print("bench_%s: harness error" % bench)
        return 2
    finally:
        if keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
