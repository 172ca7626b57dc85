# SPDX-License-Identifier: Apache-2.0
"""Network namespaces, processes and clean-up for bench_switch.py.

Everything the benchmark creates lives in network namespaces named
PREFIX-<pid>-<tag> (PREFIX is "bench8" by default), so that other work on
the machine is never touched: the switches' daemons run in a "host"
namespace of their own (their internal ports and tap devices are created
there), the traffic endpoints in two more.  Deleting the namespaces removes
every device; the processes in them are found through /proc/PID/ns/net and
ended by pid.
"""

import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402

NETNS_DIR = "/run/netns"


class BenchError(Exception):
    """A command or a switch failed: the measure shows ERR."""


class NotAvailable(Exception):
    """The switch cannot do this (yet): the measure shows n/a."""


def run(argv, ns=None, check=True, timeout=60, env=None, input=None):
    """Runs argv (in namespace ns); returns CompletedProcess with text
    output.  check: BenchError on a non-zero exit."""
    if ns:
        argv = ["ip", "netns", "exec", ns] + list(argv)
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env,
                           input=input, text=True)
    except subprocess.TimeoutExpired:
        raise BenchError("`%s` timed out after %s s"
                         % (" ".join(argv[:8]), timeout))
    if check and r.returncode != 0:
        raise BenchError("`%s` exited %d: %s"
                         % (" ".join(argv[:10]), r.returncode,
                            (r.stderr or r.stdout).strip()[-400:]))
    return r


def popen(argv, ns=None, pin=None, **kw):
    """Starts argv (in namespace ns, on CPUs pin) in its own session."""
    if pin:
        argv = ["taskset", "-c", pin] + list(argv)
    if ns:
        argv = ["ip", "netns", "exec", ns] + list(argv)
    return subprocess.Popen(argv, start_new_session=True, text=True, **kw)


def end_process(proc, grace=3):
    """SIGTERM to proc (a Popen we started), SIGKILL after grace."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def kill_pids(pids, grace=3):
    """SIGTERM to each pid, SIGKILL to those still there after grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            pids = [p for p in pids if os.path.exists("/proc/%d" % p)
                    and _state(p) != "Z"]
            if not pids:
                return
            time.sleep(0.05)


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        return s[s.rindex(")") + 2]
    except (OSError, ValueError):
        return None


class Netns:
    """A network namespace that this benchmark created."""

    def __init__(self, name):
        self.name = name
        self.created = False
        self.ino = None

    def create(self):
        run(["ip", "netns", "add", self.name])
        self.created = True
        self.ino = os.stat(os.path.join(NETNS_DIR, self.name)).st_ino
        run(["ip", "-n", self.name, "link", "set", "lo", "up"])

    def pids(self):
        """Processes whose network namespace is this one."""
        if self.ino is None:
            return []
        return netns_pids(self.ino)

    def delete(self):
        """Ends every process inside, then deletes the namespace."""
        if not self.created:
            return
        kill_pids(self.pids())
        run(["ip", "netns", "del", self.name], check=False)
        self.created = False

    def sysfs(self, dev, path):
        r = run(["cat", "/sys/class/net/%s/%s" % (dev, path)], ns=self.name)
        return r.stdout.strip()


def netns_pids(ino):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.stat("/proc/%s/ns/net" % d).st_ino == ino:
                out.append(int(d))
        except OSError:
            pass
    return sorted(out)


def remove_stale(prefix):
    """Deletes namespaces PREFIX-<pid>-* left by a run of this benchmark
    that was killed (its pid is gone), with the processes inside.  Returns
    their names."""
    gone = []
    try:
        names = os.listdir(NETNS_DIR)
    except OSError:
        return gone
    pat = re.compile(r"^%s-(\d+)-" % re.escape(prefix))
    for n in names:
        m = pat.match(n)
        if not m or os.path.exists("/proc/%s" % m.group(1)):
            continue
        ns = Netns(n)
        ns.created = True
        try:
            ns.ino = os.stat(os.path.join(NETNS_DIR, n)).st_ino
        except OSError:
            continue
        ns.delete()
        gone.append(n)
    return gone


def cpu_seconds(pids):
    """utime+stime of pids (their threads included), in seconds."""
    return benchlib.cpu_seconds(pids)


def run_seconds(pids):
    """CPU time of every live thread of pids, in seconds, with nanosecond
    resolution (/proc/PID/task/TID/schedstat), for short windows where
    clock ticks are too coarse."""
    total = 0
    for t in _threads(pids):
        try:
            with open("/proc/%d/schedstat" % t) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def _threads(pids):
    """The thread ids of pids (those still there)."""
    for p in pids:
        try:
            tids = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tids:
            yield int(t)


def rss_kb(pids):
    return benchlib.rss_kb(pids)


def machine_busy_seconds():
    """CPU seconds the whole machine spent not idle (all CPUs, /proc/stat:
    user, nice, system, irq, softirq, steal)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / benchlib.CLK_TCK


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def pin_pids(pids, cpus):
    """Pins every thread of pids to the CPU list cpus ("0", "0-1", "1,3")."""
    want = set()
    for part in cpus.split(","):
        a, _, b = part.partition("-")
        want.update(range(int(a), int(b or a) + 1))
    for t in _threads(pids):
        try:
            os.sched_setaffinity(t, want)
        except OSError:
            pass


class Cleanup:
    """Clean-up actions run in reverse order, once, on normal exit, on an
    exception, on Ctrl-C and on SIGTERM/SIGHUP (trap_signals turns them
    into KeyboardInterrupt so that `finally` blocks run)."""

    def __init__(self):
        self.actions = []

    def add(self, fn, *a):
        self.actions.append((fn, a))

    def run(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # let it finish
        while self.actions:
            fn, a = self.actions.pop()
            try:
                fn(*a)
            except Exception as e:  # clean-up goes on whatever fails
                try:
                    print("cleanup: %s: %s" % (getattr(fn, "__name__", fn),
                                               e))
                except OSError:
                    pass

    @staticmethod
    def trap_signals():
        def on_signal(sig, frame):
            signal.signal(sig, signal.SIG_IGN)
            raise KeyboardInterrupt("signal %d" % sig)
        # SIGINT too: a shell starts background jobs with SIGINT ignored.
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, on_signal)
