#!/usr/bin/python3
"""ovs-vsctl benchmark: microvs's ovs-vsctl (over the bus) against the real
ovs-vsctl + ovsdb-server, same workload, one run, printed as ratios
(microvs / ovs).

Workloads (see bench/README.md):
  separate  --ports separate `ovs-vsctl --no-wait add-port br0 pN` calls
            (target: microvs at most half of Open vSwitch's wall time)
  single    one `ovs-vsctl --no-wait add-port br0 p0 -- add-port br0 p1 ...`
            call adding --ports ports, on a fresh database

Setups:
  ovs      real ovsdb-server on a unix socket + real `ovs-vsctl --db=unix:`.
  microvs  MICROVS_VSCTL (our ovs-vsctl) talking over our bus to an instance
           started with MICROVS_START_CMD and stopped with MICROVS_STOP_CMD
           (templates with {rundir} {dbdir} {logdir}; MICROVS_RUNDIR={rundir}
           is exported to the vsctl calls).  Fallbacks: without
           MICROVS_START_CMD, MICROVS_VSCTL against a real ovsdb-server with
           --db=unix:; without MICROVS_VSCTL, the real ovs-vsctl again
           (harness validation: ratios close to 1).

Exit: 0 when every measurement ran (whatever the figures), 1 when a command
failed (the metric shows ERR), 2 when the harness itself broke, 77 when the
real ovs-vsctl/ovsdb-server is missing.
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402
from benchlib import ovsdb_diff  # noqa: E402

VSWITCH_SCHEMA = os.path.join(benchlib.TOP, "schemas", "vswitch.ovsschema")
ovsdb_diff.DATABASES = [("conf.db", VSWITCH_SCHEMA)]


class BenchError(Exception):
    pass


class RealDB:
    """A real ovsdb-server with a fresh conf.db; `vsctl` is the ovs-vsctl
    command (real or ours) used with --db=unix:SOCK."""

    def __init__(self, name, vsctl, workdir):
        self.name = name
        self.vsctl = vsctl
        self.srv = ovsdb_diff.Server(name, ovsdb_diff.REAL_SERVER_CMD,
                                     ovsdb_diff.find_real_tool("ovsdb-tool"),
                                     workdir)
        self.env = None

    def describe(self):
        return "%s --db=unix:SOCK --no-wait, real ovsdb-server" % (
            " ".join(self.vsctl))

    def start(self):
        try:
            self.srv.start()
        except SystemExit as e:
            self.srv.stop()
            raise BenchError(str(e))
        self.base = self.vsctl + ["--db=unix:" + self.srv.sock, "--no-wait"]

    def stop(self):
        self.srv.stop()


class Instance:
    """Our instance: MICROVS_START_CMD / MICROVS_STOP_CMD, vsctl over the
    bus selected by MICROVS_RUNDIR."""

    def __init__(self, name, vsctl, start_cmd, stop_cmd, workdir):
        self.name = name
        self.vsctl = vsctl
        self.start_cmd = start_cmd
        self.stop_cmd = stop_cmd
        self.workdir = workdir
        self.gen = 0
        self.proc = None

    def describe(self):
        return "%s --no-wait over the bus; start: %s; stop: %s" % (
            " ".join(self.vsctl), self.start_cmd, self.stop_cmd or "(kill)")

    def start(self):
        self.gen += 1
        top = os.path.join(self.workdir, "%s-%d" % (self.name, self.gen))
        self.dirs = {k: os.path.join(top, k) for k in ("rundir", "dbdir",
                                                       "logdir")}
        for d in self.dirs.values():
            os.makedirs(d)
        os.chmod(self.dirs["rundir"], 0o750)
        self.env = dict(os.environ, MICROVS_RUNDIR=self.dirs["rundir"])
        self.log = open(os.path.join(top, "start.out"), "w")
        cmd = self.start_cmd.format(**self.dirs)
        self.proc = subprocess.Popen(cmd, shell=True, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env)
        # The start command may return once the instance runs (like
        # ovs-ctl start) or stay in the foreground: either way, wait until
        # our vsctl gets an answer.
        self.base = self.vsctl + ["--no-wait"]
        deadline = time.monotonic() + 30
        while True:
            rc = self.proc.poll()
            if rc not in (None, 0):
                raise BenchError("%s: start command exited %d: %s (see %s)"
                                 % (self.name, rc, cmd, self.log.name))
            try:
                r = subprocess.run(self.base + ["show"], env=self.env,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, timeout=5)
                if r.returncode == 0:
                    return
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() > deadline:
                raise BenchError("%s: `%s show` did not succeed within 30 s "
                                 "after %s" % (self.name,
                                               " ".join(self.base), cmd))
            time.sleep(0.1)

    def stop(self):
        if self.proc is None:
            return
        if self.stop_cmd:
            subprocess.run(self.stop_cmd.format(**self.dirs), shell=True,
                           env=self.env, stdout=self.log,
                           stderr=subprocess.STDOUT, timeout=60)
        ovsdb_diff.stop_process_group(self.proc, 5)
        self.proc = None
        self.log.close()


def make_setups(workdir):
    real_vsctl = ovsdb_diff.find_real_tool("ovs-vsctl")
    if not (real_vsctl and ovsdb_diff.find_real_tool("ovsdb-server")
            and ovsdb_diff.find_real_tool("ovsdb-tool")):
        return None, None, None, None
    ovs = RealDB("ovs", [real_vsctl], workdir)
    ours = os.environ.get("MICROVS_VSCTL")
    start = os.environ.get("MICROVS_START_CMD")
    if ours and start:
        return ovs, Instance("microvs", shlex.split(ours), start,
                             os.environ.get("MICROVS_STOP_CMD"),
                             workdir), "microvs-bus", None
    if ours:
        return ovs, RealDB("microvs", shlex.split(ours), workdir), \
            "microvs-vsctl-real-db", (
                "MICROVS_START_CMD is unset: the 'microvs' column is our "
                "ovs-vsctl against the real ovsdb-server over --db=unix:")
    return ovs, RealDB("microvs", [real_vsctl], workdir), "real-vs-real", (
        "MICROVS_VSCTL is unset: the 'microvs' column is the real ovs-vsctl "
        "and ovsdb-server again (harness validation; every ratio should be "
        "close to 1.0)")


def run(setup, args, timeout=300):
    r = subprocess.run(setup.base + args, env=setup.env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if r.returncode != 0:
        raise BenchError("%s: `%s` exited %d: %s"
                         % (setup.name, " ".join(setup.base + args[:6]),
                            r.returncode, r.stderr.decode()[-500:]))
    return r.stdout.decode()


def prepare(setup):
    setup.start()
    run(setup, ["init"])
    run(setup, ["add-br", "br0"])


def check_ports(setup, n):
    got = len(run(setup, ["list-ports", "br0"]).split())
    if got != n:
        raise BenchError("%s: br0 has %d ports, expected %d"
                         % (setup.name, got, n))


def run_separate(setup, n):
    prepare(setup)
    try:
        times = []
        mono = time.monotonic
        t0 = mono()
        for i in range(n):
            t = mono()
            run(setup, ["add-port", "br0", "p%d" % i])
            times.append(mono() - t)
        total = mono() - t0
        check_ports(setup, n)
        marks = {}
        for k in (100, 500, n):
            if k <= n:
                marks[k] = round(sum(times[:k]), 3)
        return {"total_s": total, "mean_ms": total / n * 1e3,
                "first100_mean_ms": sum(times[:100]) / min(n, 100) * 1e3,
                "last100_mean_ms": sum(times[-100:]) / min(n, 100) * 1e3,
                "cumulative_s": marks}
    finally:
        setup.stop()


def run_single(setup, n, rounds):
    argv = []
    for i in range(n):
        if argv:
            argv.append("--")
        argv += ["add-port", "br0", "p%d" % i]
    times = []
    for _ in range(rounds):
        prepare(setup)          # a fresh database every round
        try:
            t = time.monotonic()
            run(setup, argv)
            times.append(time.monotonic() - t)
            check_ports(setup, n)
        finally:
            setup.stop()
    return {"total_s": statistics.median(times),
            "rounds_s": [round(x, 4) for x in times]}


def spawn_overhead_ms(n=200):
    """What starting any process costs the harness (subprocess.run of
    /bin/true), included in every per-call time on both sides."""
    t = time.monotonic()
    for _ in range(n):
        subprocess.run(["/bin/true"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return (time.monotonic() - t) / n * 1e3


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 200 separate calls (the single call "
                         "still adds --ports ports)")
    ap.add_argument("--ports", type=int, default=1000,
                    help="ports added (default 1000)")
    ap.add_argument("--separate", type=int,
                    help="separate add-port calls (default --ports; "
                         "quick 200)")
    ap.add_argument("--rounds", type=int,
                    help="rounds of the single call, each on a fresh "
                         "database (median; default 3, quick 1)")
    ap.add_argument("--only", action="append",
                    choices=["separate", "single"])
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    args = ap.parse_args(argv[1:])
    nsep = args.separate or (200 if args.quick else args.ports)
    only = set(args.only or ["separate", "single"])
    rounds = args.rounds or (1 if args.quick else 3)

    def body(workdir):
        ovs, mvs, mode, note = make_setups(workdir)
        if ovs is None:
            print("SKIP: real ovs-vsctl/ovsdb-server/ovsdb-tool not found")
            return 77
        res = benchlib.Results("vsctl", mode, note)
        print("bench_vsctl: mode %s" % mode)
        print("  ovs:     " + ovs.describe())
        print("  microvs: " + mvs.describe())
        if note:
            print("NOTE: " + note)
        print("  %d separate add-port calls; one call adding %d ports"
              % (nsep, args.ports))
        sys.stdout.flush()

        def measure(key, fn, *a):
            out = {}
            for st in (ovs, mvs):
                try:
                    out[st.name] = fn(st, *a)
                except (BenchError, subprocess.TimeoutExpired) as e:
                    out[st.name] = None
                    res.errors.append("%s %s: %s" % (key, st.name, e))
                    print("ERROR: %s %s: %s" % (key, st.name, e))
            res.info[key] = out
            return out

        if "separate" in only:
            res.define("sep_total", "%d separate add-port calls" % nsep, "s",
                       "lower", 0.5)
            res.define("sep_mean", "  mean per call", "ms", "lower")
            k = min(nsep, 100)
            res.define("sep_first", "  mean of the first %d calls" % k, "ms",
                       "lower")
            res.define("sep_last", "  mean of the last %d calls" % k, "ms",
                       "lower")
            for name, r in measure("separate", run_separate, nsep).items():
                res.set("sep_total", name, r and r["total_s"])
                res.set("sep_mean", name, r and r["mean_ms"])
                res.set("sep_first", name, r and r["first100_mean_ms"])
                res.set("sep_last", name, r and r["last100_mean_ms"])
        if "single" in only:
            res.define("single_total", "one call adding %d ports (median "
                       "of %d)" % (args.ports, rounds), "s", "lower")
            for name, r in measure("single", run_single, args.ports,
                                   rounds).items():
                res.set("single_total", name, r and r["total_s"])
        res.info["spawn_overhead_ms"] = spawn_overhead_ms()

        print()
        res.print_table()
        print()
        print("harness cost of starting a process (/bin/true): %.2f ms per "
              "call, inside every per-call figure on both sides"
              % res.info["spawn_overhead_ms"])
        for name, r in (res.info.get("separate") or {}).items():
            if r:
                print("separate %-7s cumulative seconds after N calls: %s"
                      % (name, ", ".join("%d: %.2f" % kv for kv in
                                         sorted(r["cumulative_s"].items()))))
        for name, r in (res.info.get("single") or {}).items():
            if r:
                print("single   %-7s rounds (s): %s" % (name, r["rounds_s"]))
        res.info["quick"] = args.quick
        return res

    return benchlib.run_main("vsctl", args.keep, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
