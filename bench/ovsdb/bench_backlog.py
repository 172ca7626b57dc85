#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Memory of an OVSDB server whose monitor clients do not read: microvs
dbserver against the real ovsdb-server, same workload, one run.

--monitors clients (10) each ask for a monitor of one table and never
read; one more client commits --changes changes (100,000) of 1 KB to one
row, 16 transactions in flight.  Reported per server: RSS before, peak RSS
(VmHWM) and RSS after the changes, and the time the changes took.  Then
every stalled client reads until its replica equals the server's contents
(checked, reported as "exact replicas").  Servers follow the
MICROVS_DBSERVER_CMD / MICROVS_OVSDB_TOOL convention (bench/README.md);
unset, the "microvs" column is a second real ovsdb-server.

usage: bench_backlog.py [--quick] [--changes N] [--monitors N] [--keep]
(--quick: 10,000 changes)
Exit: 0 every measurement ran, 1 a server failed, 77 no real ovsdb-server.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402
from benchlib import ovsdb_diff  # noqa: E402

sys.path.insert(0, os.path.join(benchlib.TOP, "tests", "dbserver"))
import resources  # noqa: E402  (stall_and_change, catch_up, select_atoms)


def status_kb(pids, field):
    return sum(resources.status_kb(p, field) for p in pids)


def run(server, n_monitors, n_changes):
    server.start()
    try:
        pids = benchlib.server_pids(server)
        rss0 = status_kb(pids, "VmRSS")
        t0 = time.monotonic()
        mons = resources.stall_and_change(server.sock, n_monitors, n_changes)
        secs = time.monotonic() - t0
        if mons is None or not server.alive():
            return None
        hwm, rss1 = status_kb(pids, "VmHWM"), status_kb(pids, "VmRSS")
        want = resources.select_atoms(server.sock, ["name", "s"])
        exact = 0
        for c in mons:
            exact += resources.catch_up(c, want)[0] == want
            c.close()
        return {"rss_before_kb": rss0, "rss_peak_kb": hwm,
                "rss_after_kb": rss1, "seconds": round(secs, 2),
                "exact": exact, "procs": benchlib.proc_names(pids)}
    finally:
        server.stop()


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--changes", type=int)
    ap.add_argument("--monitors", type=int, default=10)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv[1:])
    args.changes = args.changes or (10000 if args.quick else 100000)

    def body(workdir):
        real_tool = ovsdb_diff.find_real_tool("ovsdb-tool")
        if not ovsdb_diff.find_real_tool("ovsdb-server") or not real_tool:
            print("SKIP: real ovsdb-server/ovsdb-tool not found")
            return 77
        cmd = os.environ.get("MICROVS_DBSERVER_CMD")
        mode = "microvs" if cmd else "real-vs-real"
        ovs = ovsdb_diff.Server("ovs", ovsdb_diff.REAL_SERVER_CMD, real_tool,
                                workdir)
        mvs = ovsdb_diff.Server(
            "microvs", cmd or ovsdb_diff.REAL_SERVER_CMD,
            os.environ.get("MICROVS_OVSDB_TOOL") or real_tool, workdir)
        res = benchlib.Results("backlog", mode)
        print("bench_backlog: mode %s; %d monitors that never read, %d "
              "changes of 1 KB to one row" % (mode, args.monitors,
                                              args.changes))
        sys.stdout.flush()
        for key, label, unit, better in [
                ("rss_before_kb", "RSS before", "kB", "lower"),
                ("rss_peak_kb", "peak RSS (VmHWM)", "kB", "lower"),
                ("rss_after_kb", "RSS after the changes", "kB", "lower"),
                ("seconds", "time for the changes", "s", "lower"),
                ("exact", "exact replicas after reading", "clients",
                 "higher")]:
            res.define(key, label, unit, better)
        for name, server in (("ovs", ovs), ("microvs", mvs)):
            r = run(server, args.monitors, args.changes)
            res.info[name] = r
            if r is None:
                res.errors.append("%s: the server failed" % name)
                continue
            for key in ("rss_before_kb", "rss_peak_kb", "rss_after_kb",
                        "seconds", "exact"):
                res.set(key, name, r[key])
        print()
        res.print_table()
        return res

    return benchlib.run_main("backlog", args.keep, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
