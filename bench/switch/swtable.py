# SPDX-License-Identifier: Apache-2.0
"""The result table of bench_switch.py: one row per measure, one column
per switch (veth = the ceiling, ovs, microvs) with the median of the runs
and their range, the ratios microvs/ovs, microvs/ceiling and ovs/ceiling,
and the issue's targets marked met or NOT met.  A cell is a figure or a
word: "fails" (the switch ran the test and it failed, as Open vSwitch's
TCP with default offloads), "n/a" (the switch cannot do it yet), "ERR"
(the harness or a reference failed), "-" (does not apply)."""

import json
import statistics
import sys

from benchlib import fmt

SETUPS = ("veth", "ovs", "microvs")
REF_NAMES = {"ovs": "ovs", "veth": "ceiling"}


class Metric:
    def __init__(self, name, label, unit, better, targets, switch_only):
        self.name, self.label, self.unit = name, label, unit
        self.better = better
        self.targets = list(targets)    # (ref, op, bound); ref ovs|veth|abs
        self.switch_only = switch_only
        self.runs = {}                  # setup -> [float]
        self.word = {}                  # setup -> (word, reason)

    def median(self, setup):
        v = self.runs.get(setup)
        if setup in self.word or not v:
            return None
        return statistics.median(v)

    def ratio(self, a, b):
        x, y = self.median(a), self.median(b)
        if x is None or y is None or y == 0:
            return None
        return x / y

    def cell(self, setup):
        if self.switch_only and setup == "veth":
            return "-"
        if setup in self.word:
            return self.word[setup][0]
        v = self.runs.get(setup)
        if not v:
            return ""
        s = fmt(statistics.median(v))
        if len(v) > 1:
            s += " (%s-%s)" % (fmt(min(v)), fmt(max(v)))
        return s

    def target_results(self):
        """[(text, met or None)] for the targets of this row."""
        out = []
        for ref, op, bound in self.targets:
            if ref == "abs":
                val = self.median("microvs")
                text = "%s%s %s" % (op, fmt(float(bound)), self.unit)
            else:
                val = self.ratio("microvs", ref)
                text = "%s%.2fx %s" % (op, bound, REF_NAMES[ref])
            met = None if val is None else (
                val >= bound if op == ">=" else val <= bound)
            out.append((text, met))
        return out


class Table:
    """Quacks like benchlib.Results for benchlib.run_main (errors, info,
    json_line)."""

    def __init__(self, bench, mode, setups):
        self.bench, self.mode = bench, mode
        self.setups = [s for s in SETUPS if s in setups]
        self.metrics = {}
        self.order = []
        self.errors = []
        self.info = {}

    def define(self, name, label, unit, better, targets=(),
               switch_only=False):
        self.metrics[name] = Metric(name, label, unit, better, targets,
                                    switch_only)
        self.order.append(name)

    def add(self, name, setup, value):
        if value is not None:
            self.metrics[name].runs.setdefault(setup, []).append(value)

    def mark(self, name, setup, word, reason=None):
        """A word instead of a figure; the first reason is kept."""
        m = self.metrics[name]
        if setup not in m.word:
            m.word[setup] = (word, reason)

    def print_table(self, out=sys.stdout):
        cols = ["measure", "unit"] + list(self.setups)
        have = set(self.setups)
        pairs = [(a, b) for a, b in (("microvs", "ovs"),
                                     ("microvs", "veth"),
                                     ("ovs", "veth"))
                 if a in have and b in have]
        cols += ["%s/%s" % (a[0], "ceil" if b == "veth" else b[0])
                 for a, b in pairs]
        cols.append("target (microvs)")
        rows = [cols]
        for n in self.order:
            m = self.metrics[n]
            r = [m.label, m.unit] + [m.cell(s) for s in self.setups]
            for a, b in pairs:
                x = m.ratio(a, b)
                r.append("-" if x is None else "%.3f" % x)
            tr = m.target_results()
            r.append(", ".join("%s %s" % (t, {True: "met",
                                               False: "NOT met",
                                               None: "?"}[ok])
                               for t, ok in tr) or "")
            rows.append(r)
        w = [max(len(r[i]) for r in rows) for i in range(len(cols))]
        left = {0, 1, len(cols) - 1}
        for i, r in enumerate(rows):
            out.write("  ".join(c.ljust(w[j]) if j in left else c.rjust(w[j])
                                for j, c in enumerate(r)).rstrip() + "\n")
            if i == 0:
                out.write("  ".join("-" * x for x in w) + "\n")

    def print_report(self, footer, out=sys.stdout):
        """The table, then why each word cell is what it is, then
        footer."""
        out.write("\n")
        self.print_table(out)
        out.write("\n")
        for s, word, why in self.reasons():
            out.write("%-8s %-5s %s\n" % (s, word, why))
        out.write(footer + "\n")

    def reasons(self):
        """Unique (setup, word, reason) of the word cells, in row order."""
        seen, out = set(), []
        for n in self.order:
            for s, (word, why) in self.metrics[n].word.items():
                if why and (s, why) not in seen:
                    seen.add((s, why))
                    out.append((s, word, why))
        return out

    def json_line(self):
        d = {"bench": self.bench, "mode": self.mode, "metrics": {},
             "errors": self.errors, "info": self.info}
        for n in self.order:
            m = self.metrics[n]
            e = {"label": m.label, "unit": m.unit, "better": m.better}
            for s in self.setups:
                if m.switch_only and s == "veth":
                    continue
                if s in m.word:
                    e[s] = {"word": m.word[s][0], "reason": m.word[s][1]}
                elif m.runs.get(s):
                    v = m.runs[s]
                    e[s] = {"median": statistics.median(v), "min": min(v),
                            "max": max(v), "runs": v}
            for a, b, k in (("microvs", "ovs", "ratio_microvs_ovs"),
                            ("microvs", "veth", "ratio_microvs_ceiling"),
                            ("ovs", "veth", "ratio_ovs_ceiling")):
                x = m.ratio(a, b)
                if x is not None:
                    e[k] = round(x, 4)
            if m.targets:
                e["targets"] = [{"target": t, "met": ok}
                                for t, ok in m.target_results()]
            d["metrics"][n] = e
        return json.dumps(d, sort_keys=True)
