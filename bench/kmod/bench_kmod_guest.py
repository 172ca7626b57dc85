#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The guest side of bench/kmod/bench_kmod.sh: microvs on microvs.ko
against Open vSwitch 3.1 on Debian's openvswitch.ko, in this guest, on
bench_switch's two-namespace topology (bench/switch/swplug.py):

  ns1 10.99.0.1 eth0 == veth1 [br0, datapath_type=system, NORMAL, in the
  switch's own namespace] veth2 == eth0 ns2 10.99.0.2

One switch at a time: its namespaces are made, its daemons started, every
measure run, then everything is stopped and the namespaces deleted (which
takes the kernel datapath along) before the other starts.  Round k runs
the switches in the order of the round before, reversed (ovs, microvs;
microvs, ovs; ...), so that what one run leaves in the kernel (slab
caches, the neighbour tables) favours neither.

Measures (each the median of the rounds; target: microvs at least equal):
  idle       CPU of the switch's processes without traffic (no target;
             what they do in the background delays the others)
  ping       RTT, pings at 10 ms after a warm-up (the mean)
  pps        64-byte UDP frames of one flow, swgen as fast as it can
             for a fixed time; what swsink received per second
  tcp        iperf3 TCP, the veths' default offloads (TSO, GSO)
  flowsetup  swgen with a new UDP port pair per frame, megaflows off
             (upcall/disable-megaflows): every frame is a miss, an upcall
             and a new kernel flow; for each offered rate, flows installed
             per second and the share of the frames that reached ns2

With --cpu, the CPU each process and the guest's kernel (system,
softirq) spent during each switch's flowsetup, per flow installed, ping
(per ping) and pps (per thousand packets received) is printed and
written to $KMOD_OUT/cpu-*.txt (bench_kmod.sh's KMOD_KEEP directory):
where a new flow's or a packet's time goes, and which daemon wakes up
meanwhile.

Only ratios mean anything: the guest runs under TCG, on a shared machine.
Exit: 0 every measure ran, 1 a measure failed (ERR, listed), 2 harness
error, 77 a tool is missing.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SWITCH = os.path.join(os.path.dirname(HERE), "switch")
sys.path.insert(0, SWITCH)
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402
import swmeasure  # noqa: E402
import swnet  # noqa: E402
import swplug  # noqa: E402
from swnet import BenchError, NotAvailable  # noqa: E402
from swtable import Table  # noqa: E402

MEASURES = ("idle", "ping", "pps", "tcp", "flowsetup")
# quick / full
DEFAULTS = {
    "rounds": (1, 2),
    "idle_secs": (2.0, 5.0),
    "ping_count": (50, 200),
    "pps_secs": (1.0, 3.0),
    "tcp_secs": (1, 3),
    "flow_secs": (1.0, 2.0),
    "rates": ("1000", "500,2000,8000"),
}


class KernelOVS(swplug.OpenVSwitch):
    """Debian's ovsdb-server and ovs-vswitchd, br0 on openvswitch.ko."""

    datapath_type = "system"


class KernelMicrovs(swplug.Microvs):
    """Every process of microvs (microvs-ctl start), br0 on microvs.ko
    through upcalld's system class.  A TCG guest starts them slowly."""

    datapath_type = "system"
    up_secs = 120
    first_wait_secs = 60


PLUGINS = {"ovs": KernelOVS, "microvs": KernelMicrovs}


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="one round, short measures (a smoke run)")
    ap.add_argument("--only", action="append", choices=MEASURES,
                    help="run only this measure (repeatable)")
    ap.add_argument("--first", choices=("ovs", "microvs"), default="ovs",
                    help="the switch of the first round (default ovs)")
    ap.add_argument("--switch", action="append", choices=("ovs", "microvs"),
                    help="run only this switch (repeatable; no ratios "
                    "with one)")
    ap.add_argument("--build", default=os.path.join(benchlib.TOP, "build"),
                    help="microvs build directory (default TOP/build)")
    ap.add_argument("--prefix", default="kb11",
                    help="network namespace prefix (default kb11)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (logs, databases)")
    ap.add_argument("--cpu", action="store_true",
                    help="CPU per process per flow during flowsetup")
    g = ap.add_argument_group("sizes (default: quick / full)")
    for k, (q, f) in DEFAULTS.items():
        g.add_argument("--" + k.replace("_", "-"),
                       type=str if k == "rates" else type(f),
                       help="default %s / %s" % (q, f))
    a = ap.parse_args(argv[1:])
    for k, (q, f) in DEFAULTS.items():
        if getattr(a, k) is None:
            setattr(a, k, q if a.quick else f)
    a.rates = [int(float(x)) for x in str(a.rates).split(",") if x]
    a.only = set(a.only or MEASURES)
    a.swgen = os.path.join(a.build, "bench", "switch", "swgen")
    a.swsink = os.path.join(a.build, "bench", "switch", "swsink")
    a.port_type = "internal"
    return a


def define_rows(t, a):
    same = [("ovs", ">=", 1.0)]
    if "idle" in a.only:
        t.define("idle", "idle CPU of the switch's processes, %g s"
                 % a.idle_secs, "% core", "lower")
    if "ping" in a.only:
        t.define("ping_avg", "ping RTT mean, %d at 10 ms" % a.ping_count,
                 "ms", "lower", [("ovs", "<=", 1.0)])
        t.define("ping_p50", "  ping RTT p50", "ms", "lower")
        t.define("ping_loss", "  ping loss", "%", "lower")
    if "pps" in a.only:
        t.define("pps", "64-B UDP received, %g s" % a.pps_secs, "kpps",
                 "higher", same)
        t.define("pps_sent", "  generator sent", "kpps", "higher")
        t.define("machine_mpkt", "  guest busy CPU s per Mpkt", "s",
                 "lower")
    if "tcp" in a.only:
        t.define("tcp", "iperf3 TCP %d s, default offloads" % a.tcp_secs,
                 "Gbit/s", "higher", same)
        t.define("tcp_retr", "  TCP retransmits", "", "lower")
    if "flowsetup" in a.only:
        t.define("flowsetup", "new-flow setup, best offered rate",
                 "flows/s", "higher", same)
        for r in a.rates:
            t.define("flowsetup_%d" % r, "  installed/s at %d/s offered" % r,
                     "flows/s", "higher")
            t.define("delivered_%d" % r, "  received/offered at %d/s" % r,
                     "%", "higher")


ROWS = {
    "idle": ("idle",),
    "ping": ("ping_avg", "ping_p50", "ping_loss"),
    "pps": ("pps", "pps_sent", "machine_mpkt"),
    "tcp": ("tcp", "tcp_retr"),
}


def rows_of(t, measure):
    if measure == "flowsetup":
        return [n for n in t.order if n.startswith(("flowsetup",
                                                    "delivered_"))]
    return [n for n in ROWS[measure] if n in t.metrics]


def fail(t, measure, sw, reason):
    print("  ERR %s %s: %s" % (measure, sw.name, reason))
    for n in rows_of(t, measure):
        t.mark(n, sw.name, "ERR", reason)
    t.errors.append("%s %s: %s" % (measure, sw.name, reason))


def cpu_ticks():
    """{(pid, comm): (user, system) ticks} of every process now, and the
    guest's /proc/stat "cpu" line (user nice system idle iowait irq
    softirq ...)."""
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        f = st[st.rindex(")") + 2:].split()
        procs[(pid, comm)] = (int(f[11]), int(f[12]))
    with open("/proc/stat") as f:
        machine = [int(x) for x in f.readline().split()[1:]]
    return procs, machine


class Profile:
    """With --cpu: where the CPU went while a measure ran, by process
    (user+system ticks) and for the whole guest (user, system, softirq,
    idle), written to $KMOD_OUT/cpu-NAME.txt and summed up on stdout.
    (perf record samples nothing in this guest: no PMU, and its
    cpu-clock events stop after a few samples under TCG.)"""

    def __init__(self, a, name, unit="flow"):
        self.on = a.cpu
        self.name = name
        self.unit = unit
        if self.on:
            self.t0 = time.monotonic()
            self.before = cpu_ticks()

    def stop(self, sw, flows):
        """flows: how many units (flows installed, pings, thousands of
        packets) the CPU is divided by."""
        if not self.on:
            return
        extra = []
        cmds = [("dpctl/show",), ("coverage/show",)]
        if sw.name == "microvs":
            cmds.append(("-t", "upcalld", "coverage/show"))
        for cmd in cmds:
            try:
                extra += ["", "$ appctl " + " ".join(cmd), sw.appctl(*cmd)]
            except (BenchError, NotAvailable) as e:
                extra += ["", "$ appctl %s: %s" % (" ".join(cmd), e)]
        secs = time.monotonic() - self.t0
        procs, machine = cpu_ticks()
        hz = os.sysconf("SC_CLK_TCK")
        by = {}
        for k, v in procs.items():
            old = self.before[0].get(k, (0, 0))
            u, s = by.get(k[1], (0, 0))
            by[k[1]] = (u + v[0] - old[0], s + v[1] - old[1])
        m = [x - y for x, y in zip(machine, self.before[1])]
        names = ("user", "nice", "system", "idle", "iowait", "irq",
                 "softirq")
        per = max(flows, 1)
        lines = ["%s: %.1f s, %d %ss; CPU ms per %s:"
                 % (self.name, secs, flows, self.unit, self.unit)]
        lines += ["  guest %-8s %8.3f" % (n, 1000.0 * m[i] / hz / per)
                  for i, n in enumerate(names)]
        lines.append("  %-16s %8s %8s" % ("process", "user", "system"))
        for comm, (u, s) in sorted(by.items(), key=lambda x: -sum(x[1])):
            if u + s > 0:
                lines.append("  %-16s %8.3f %8.3f" % (
                    comm, 1000.0 * u / hz / per, 1000.0 * s / hz / per))
        out = os.environ.get("KMOD_OUT")
        if out:
            with open(os.path.join(out, "cpu-%s.txt" % self.name),
                      "w") as f:
                f.write("\n".join(lines + extra) + "\n")
        print("\n".join("    " + x for x in lines[:16]))


def measure(t, a, tools, sw, m):
    """Runs measure m on the started switch sw and adds its figures."""
    n = sw.name
    if m == "idle":
        time.sleep(1.0)     # what start-up left running settles
        r = swmeasure.idle([sw], a.idle_secs)
        t.add("idle", n, 100.0 * r[n])
    elif m == "ping":
        prof = Profile(a, "%s-ping-%d" % (n, a.round), "ping")
        r = swmeasure.ping(tools, sw, a.ping_count)
        prof.stop(sw, a.ping_count)
        t.add("ping_avg", n, r["avg"])
        t.add("ping_p50", n, r["p50"])
        t.add("ping_loss", n, r["loss"])
    elif m == "pps":
        prof = Profile(a, "%s-pps-%d" % (n, a.round), "kpkt")
        r = swmeasure.pps(tools, sw, a.pps_secs, warmup=True)
        prof.stop(sw, int(r["eth0_rx"] / 1e3))
        t.add("pps", n, r["pps"] / 1e3)
        t.add("pps_sent", n, r["sent_pps"] / 1e3)
        t.add("machine_mpkt", n, r["machine_cpu_per_mpkt"])
    elif m == "tcp":
        r = swmeasure.tcp(tools, sw, a.tcp_secs)
        if "fails" in r:
            raise BenchError("iperf3: %s" % r["fails"])
        t.add("tcp", n, r["gbps"])
        t.add("tcp_retr", n, r["retransmits"])
    elif m == "flowsetup":
        prof = Profile(a, "%s-%d" % (n, a.round))
        r = swmeasure.flow_setup(tools, sw, "exact", a.rates, a.flow_secs,
                                 1)
        prof.stop(sw, sum(r[rate][0]["flows"] for rate in a.rates))
        best = 0.0
        for rate in a.rates:
            x = r[rate][0]
            t.add("flowsetup_%d" % rate, n, x["installed_ps"])
            t.add("delivered_%d" % rate, n, 100.0 * x["delivered"])
            best = max(best, x["installed_ps"])
        t.add("flowsetup", n, best)
    t.info.setdefault("runs", {}).setdefault(n, {}).setdefault(
        m, []).append({str(k): v for k, v in r.items()})


def one_switch(t, a, tools, name, workdir, k):
    """Starts switch name in fresh namespaces, runs every measure, stops
    it and deletes its namespaces."""
    sw = PLUGINS[name](a, workdir)
    sw.workdir = os.path.join(workdir, "%s-%d" % (name, k))
    topo = swplug.Topology(a.prefix, "%s%d" % (name[0], k), True)
    cleanup = swnet.Cleanup()
    cleanup.add(topo.delete)
    t0 = time.monotonic()
    try:
        try:
            topo.create()
            cleanup.add(sw.stop)
            sw.start(topo)
            if not swmeasure.connectivity(sw, 60):
                raise BenchError("ns1 cannot ping ns2 through br0")
        except (BenchError, NotAvailable) as e:
            for m in MEASURES:
                if m in a.only:
                    fail(t, m, sw, "start: %s" % e)
            return
        print("  %s: %s, up in %.1f s" % (name, sw.describe(),
                                          time.monotonic() - t0))
        for n in sw.notes:
            print("    note: " + n)
        for m in MEASURES:
            if m not in a.only:
                continue
            t1 = time.monotonic()
            try:
                measure(t, a, tools, sw, m)
            except (BenchError, NotAvailable) as e:
                fail(t, m, sw, str(e))
            print("  %s %s: %.1f s" % (name, m, time.monotonic() - t1))
            sys.stdout.flush()
    finally:
        cleanup.run()
        left = [n for n in os.listdir(swnet.NETNS_DIR)
                if n.startswith(a.prefix + "-")] if os.path.isdir(
                    swnet.NETNS_DIR) else []
        if left:
            print("  namespaces left after %s: %s" % (name, " ".join(left)))


def preflight(a):
    if os.geteuid() != 0:
        return "needs root"
    for c in ("ip", "ping", "iperf3", "modprobe"):
        if not shutil.which(c):
            return "%s not found" % c
    for p in (a.swgen, a.swsink):
        if not os.access(p, os.X_OK):
            return "%s not built (ninja -C %s)" % (p, a.build)
    for sw in (KernelOVS(a, "/nonexistent"), KernelMicrovs(a, "/nonexistent")):
        why = sw.missing()
        if why:
            return why
    if not os.path.isdir("/sys/module/microvs"):
        return "microvs.ko is not loaded (bench/kmod/bench_kmod.sh loads it)"
    r = subprocess.run(["modprobe", "openvswitch"], capture_output=True,
                       text=True)
    if r.returncode:
        return "modprobe openvswitch: " + r.stderr.strip()
    return None


def main(argv):
    a = parse_args(argv)
    why = preflight(a)
    if why:
        print("SKIP: bench_kmod: " + why)
        return 77
    mode = "quick" if a.quick else "full"

    def body(workdir):
        os.chmod(workdir, 0o755)
        t = Table("kmod", mode, ["ovs", "microvs"])
        define_rows(t, a)
        t.info.update(kernel=platform.release(), nproc=os.cpu_count(),
                      args=" ".join(argv[1:]), loadavg_start=swnet.loadavg())
        print("bench_kmod: mode %s; guest kernel %s; %d vCPUs; guest load "
              "%s" % (mode, platform.release(), os.cpu_count(),
                      t.info["loadavg_start"]))
        tools = swmeasure.Tools(a.swgen, a.swsink)
        swnet.Cleanup.trap_signals()
        order = [n for n in [a.first] + [n for n in ("ovs", "microvs")
                                         if n != a.first]
                 if not a.switch or n in a.switch]
        for k in range(a.rounds):
            print("round %d/%d: %s" % (k + 1, a.rounds, ", ".join(order)))
            sys.stdout.flush()
            a.round = k
            for name in order:
                one_switch(t, a, tools, name, workdir, k)
            order.reverse()
        t.info["loadavg_end"] = swnet.loadavg()
        t.print_report("TCG guest: only the ratios m/o mean anything (the "
                       "median of %d round(s), alternating which switch "
                       "runs first)" % a.rounds)
        return t

    return benchlib.run_main("kmod", a.keep, body)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        print("bench_kmod: interrupted")
        sys.exit(130)
