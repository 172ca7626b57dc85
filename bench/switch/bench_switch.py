#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Data-plane benchmark: microvs against real Open vSwitch 3.1's userspace
datapath (datapath_type=netdev) on the same two-namespace topology, and the
bare veth pair as the ceiling, in one run, printed as ratios (issue 8,
acceptance item 7; bench/README.md).

  ns1 10.99.0.1 eth0 == veth1 [br0 of the switch, in its own host
  namespace] veth2 == eth0 ns2 10.99.0.2        (veth: ns1 eth0 == ns2 eth0)

Measures (targets are the issue's, for microvs):
  idle      CPU of the switch's processes with no traffic (~0)
  ping      RTT, pings at 10 ms (avg, p50, p99)         <= 0.5x ovs
  tcp       iperf3 TCP, the veths' default offloads     >= 50 % of ceiling
  pps       64-byte UDP frames received by the sink     >= 2x ovs, >= 0.6x ceil
            and CPU s per million packets               <= 0.5x ovs
  memory    RSS growth per datapath flow                <= 1 kB
  flowsetup datapath flows installed per second, every
            frame a new flow (--flow-method)            >= 2x ovs
  vsctl     separate `ovs-vsctl add-port` calls without
            --no-wait                                   <= 0.5x ovs
ping, tcp and pps alternate between the switches, run by run; the others
run on one switch after the other.  Each figure is the median of its runs,
with the range.  Needs root; runs everything in network namespaces named
PREFIX-PID-* and removes them at the end, also on Ctrl-C or SIGTERM.

Exit: 0 when every measurement ran (whatever the figures; microvs "n/a"
included), 1 when a measurement of a reference or a microvs measurement
that it can do failed (ERR), 2 when the harness broke, 77 when not root or
a tool is missing.
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
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402
import swmeasure  # noqa: E402
import swnet  # noqa: E402
import swplug  # noqa: E402
from swnet import BenchError, NotAvailable  # noqa: E402
from swtable import Table  # noqa: E402

TRAFFIC = ("ping", "tcp", "pps")
MEASURES = ("idle",) + TRAFFIC + ("memory", "flowsetup", "vsctl")
# quick / full defaults
DEFAULTS = {
    "ping_runs": (2, 5), "ping_count": (200, 200),
    "tcp_runs": (2, 3), "tcp_secs": (3, 10),
    "pps_runs": (2, 5), "pps_secs": (2, 5),
    "idle_secs": (3, 10),
    # Up to twice what either switch installed on a 2-core machine: a
    # top rate both reach measures the generator, not the switches.
    "rates": ("40000,160000,320000",
              "10000,40000,80000,160000,240000,320000,480000"),
    "flow_secs": (1.0, 1.5), "flow_runs": (1, 2),
    "mem_flows": (20000, 100000), "mem_rate": (20000, 20000),
    "vsctl_ports": (100, 1000),
}


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="fewer and shorter runs (a few minutes)")
    ap.add_argument("--switches", default="veth,ovs,microvs",
                    help="comma-separated plug-ins: %s (default all)"
                    % ",".join(swplug.SWITCHES))
    ap.add_argument("--only", action="append", choices=MEASURES,
                    help="run only this measure (repeatable)")
    ap.add_argument("--build", default=os.path.join(benchlib.TOP, "build"),
                    help="microvs build directory (default TOP/build)")
    ap.add_argument("--swgen", help="generator (default BUILD/bench/switch/"
                    "swgen)")
    ap.add_argument("--swsink", help="sink (default BUILD/bench/switch/"
                    "swsink)")
    g = ap.add_argument_group("sizes (default: quick / full)")
    for k, (q, f) in DEFAULTS.items():
        g.add_argument("--" + k.replace("_", "-"),
                       type=str if k == "rates" else type(f),
                       help="default %s / %s" % (q, f))
    ap.add_argument("--flow-method", choices=("auto", "exact", "dstmac"),
                    default="auto",
                    help="how memory and flowsetup make every frame its own "
                    "datapath flow: exact = megaflows off "
                    "(upcall/disable-megaflows), a new UDP port pair per "
                    "frame; dstmac = megaflows on, a new unknown "
                    "destination MAC per frame (flooded by NORMAL); auto "
                    "(default) = exact when every switch under test can "
                    "turn megaflows off, else dstmac, the same for all")
    ap.add_argument("--of-flows", type=int, default=0, metavar="N",
                    help="flowsetup: first add N OpenFlow flows of eight "
                    "different masks to br0 (none matches the measured "
                    "traffic, which NORMAL forwards), so that every new "
                    "flow's translation searches a large table; Debian's "
                    "ovs-ofctl add-flows on both switches (issue 9: "
                    "translation rate with 100,000 flows of mixed masks)")
    ap.add_argument("--port-type", choices=("internal", "dummy"),
                    default="internal",
                    help="vsctl: type of the added ports (dummy starts "
                    "ovs-vswitchd with --enable-dummy)")
    ap.add_argument("--pin-gen", metavar="CPUS",
                    help="pin generator, ping and iperf3 client (taskset)")
    ap.add_argument("--pin-sink", metavar="CPUS",
                    help="pin the sink and the iperf3 server")
    ap.add_argument("--pin-switch", metavar="CPUS",
                    help="pin every thread of the switches' processes")
    ap.add_argument("--real-vs-real", action="store_true",
                    help="the microvs column is a second real Open vSwitch "
                    "(harness check: ratios m/o near 1)")
    ap.add_argument("--prefix", default="bench8",
                    help="network namespace prefix (default bench8)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (logs, databases)")
    a = ap.parse_args(argv[1:])
    for k, (q, f) in DEFAULTS.items():
        if getattr(a, k) is None:
            setattr(a, k, q if a.quick else f)
    a.rates = [int(float(x)) for x in str(a.rates).split(",") if x]
    a.switches = [s for s in a.switches.split(",") if s]
    for s in a.switches:
        if s not in swplug.SWITCHES:
            ap.error("unknown switch %r" % s)
    a.only = set(a.only or MEASURES)
    a.swgen = a.swgen or os.path.join(a.build, "bench", "switch", "swgen")
    a.swsink = a.swsink or os.path.join(a.build, "bench", "switch", "swsink")
    return a


def define_rows(t, a):
    if "idle" in a.only:
        t.define("idle", "idle CPU, %g s without traffic" % a.idle_secs,
                 "% core", "lower", [("abs", "<=", 1.0)], switch_only=True)
    if "ping" in a.only:
        t.define("ping_avg", "ping RTT avg, %d x %d at 10 ms"
                 % (a.ping_runs, a.ping_count), "ms", "lower",
                 [("ovs", "<=", 0.5)])
        t.define("ping_p50", "  ping RTT p50", "ms", "lower")
        t.define("ping_p99", "  ping RTT p99", "ms", "lower")
        t.define("ping_loss", "  ping loss", "%", "lower")
        t.define("ping_dups", "  ping duplicate replies", "", "lower")
    if "tcp" in a.only:
        t.define("tcp", "iperf3 TCP %d x %d s, default offloads"
                 % (a.tcp_runs, a.tcp_secs), "Gbit/s", "higher",
                 [("veth", ">=", 0.5)])
        t.define("tcp_retr", "  TCP retransmits", "", "lower")
    if "pps" in a.only:
        t.define("pps", "64-B UDP received by the sink, %d x %d s"
                 % (a.pps_runs, a.pps_secs), "kpps", "higher",
                 [("ovs", ">=", 2.0), ("veth", ">=", 0.6)])
        t.define("pps_sent", "  generator sent", "kpps", "higher")
        t.define("cpu_mpkt", "CPU s per Mpkt, switch processes", "s",
                 "lower", [("ovs", "<=", 0.5)], switch_only=True)
        t.define("cpu_share", "  switch CPU during the pps test", "% core",
                 "lower", switch_only=True)
        t.define("machine_mpkt", "  machine busy CPU s per Mpkt (all "
                 "jobs)", "s", "lower")
    if "memory" in a.only:
        t.define("mem", "memory per datapath flow, %d flows" % a.mem_flows,
                 "B", "lower", [("abs", "<=", 1024)], switch_only=True)
        t.define("mem_flows", "  flows installed for it", "", "higher",
                 switch_only=True)
    if "flowsetup" in a.only:
        t.define("flowsetup", "new-flow setup, best offered rate",
                 "flows/s", "higher", [("ovs", ">=", 2.0)],
                 switch_only=True)
        for r in a.rates:
            t.define("flowsetup_%d" % r, "  installed/s at %d/s offered" % r,
                     "flows/s", "higher", switch_only=True)
    if "vsctl" in a.only:
        t.define("vsctl", "%d separate add-port (type=%s), waiting"
                 % (a.vsctl_ports, a.port_type), "s", "lower",
                 [("ovs", "<=", 0.5)], switch_only=True)
        k = swmeasure.tail_calls(a.vsctl_ports)
        t.define("vsctl_first", "  mean of the first %d calls" % k, "ms",
                 "lower", switch_only=True)
        t.define("vsctl_last", "  mean of the last %d calls" % k, "ms",
                 "lower", switch_only=True)


# Rows each measure fills: a failure marks all of them.
ROWS = {
    "idle": ["idle"],
    "ping": ["ping_avg", "ping_p50", "ping_p99", "ping_loss", "ping_dups"],
    "tcp": ["tcp", "tcp_retr"],
    "pps": ["pps", "pps_sent", "cpu_mpkt", "cpu_share", "machine_mpkt"],
    "memory": ["mem", "mem_flows"],
    "flowsetup": ["flowsetup"],
    "vsctl": ["vsctl", "vsctl_first", "vsctl_last"],
}


class Bench:
    def __init__(self, a, table, workdir):
        self.a, self.t = a, table
        self.tools = swmeasure.Tools(a.swgen, a.swsink, a.pin_gen,
                                     a.pin_sink, a.pin_switch)
        kinds = dict(swplug.SWITCHES)
        if a.real_vs_real:
            kinds["microvs"] = swplug.SecondOpenVSwitch
        self.switches = [kinds[n](a, workdir) for n in a.switches]
        self.down = {}      # name -> (word, reason): cannot run traffic
        self.broken = {}    # name -> (word, reason): cannot run anything

    def rows(self, measure):
        rows = ROWS[measure]
        if measure == "flowsetup":
            rows = rows + ["flowsetup_%d" % r for r in self.a.rates]
        return [r for r in rows if r in self.t.metrics]

    def fail(self, measure, sw, word, reason):
        print("  %s %s %s: %s" % (word, measure, sw.name, reason))
        for r in self.rows(measure):
            self.t.mark(r, sw.name, word, reason)
        if word == "ERR":
            self.t.errors.append("%s %s: %s" % (measure, sw.name, reason))

    def attempt(self, measure, sw, fn, *args):
        """fn(*args), or the rows marked n/a or ERR; returns fn's value or
        None."""
        gone = self.broken.get(sw.name) or (
            self.down.get(sw.name) if measure != "vsctl" else None)
        if gone:
            for r in self.rows(measure):
                self.t.mark(r, sw.name, gone[0], gone[1])
            return None
        try:
            return fn(*args)
        except NotAvailable as e:
            self.fail(measure, sw, "ERR" if sw.reference else "n/a", str(e))
        except BenchError as e:
            self.fail(measure, sw, "ERR", str(e))
        return None

    # ---------------------------------------------------------------
    def setup(self, cleanup):
        for sw in self.switches:
            topo = swplug.Topology(self.a.prefix, sw.name, sw.is_switch)
            cleanup.add(topo.delete)
            word = "ERR" if sw.reference else "n/a"
            why = sw.missing()
            if why:
                self.broken[sw.name] = (word, why)
                print("  %-8s %s: %s" % (sw.name, word, why))
                continue
            try:
                topo.create()
                cleanup.add(sw.stop)
                sw.start(topo)
            except (BenchError, NotAvailable) as e:
                self.broken[sw.name] = ("ERR", "start: %s" % e)
                self.t.errors.append("%s start: %s" % (sw.name, e))
                print("  %-8s ERR: start: %s" % (sw.name, e))
                continue
            if not swmeasure.connectivity(sw, 15 if sw.is_switch else 5):
                self.down[sw.name] = (word, "ns1 cannot ping ns2 through "
                                      "it (not forwarding)")
                if word == "ERR":
                    self.t.errors.append("%s: no connectivity" % sw.name)
            swmeasure.pin_switch(self.tools, sw)
            print("  %-8s %s%s" % (sw.name, sw.describe(),
                                   "; %s: %s" % self.down[sw.name]
                                   if sw.name in self.down else ""))
            for n in sw.notes:
                print("           note: " + n)
        sys.stdout.flush()

    def run_idle(self):
        live = [sw for sw in self.switches if sw.is_switch
                and sw.name not in self.broken]
        print("idle: %g s" % self.a.idle_secs)
        got = swmeasure.idle(live, self.a.idle_secs)
        for sw in self.switches:
            if not sw.is_switch:
                continue
            if sw.name in self.broken:
                self.attempt("idle", sw, None)
            else:
                self.t.add("idle", sw.name, 100.0 * got[sw.name])

    def run_traffic(self):
        a = self.a
        plan = {"ping": (a.ping_runs, swmeasure.ping, a.ping_count),
                "tcp": (a.tcp_runs, swmeasure.tcp, a.tcp_secs),
                "pps": (a.pps_runs, swmeasure.pps, a.pps_secs)}
        for m in TRAFFIC:
            if m not in a.only:
                continue
            runs, fn, arg = plan[m]
            for k in range(runs):
                order = self.switches[k % len(self.switches):] + \
                    self.switches[:k % len(self.switches)]
                for sw in order:
                    r = self.attempt(m, sw, fn, self.tools, sw, arg)
                    if r is not None:
                        self.record(m, sw, r)
                print("%s run %d/%d done" % (m, k + 1, runs))
                sys.stdout.flush()

    def record(self, m, sw, r):
        t, n = self.t, sw.name
        if m == "ping":
            for k in ("avg", "p50", "p99", "loss", "dups"):
                t.add("ping_" + k, n, r[k])
        elif m == "tcp":
            if "fails" in r:
                t.mark("tcp", n, "fails", "iperf3: %s" % r["fails"])
                t.mark("tcp_retr", n, "fails")
            else:
                t.add("tcp", n, r["gbps"])
                t.add("tcp_retr", n, r["retransmits"])
        elif m == "pps":
            t.add("pps", n, r["pps"] / 1e3)
            t.add("pps_sent", n, r["sent_pps"] / 1e3)
            t.add("machine_mpkt", n, r["machine_cpu_per_mpkt"])
            if sw.is_switch:
                t.add("cpu_mpkt", n, r["cpu_per_mpkt"])
                t.add("cpu_share", n, 100.0 * r["cpu_share"])
            t.info.setdefault("pps_runs", {}).setdefault(n, []).append(r)

    def flow_method(self):
        """--flow-method, with auto resolved over the running switches."""
        if self.a.flow_method != "auto":
            return self.a.flow_method
        live = [sw for sw in self.switches if sw.is_switch
                and sw.name not in self.broken and sw.name not in self.down]
        if all(swmeasure.supports_exact(sw) for sw in live):
            return "exact"
        return "dstmac"

    def add_of_flows(self, sw):
        """Adds --of-flows flows of mixed masks to sw's br0 (see the
        option); returns the seconds it took."""
        path = os.path.join(sw.workdir, "of-flows.txt")
        with open(path, "w") as f:
            f.write(mixed_flows(self.a.of_flows))
        t0 = time.monotonic()
        sw.add_of_flows(path)
        return time.monotonic() - t0

    def run_per_switch(self):
        a, t = self.a, self.t
        method = None
        if a.only & {"memory", "flowsetup"}:
            method = self.flow_method()
            t.info["flow_method"] = method
            print("flow measures: method %s (%s)" % (
                method, {"exact": "megaflows off, a new UDP port pair per "
                         "frame", "dstmac": "megaflows on, a new unknown "
                         "destination MAC per frame"}[method]))
            for n in ("mem", "flowsetup"):
                if n in t.metrics:
                    t.metrics[n].label += ", " + method
            if a.of_flows and "flowsetup" in t.metrics:
                t.metrics["flowsetup"].label += ", %d OF flows" % a.of_flows
        for sw in self.switches:
            if not sw.is_switch:
                continue
            index = 0
            if "memory" in a.only:
                print("memory %s: %d flows at %d/s" % (sw.name, a.mem_flows,
                                                       a.mem_rate))
                r = self.attempt("memory", sw, swmeasure.memory, self.tools,
                                 sw, method, a.mem_flows, a.mem_rate)
                if r:
                    t.add("mem", sw.name, r["bytes_per_flow"])
                    t.add("mem_flows", sw.name, r["flows"])
                    t.info.setdefault("memory", {})[sw.name] = r
                    index = r["next_index"]
            if "flowsetup" in a.only and a.of_flows:
                print("flowsetup %s: adding %d OpenFlow flows of mixed masks"
                      % (sw.name, a.of_flows))
                sys.stdout.flush()
                if not self.attempt("flowsetup", sw, self.add_of_flows, sw):
                    continue
            if "flowsetup" in a.only:
                print("flowsetup %s: rates %s" % (sw.name, a.rates))
                r = self.attempt("flowsetup", sw, swmeasure.flow_setup,
                                 self.tools, sw, method, a.rates,
                                 a.flow_secs, a.flow_runs, index)
                if r:
                    best = 0.0
                    for rate in a.rates:
                        v = [x["installed_ps"] for x in r[rate]]
                        for x in v:
                            t.add("flowsetup_%d" % rate, sw.name, x)
                        best = max(best, statistics.median(v))
                    t.add("flowsetup", sw.name, best)
                    t.info.setdefault("flowsetup", {})[sw.name] = {
                        str(k): v for k, v in r.items()}
            if "vsctl" in a.only:
                print("vsctl %s: %d separate add-port calls"
                      % (sw.name, a.vsctl_ports))
                sys.stdout.flush()
                r = self.attempt("vsctl", sw, swmeasure.vsctl_ports, sw,
                                 a.vsctl_ports, a.port_type)
                if r:
                    t.add("vsctl", sw.name, r["total_s"])
                    t.add("vsctl_first", sw.name, r["first_ms"])
                    t.add("vsctl_last", sw.name, r["last_ms"])
            sys.stdout.flush()


def mixed_flows(n):
    """n OpenFlow flows of eight masks, none matching the measured UDP
    traffic 10.99.0.1 -> 10.99.0.2 (ports from swmeasure.UDP_PORT)."""
    lines = []
    for i in range(n):
        a, b, c = i >> 16 & 255, i >> 8 & 255, i & 255
        port = 10000 + i % 50000
        lines.append([
            "ip,nw_dst=10.%d.%d.%d" % (100 + a, b, c),
            "ip,nw_dst=172.%d.%d.0/24" % (16 + a % 16, b),
            "ip,nw_src=192.168.%d.%d,nw_dst=172.31.%d.%d" % (b, c, a, c),
            "udp,nw_dst=10.98.%d.%d,tp_dst=%d" % (b, c, port),
            "dl_src=02:00:%02x:%02x:%02x:01" % (a, b, c),
            "tcp,tp_dst=%d,nw_dst=10.97.%d.%d" % (port, b, c),
            "in_port=%d,dl_vlan=%d" % (100 + i % 1000, 1 + i % 4000),
            "ip,nw_tos=%d,nw_dst=10.96.%d.%d" % (4 * (i % 60), b, c),
        ][i % 8] + ",priority=%d,actions=drop" % (100 + i % 1000))
    return "\n".join(lines) + "\n"


def preflight(a):
    """None, or why the benchmark cannot run here (exit 77)."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    need = ["ip", "ping"] + (["iperf3"] if "tcp" in a.only else [])
    if a.pin_gen or a.pin_sink:
        need.append("taskset")
    for c in need:
        if not shutil.which(c):
            return "%s not found (scripts/install-deps.sh)" % c
    for p in (a.swgen, a.swsink):
        if not os.access(p, os.X_OK):
            return "%s not built (ninja -C %s)" % (p, a.build)
    if "ovs" in a.switches:
        why = swplug.OpenVSwitch(a, "/nonexistent").missing()
        if why:
            return why
    return None


def main(argv):
    a = parse_args(argv)
    why = preflight(a)
    if why:
        print("SKIP: bench_switch: " + why)
        return 77
    mode = ("quick" if a.quick else "full") + (
        ", real-vs-real" if a.real_vs_real else "")

    def body(workdir):
        t = Table("switch", mode, a.switches)
        define_rows(t, a)
        t.info.update(loadavg_start=swnet.loadavg(), nproc=os.cpu_count(),
                      kernel=platform.release(),
                      args=" ".join(argv[1:]))
        print("bench_switch: mode %s; load average %s; %d CPUs; kernel %s"
              % (mode, t.info["loadavg_start"], os.cpu_count(),
                 platform.release()))
        stale = swnet.remove_stale(a.prefix)
        if stale:
            print("removed namespaces of a killed run: " + " ".join(stale))
        b = Bench(a, t, workdir)
        cleanup = swnet.Cleanup()
        swnet.Cleanup.trap_signals()
        try:
            b.setup(cleanup)
            if "idle" in a.only:
                b.run_idle()
            b.run_traffic()
            b.run_per_switch()
        finally:
            # Before any print: stdout may be a closed pipe.
            cleanup.run()
        t.info["loadavg_end"] = swnet.loadavg()
        t.info["switches"] = {sw.name: {"notes": sw.notes,
                                        "down": b.down.get(sw.name),
                                        "broken": b.broken.get(sw.name)}
                              for sw in b.switches}
        t.print_report("load average: start %s, end %s (a busy machine "
                       "moves every figure; compare ratios, rerun before "
                       "trusting a difference under ~20 %%)"
                       % (t.info["loadavg_start"], t.info["loadavg_end"]))
        return t

    return benchlib.run_main("switch", a.keep, body)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        print("bench_switch: interrupted")
        sys.exit(130)
    except subprocess.SubprocessError as e:
        print("bench_switch: %s" % e)
        sys.exit(2)
