#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""dbserver after many bus clients died while waiting (issue 12, 4).

Starts a microvs instance (microvs-ctl of --build, default build/),
measures transaction throughput on db.sock (one client, one transaction in
flight, each incrementing a counter of the Open_vSwitch row) for
--seconds, then runs --clients `ovsdb-client transact` calls over the bus
in waves of --wave, each holding a "wait" that is never satisfied, kills
every wave with SIGKILL after 1 s, and measures the throughput again.
Prints both figures and the "sessions" count of memory/show before and
after.  A server that keeps the dead clients' sessions retries all their
waits on every commit.  Needs root and the role users (as the system
tests); there is no Open vSwitch column: ovsdb-server has no bus.

usage: bench_bus_sessions.py [--build DIR] [--clients N] [--wave N]
                             [--seconds S] [--keep]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402
from benchlib import ovsdb_diff  # noqa: E402  (Conn)

TOP = benchlib.TOP
WAIT = json.dumps(["Open_vSwitch", {
    "op": "wait", "table": "Open_vSwitch", "where": [],
    "columns": ["ovs_version"], "until": "==",
    "rows": [{"ovs_version": "never"}]}])


def throughput(sock, seconds):
    c = ovsdb_diff.Conn(sock, "tps")
    op = ["Open_vSwitch", {"op": "mutate", "table": "Open_vSwitch",
                           "where": [], "mutations": [["next_cfg", "+=",
                                                       1]]}]
    n, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < seconds:
        c.send({"id": n, "method": "transact", "params": op})
        r = c.recv(30)
        if r is None or r.get("error") or "error" in r["result"][0]:
            raise RuntimeError("transact failed: %s" % r)
        n += 1
    c.close()
    return n / (time.monotonic() - t0)


def sessions(build, rundir):
    out = subprocess.run([os.path.join(build, "ctl", "ovs-appctl"),
                          "--rundir", rundir, "-t", "ovsdb-server",
                          "memory/show"], capture_output=True, text=True)
    m = re.search(r"sessions:(\d+)", out.stdout)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--clients", type=int, default=2000)
    ap.add_argument("--wave", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP: needs root (a microvs instance)")
        return 77
    build = os.path.abspath(args.build)
    t = tempfile.mkdtemp(prefix="bench-bus-sessions.")
    os.chmod(t, 0o755)
    rundir = os.path.join(t, "run")
    ctl = [os.path.join(build, "ctl", "microvs-ctl"), "--rundir=" + rundir,
           "--dbdir=" + os.path.join(t, "db"),
           "--logdir=" + os.path.join(t, "log")]
    subprocess.run(ctl + ["start"], check=True, stdout=subprocess.DEVNULL)
    try:
        sock = os.path.join(rundir, "db.sock")
        c = ovsdb_diff.Conn(sock, "setup")
        c.send({"id": 0, "method": "transact", "params": ["Open_vSwitch", {
            "op": "insert", "table": "Open_vSwitch", "row": {}}]})
        c.recv(30)
        c.close()
        s0 = sessions(build, rundir)
        before = throughput(sock, args.seconds)
        env = dict(os.environ, MICROVS_RUNDIR=rundir)
        client = os.path.join(build, "ctl", "ovsdb-client")
        done = 0
        while done < args.clients:
            n = min(args.wave, args.clients - done)
            procs = [subprocess.Popen([client, "transact", WAIT], env=env,
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                     for _ in range(n)]
            time.sleep(1)
            for p in procs:
                p.send_signal(signal.SIGKILL)
            for p in procs:
                p.wait()
            done += n
        time.sleep(0.5)  # let the server hear of the last ones
        s1 = sessions(build, rundir)
        after = throughput(sock, args.seconds)
        print("build: %s" % build)
        print("%d bus clients holding a wait, killed after 1 s (waves of "
              "%d)" % (args.clients, args.wave))
        print("sessions (memory/show): before %s, after %s" % (s0, s1))
        print("throughput on db.sock, 1 client: before %.0f txn/s, after "
              "%.0f txn/s (ratio %.3f)" % (before, after, after / before))
        print(json.dumps({"bench": "bus_sessions", "clients": args.clients,
                          "sessions_before": s0, "sessions_after": s1,
                          "tps_before": round(before),
                          "tps_after": round(after)}, sort_keys=True))
    finally:
        subprocess.run(ctl + ["stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if args.keep:
            print("kept " + t)
        else:
            shutil.rmtree(t, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
