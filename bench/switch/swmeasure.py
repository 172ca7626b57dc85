# SPDX-License-Identifier: Apache-2.0
"""The measures of bench_switch.py.  Each one runs once on one switch
(a swplug plug-in with its topology) and returns a dict of figures, or
raises swnet.BenchError (ERR) or swnet.NotAvailable (n/a).  None of them
asserts a timing: they measure and report.

Tools: ping, iperf3 and the C helpers swgen (generator, in ns1) and swsink
(UDP sink, in ns2) of bench/switch/.
"""

import json
import os
import re
import select
import statistics
import subprocess
import threading
import time

import swnet
from swnet import BenchError, NotAvailable, run
from swplug import IP1, IP2

UDP_PORT = 9000
FLOW_PORTS = 16         # swgen -f spreads flows over this many dst ports
IPERF_PORT = 5201


class Tools:
    """Paths and CPU pinning, shared by every measure."""

    def __init__(self, swgen, swsink, pin_gen=None, pin_sink=None,
                 pin_switch=None):
        self.swgen = swgen
        self.swsink = swsink
        self.pin_gen = pin_gen
        self.pin_sink = pin_sink
        self.pin_switch = pin_switch

    def pinned(self, argv, pin):
        return (["taskset", "-c", pin] + argv) if pin else argv


def _kv(line):
    """'a=1 b=2.5' -> {'a': 1.0, 'b': 2.5}"""
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _wait_line(proc, want, timeout):
    """Reads proc's stdout (unbuffered, so that select() sees every byte)
    until a line containing want; BenchError on end of output or
    timeout."""
    fd = proc.stdout.fileno()
    buf = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        if want.encode() in buf:
            return
    raise BenchError("`%s` did not print %r: %s"
                     % (" ".join(proc.args[-7:]), want,
                        buf.decode(errors="replace").strip()[-200:]))


def pin_switch(tools, sw):
    if tools.pin_switch and sw.is_switch:
        swnet.pin_pids(sw.pids(), tools.pin_switch)


class Sink:
    """swsink in ns2 on UDP_PORT..UDP_PORT+nports-1."""

    def __init__(self, tools, topo, nports=1, timeout=600):
        self.proc = swnet.popen(
            tools.pinned([tools.swsink, IP2, str(UDP_PORT), str(nports),
                          str(timeout)], tools.pin_sink),
            ns=topo.ns2.name, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        try:
            _wait_line(self.proc, "ready", 10)
        except BenchError:
            swnet.end_process(self.proc)
            raise

    def finish(self):
        """Stops the sink; returns {'received', 'bytes', 'span'}."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            swnet.end_process(self.proc)
            raise BenchError("swsink did not stop")
        m = re.search(r"received=.*", out or "")
        if not m:
            raise BenchError("swsink: %s" % (out or "").strip()[-300:])
        return _kv(m.group(0))

    def close(self):
        swnet.end_process(self.proc)


def generate(tools, topo, secs, rate=0, vary=None, index=0, count=0):
    """Runs swgen in ns1 towards ns2's eth0; returns its figures.  vary:
    None (one flow), "ports" (a new UDP port pair per frame) or "macs" (a
    new destination MAC per frame)."""
    argv = [tools.swgen, "-r", str(int(rate))]
    if vary:
        argv += [{"ports": "-f", "macs": "-M"}[vary], "-n", str(FLOW_PORTS),
                 "-i", str(index)]
    if count:
        argv += ["-c", str(count)]
    argv += ["-p", str(UDP_PORT), "eth0", topo.mac2, IP1, IP2, str(secs)]
    r = run(tools.pinned(argv, tools.pin_gen), ns=topo.ns1.name,
            timeout=secs + 30)
    return _kv(r.stdout)


# ---------------------------------------------------------------------------

def connectivity(sw, timeout):
    """True once ns1 pings ns2 through the switch (within timeout s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = run(["ping", "-c", "1", "-W", "1", IP2], ns=sw.topo.ns1.name,
                check=False, timeout=10)
        if r.returncode == 0:
            return True
    return False


def ping(tools, sw, count):
    """count pings at 10 ms intervals after a warm-up (so the megaflows
    exist): RTT avg, p50, p99 in ms, loss in %."""
    ns = sw.topo.ns1.name
    run(["ping", "-c", "3", "-i", "0.05", "-W", "1", IP2], ns=ns,
        check=False, timeout=10)
    r = run(tools.pinned(["ping", "-c", str(count), "-i", "0.01", "-W", "1",
                          "-w", str(count // 50 + 10), IP2], tools.pin_gen),
            ns=ns, check=False, timeout=count // 50 + 30)
    times, dups = [], 0
    for line in r.stdout.splitlines():
        m = re.search(r"time=([\d.]+) ms", line)
        if m and "DUP!" in line:
            dups += 1       # a reply delivered twice: not a second sample
        elif m:
            times.append(float(m.group(1)))
    if not times:
        raise BenchError("ping: no reply: %s" % (r.stdout + r.stderr)[-300:])
    return {"avg": statistics.mean(times), "p50": percentile(times, 0.5),
            "p99": percentile(times, 0.99),
            "loss": 100.0 * (count - len(times)) / count, "dups": dups}


def tcp(tools, sw, secs):
    """iperf3 TCP ns1 -> ns2 for secs with the veths' default offloads.
    {'gbps', 'retransmits'}, or {'fails': reason} when no data crossed."""
    topo = sw.topo
    srv = swnet.popen(tools.pinned(["iperf3", "-s", "-1", "-B", IP2, "-p",
                                    str(IPERF_PORT), "--forceflush"],
                                   tools.pin_sink),
                      ns=topo.ns2.name, stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT)
    try:
        _wait_line(srv, "listening", 10)
        r = run(tools.pinned(["iperf3", "-c", IP2, "-p", str(IPERF_PORT),
                              "-t", str(secs), "-J", "--connect-timeout",
                              "3000"], tools.pin_gen),
                ns=topo.ns1.name, check=False, timeout=secs + 40)
    finally:
        swnet.end_process(srv)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        raise BenchError("iperf3: no JSON: %s" % (r.stdout + r.stderr)[-300:])
    if d.get("error"):
        return {"fails": d["error"]}
    end = d.get("end", {})
    bps = end.get("sum_received", {}).get("bits_per_second", 0)
    if not bps:
        return {"fails": "no data received"}
    return {"gbps": bps / 1e9,
            "retransmits": end.get("sum_sent", {}).get("retransmits")}


def pps(tools, sw, secs, warmup=False):
    """64-byte (60 + FCS) UDP frames of one flow, as fast as swgen sends
    them, for secs.  The sink's count is the figure: received pps; CPU
    seconds per million received packets of the switch's processes and of
    the whole machine.  warmup: 20 frames of the flow first, so that its
    datapath flow exists before the count starts (as ping's warm-up)."""
    topo = sw.topo
    if warmup:
        generate(tools, topo, 1, rate=100, count=20)
        time.sleep(0.5)
    sink = Sink(tools, topo)
    try:
        pids = sw.pids()
        rx0 = int(topo.ns2.sysfs("eth0", "statistics/rx_packets"))
        c0, m0 = swnet.cpu_seconds(pids), swnet.machine_busy_seconds()
        g = generate(tools, topo, secs)
        time.sleep(0.3)     # what is queued in the switch drains
        c1, m1 = swnet.cpu_seconds(pids), swnet.machine_busy_seconds()
        rx1 = int(topo.ns2.sysfs("eth0", "statistics/rx_packets"))
        s = sink.finish()
    finally:
        sink.close()
    got = s["received"]
    if not got:
        raise BenchError("pps: the sink received nothing (sent %d)"
                         % g.get("sent", 0))
    out = {"pps": got / g["secs"], "sent_pps": g["pps"],
           "loss": 100.0 * max(0.0, 1 - got / max(g["sent"], 1)),
           "eth0_rx": rx1 - rx0,
           "machine_cpu_per_mpkt": (m1 - m0) / (got / 1e6)}
    if sw.is_switch:
        out["cpu_per_mpkt"] = (c1 - c0) / (got / 1e6)
        out["cpu_share"] = (c1 - c0) / g["secs"]
    return out


def idle(switches, secs):
    """CPU seconds per second of each switch's processes over secs with no
    traffic at all (an idle switch must use ~0).  {name: value}"""
    pids = {sw.name: sw.pids() for sw in switches}
    c0 = {n: swnet.run_seconds(p) for n, p in pids.items()}
    time.sleep(secs)
    return {n: (swnet.run_seconds(p) - c0[n]) / secs
            for n, p in pids.items()}


class FlowSampler(threading.Thread):
    """Samples sw.flow_count() every period seconds until stop()."""

    def __init__(self, sw, period=0.2):
        super().__init__(daemon=True)
        self.sw = sw
        self.period = period
        self.samples = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            try:
                self.samples.append((time.monotonic(),
                                     self.sw.flow_count()))
            except (BenchError, NotAvailable):
                pass
            self.halt.wait(self.period)

    def stop(self):
        self.halt.set()
        self.join()

    def peak_slope(self):
        s = self.samples
        return max(((b[1] - a[1]) / (b[0] - a[0])
                    for a, b in zip(s, s[1:]) if b[0] > a[0]), default=0.0)


# How each frame of the flow measures becomes its own datapath flow.
FLOW_METHODS = {
    # megaflows off (upcall/disable-megaflows, as the OVS baseline did):
    # every new UDP port pair is an upcall and an exact-match flow.
    "exact": "ports",
    # megaflows on: a NORMAL switch floods frames to unknown unicast MACs
    # and its megaflow matches the destination MAC exactly, so every new
    # destination MAC is an upcall and a flow (needs no switch command).
    "dstmac": "macs",
}


class ManyFlows:
    """A context for the flow measures: megaflows off for method "exact"
    (with a sink on the flow ports, so nothing answers), the flow limit
    raised (and max-idle when given); everything restored on exit."""

    def __init__(self, tools, sw, method, limit, max_idle=None):
        self.tools, self.sw, self.method = tools, sw, method
        self.limit, self.max_idle = limit, max_idle
        self.sink = None

    def __enter__(self):
        sw = self.sw
        sw.flow_count()     # NotAvailable before anything is changed
        try:
            if self.method == "exact":
                sw.set_exact(True)
                self.sink = Sink(self.tools, sw.topo, FLOW_PORTS)
            sw.set_flow_limit(self.limit)
            if self.max_idle:
                sw.set_max_idle(self.max_idle)
            sw.purge()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        sw = self.sw
        if self.sink:
            self.sink.close()
        for fn in (lambda: self.method == "exact" and sw.set_exact(False),
                   lambda: sw.set_flow_limit(None),
                   lambda: self.max_idle and sw.set_max_idle(None),
                   sw.purge):
            try:
                fn()
            except (BenchError, NotAvailable):
                pass
        return False


def supports_exact(sw):
    """True when sw can turn megaflows off (and on again)."""
    try:
        sw.set_exact(True)
        sw.set_exact(False)
        return True
    except (BenchError, NotAvailable):
        return False


def flow_setup(tools, sw, method, rates, secs, runs, index=0):
    """New-flow setup: for each offered rate (new flows per second, every
    frame its own flow by FLOW_METHODS[method]) installed datapath flows
    per second = flows at the end / generator seconds, the best 0.2-s
    slope, and the share of the frames sent that reached ns2's eth0.
    {rate: [per run {'installed_ps', 'peak_ps', 'sent', 'flows',
    'delivered'}]} plus 'next_index'."""
    out = {r: [] for r in rates}
    ns2 = sw.topo.ns2
    with ManyFlows(tools, sw, method, 1000000):
        for _ in range(runs):
            for rate in rates:
                sw.purge()
                time.sleep(0.3)
                f0 = sw.flow_count()
                rx0 = int(ns2.sysfs("eth0", "statistics/rx_packets"))
                smp = FlowSampler(sw)
                smp.start()
                try:
                    g = generate(tools, sw.topo, secs, rate=rate,
                                 vary=FLOW_METHODS[method], index=index)
                    index = int(g["next"])
                    time.sleep(1.0)   # upcalls in flight finish
                finally:
                    smp.stop()
                f1 = sw.flow_count()
                rx1 = int(ns2.sysfs("eth0", "statistics/rx_packets"))
                out[rate].append({"installed_ps": (f1 - f0) / g["secs"],
                                  "peak_ps": smp.peak_slope(),
                                  "sent": g["sent"], "flows": f1 - f0,
                                  "delivered": (rx1 - rx0)
                                  / max(g["sent"], 1)})
    out["next_index"] = index
    return out


def memory(tools, sw, method, nflows, rate, index=0, passes=4):
    """RSS growth of the switch's processes per installed datapath flow,
    with nflows flows (FLOW_METHODS[method]) sent at rate/s; new flows
    are sent again for the ones a switch that fell behind did not install,
    up to passes times, so the figure is taken near nflows flows."""
    sent = 0
    with ManyFlows(tools, sw, method, max(1000000, 2 * nflows),
                   max_idle=600000):
        time.sleep(1.0)
        pids = sw.pids()
        f0, r0 = sw.flow_count(), swnet.rss_kb(pids)
        n, need = 0, nflows
        for _ in range(passes):
            g = generate(tools, sw.topo, need / rate + 10, rate=rate,
                         vary=FLOW_METHODS[method], index=index, count=need)
            index, sent = int(g["next"]), sent + g["sent"]
            time.sleep(2.0)
            n = sw.flow_count() - f0
            need = nflows - n
            if need <= nflows // 50:
                break
        r1 = swnet.rss_kb(pids)
    if n < nflows // 10:
        raise BenchError("memory: only %d of %d flows were installed"
                         % (n, nflows))
    return {"bytes_per_flow": (r1 - r0) * 1024.0 / n, "flows": n,
            "rss0_kb": r0, "rss1_kb": r1, "sent": sent,
            "next_index": index}


def tail_calls(n):
    """How many calls the first/last means of vsctl_ports cover."""
    return min(100, max(1, n // 5))


def vsctl_ports(sw, n, port_type):
    """n separate `ovs-vsctl add-port br0 pN -- set interface pN
    type=port_type` calls, each waiting for the switch (no --no-wait)."""
    if not sw.wait_expected:
        raise NotAvailable("ovs-vsctl without --no-wait does not return "
                           "(the switch does not apply configuration yet)")
    env = sw.env()
    times = []
    t0 = time.monotonic()
    for i in range(n):
        name = "p%d" % i
        argv = sw.vsctl_argv(True, 60 if i else 10) + [
            "add-port", "br0", name, "--", "set", "interface", name,
            "type=%s" % port_type]
        t = time.monotonic()
        r = run(argv, env=env, check=False, timeout=80)
        if r.returncode != 0:
            msg = "add-port %s exited %d: %s" % (name, r.returncode,
                                                 r.stderr.strip()[-300:])
            # 142: exit(128 + SIGALRM); -14: killed by it (our ovs-vsctl)
            if i == 0 and r.returncode in (142, -14) and not sw.reference:
                raise NotAvailable(msg + " (no cur_cfg update)")
            raise BenchError(msg)
        times.append(time.monotonic() - t)
    total = time.monotonic() - t0
    got = len(sw.vsctl("list-ports", "br0", wait=False).split())
    if got != n + 2:
        raise BenchError("br0 has %d ports after adding %d (expected %d)"
                         % (got, n, n + 2))
    k = tail_calls(n)
    return {"total_s": total, "mean_ms": total / n * 1e3,
            "first_ms": sum(times[:k]) / k * 1e3,
            "last_ms": sum(times[-k:]) / k * 1e3}
