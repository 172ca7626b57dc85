# SPDX-License-Identifier: Apache-2.0
"""The switches under test of bench_switch.py, as plug-ins.

Each plug-in is a class with the members of `Switch`; SWITCHES maps the
names accepted by --switches to them.  The same two-namespace topology is
built for each one:

    ns1 10.99.0.1/24 eth0 ==veth== veth1 [host ns: br0] veth2
                                               ==veth== eth0 ns2 10.99.0.2/24

where the host namespace holds the switch's daemons (so its internal ports
and taps live there too).  The `veth` plug-in is the ceiling: ns1's eth0
and ns2's eth0 are the two ends of one veth pair, no switch at all.

A plug-in raises swnet.NotAvailable for what it cannot do (yet): the
measures show "n/a" and the run goes on; swnet.BenchError is a failure
(ERR).
"""

import os
import re
import shutil
import time

import swnet
from swnet import BenchError, NotAvailable, run

IP1, IP2 = "10.99.0.1", "10.99.0.2"
PREFIXLEN = 24


class Topology:
    """The namespaces and veths of one switch under test."""

    def __init__(self, prefix, tag, with_host):
        base = "%s-%d-%s" % (prefix, os.getpid(), tag)
        self.ns1 = swnet.Netns(base + "-a")
        self.ns2 = swnet.Netns(base + "-b")
        self.host = swnet.Netns(base + "-h") if with_host else None
        self.mac1 = self.mac2 = None

    def create(self):
        for ns in (self.host, self.ns1, self.ns2):
            if ns:
                ns.create()
        if self.host:
            h = self.host.name
            for i, ns in ((1, self.ns1), (2, self.ns2)):
                run(["ip", "-n", h, "link", "add", "veth%d" % i, "type",
                     "veth", "peer", "name", "eth0", "netns", ns.name])
                run(["ip", "-n", h, "link", "set", "veth%d" % i, "up"])
        else:
            run(["ip", "-n", self.ns1.name, "link", "add", "eth0", "type",
                 "veth", "peer", "name", "eth0", "netns", self.ns2.name])
        for ns, ip in ((self.ns1, IP1), (self.ns2, IP2)):
            run(["ip", "-n", ns.name, "addr", "add",
                 "%s/%d" % (ip, PREFIXLEN), "dev", "eth0"])
            run(["ip", "-n", ns.name, "link", "set", "eth0", "up"])
        self.mac1 = self.ns1.sysfs("eth0", "address")
        self.mac2 = self.ns2.sysfs("eth0", "address")

    def delete(self):
        for ns in (self.ns1, self.ns2, self.host):
            if ns:
                ns.delete()


class Switch:
    """The interface every plug-in offers (defaults: no switch)."""

    name = "?"
    is_switch = True        # False for the ceiling: no daemons, no flows
    # True for the references (veth, Open vSwitch): what they cannot do is
    # an error (ERR); for the switch under test it is "n/a" (not yet).
    reference = False
    # False while `ovs-vsctl` without --no-wait cannot be expected to
    # return (a switch that does not bump cur_cfg yet); its settings are
    # then made with --no-wait.
    wait_expected = True

    def __init__(self, opts, workdir):
        self.opts = opts
        self.workdir = os.path.join(workdir, self.name)
        self.topo = None
        self.notes = []

    def missing(self):
        """None, or why this switch cannot run on this machine."""
        return None

    def describe(self):
        return self.name

    def start(self, topo):
        """Starts the switch in topo.host and makes br0 with veth1 and
        veth2.  BenchError or NotAvailable when it cannot."""
        self.topo = topo

    def stop(self):
        """Stops the daemons (the topology's deletion ends what is left)."""

    def pids(self):
        """The switch's processes (for CPU time and RSS)."""
        return self.topo.host.pids() if self.topo and self.topo.host else []

    # Control, for the flow and configuration measures.
    def appctl(self, *args, **kw):
        raise NotAvailable("no appctl")

    def vsctl_argv(self, wait=True, timeout=60):
        raise NotAvailable("no ovs-vsctl")

    def vsctl(self, *args, wait=None, timeout=60):
        if wait is None:
            wait = self.wait_expected
        argv = self.vsctl_argv(wait, timeout) + list(args)
        return run(argv, env=self.env(), timeout=timeout + 10).stdout

    def env(self):
        return None

    def flow_count(self):
        """Datapath flows now, from `dpctl/show` ("flows: N"), else the
        lines of `dpctl/dump-flows` (one per flow, slower)."""
        out = self.appctl("dpctl/show")
        m = re.search(r"^\s*flows\s*:\s*(\d+)", out, re.M)
        if m:
            return int(m.group(1))
        out = self.appctl("dpctl/dump-flows")
        return sum(1 for line in out.splitlines() if "actions:" in line)

    def purge(self):
        self.appctl("revalidator/purge")

    def ofctl_env(self):
        """The environment in which Debian's ovs-ofctl finds br0's
        management socket; NotAvailable if the switch has none."""
        raise NotAvailable("no OpenFlow management socket")

    def add_of_flows(self, path):
        """Adds the OpenFlow flows in file path to br0 with Debian's
        ovs-ofctl (which sends a barrier after each)."""
        run(["ovs-ofctl", "add-flows", "br0", path], env=self.ofctl_env(),
            timeout=600)

    def set_exact(self, on):
        """Megaflows off (every packet of a new 5-tuple is an upcall and
        its own exact-match datapath flow) or back on."""
        self.appctl("upcall/disable-megaflows" if on
                    else "upcall/enable-megaflows")

    def set_flow_limit(self, n):
        if n is None:
            self.vsctl("remove", "Open_vSwitch", ".", "other_config",
                       "flow-limit")
            return
        self.vsctl("set", "Open_vSwitch", ".",
                   "other_config:flow-limit=%d" % n)
        try:
            self.appctl("upcall/set-flow-limit", str(n))
        except (BenchError, NotAvailable):
            pass        # the other_config key is the real setting

    def set_max_idle(self, ms):
        if ms is None:
            self.vsctl("remove", "Open_vSwitch", ".", "other_config",
                       "max-idle")
        else:
            self.vsctl("set", "Open_vSwitch", ".",
                       "other_config:max-idle=%d" % ms)


class Veth(Switch):
    """The ceiling: ns1 eth0 <-> ns2 eth0 directly."""

    name = "veth"
    is_switch = False
    reference = True

    def describe(self):
        return "bare veth pair ns1 eth0 <-> ns2 eth0 (the ceiling)"


class OpenVSwitch(Switch):
    """Debian's Open vSwitch 3.1: ovsdb-server + ovs-vswitchd in a private
    run directory, br0 datapath_type=netdev, veth1/veth2 as system ports
    (as ../shared/reference/ovs-baseline/run.sh)."""

    name = "ovs"
    reference = True
    # br0's datapath: netdev (userspace); bench/kmod's plug-ins say system.
    datapath_type = "netdev"
    SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
    TOOLS = ("ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl",
             "ovs-appctl")

    def missing(self):
        for t in self.TOOLS:
            if not shutil.which(t):
                return "%s not found (apt-get install openvswitch-switch)" % t
        if not os.path.exists(self.SCHEMA):
            return self.SCHEMA + " not found"
        return None

    def describe(self):
        v = run(["ovs-vswitchd", "--version"], check=False).stdout
        return "%s, br0 datapath_type=%s" % (
            v.splitlines()[0] if v else "ovs-vswitchd", self.datapath_type)

    def env(self):
        r = self.workdir
        return dict(os.environ, OVS_RUNDIR=r, OVS_DBDIR=r, OVS_LOGDIR=r)

    def start(self, topo):
        self.topo = topo
        r = self.workdir
        os.makedirs(r)
        h = topo.host.name
        run(["ovsdb-tool", "create", r + "/conf.db", self.SCHEMA])
        run(["ovsdb-server", r + "/conf.db", "--remote=punix:%s/db.sock" % r,
             "--pidfile=%s/ovsdb-server.pid" % r,
             "--log-file=%s/ovsdb-server.log" % r,
             "--unixctl=%s/ovsdb-server.ctl" % r, "--detach", "--no-chdir",
             "-vconsole:off"], ns=h, env=self.env())
        self.vsctl("init", wait=False)
        extra = ["--enable-dummy"] if self.opts.port_type == "dummy" else []
        run(["ovs-vswitchd", "unix:%s/db.sock" % r,
             "--pidfile=%s/ovs-vswitchd.pid" % r,
             "--log-file=%s/ovs-vswitchd.log" % r,
             "--unixctl=%s/ovs-vswitchd.ctl" % r, "--detach", "--no-chdir",
             "-vconsole:off"] + extra, ns=h, env=self.env())
        self.vsctl("add-br", "br0", "--", "set", "bridge", "br0",
                   "datapath_type=" + self.datapath_type)
        for p in ("veth1", "veth2"):
            self.vsctl("add-port", "br0", p)

    def stop(self):
        r = self.workdir
        if os.path.exists(r + "/ovs-vswitchd.ctl"):
            # --cleanup: the datapath's ports and taps go with it.
            run(["ovs-appctl", "-t", r + "/ovs-vswitchd.ctl", "exit",
                 "--cleanup"], check=False, timeout=120)
        for d in ("ovs-vswitchd", "ovsdb-server"):
            try:
                with open("%s/%s.pid" % (r, d)) as f:
                    swnet.kill_pids([int(f.read().strip())])
            except (OSError, ValueError):
                pass

    def appctl(self, *args, timeout=60):
        return run(["ovs-appctl", "-t", self.workdir + "/ovs-vswitchd.ctl"]
                   + list(args), timeout=timeout).stdout

    def ofctl_env(self):
        return self.env()

    def vsctl_argv(self, wait=True, timeout=60):
        return (["ovs-vsctl", "--db=unix:%s/db.sock" % self.workdir,
                 "--timeout=%d" % timeout]
                + ([] if wait else ["--no-wait"]))


class Microvs(Switch):
    """microvs from the build tree: microvs-ctl start with private
    --rundir/--dbdir/--logdir, our ovs-vsctl and ovs-appctl over the bus,
    br0 datapath_type=netdev with veth1/veth2."""

    name = "microvs"
    TOOLS = ("ctl/microvs-ctl", "ctl/ovs-vsctl", "ctl/ovs-appctl")
    datapath_type = "netdev"
    # Seconds for ovs-vsctl to answer after microvs-ctl start, and for the
    # first waiting call (add-br); a slow machine (a TCG guest) raises them.
    up_secs = 30
    first_wait_secs = 10

    def __init__(self, opts, workdir):
        super().__init__(opts, workdir)
        self.build = opts.build

    def tool(self, t):
        return os.path.join(self.build, t)

    def missing(self):
        for t in self.TOOLS:
            if not os.access(self.tool(t), os.X_OK):
                return "%s not built (meson setup %s && ninja -C %s)" % (
                    self.tool(t), self.build, self.build)
        return None

    def describe(self):
        return "microvs %s (microvs-ctl), br0 datapath_type=%s" % (
            self.build, self.datapath_type)

    def dirs(self):
        return ["--rundir=%s/run" % self.workdir,
                "--dbdir=%s/db" % self.workdir,
                "--logdir=%s/log" % self.workdir]

    def env(self):
        return dict(os.environ, MICROVS_RUNDIR=self.workdir + "/run")

    def ofctl_env(self):
        # vswitchd's sockets are in its own directory (it holds no
        # capability to write the run directory).
        return dict(os.environ, OVS_RUNDIR=self.workdir + "/run/vswitchd")

    def start(self, topo):
        self.topo = topo
        os.makedirs(self.workdir)
        # The role users must reach each other's sockets in the run
        # directory: every directory above it must be searchable
        # (mkdtemp made the bench's own 0700).
        for d in (os.path.dirname(self.workdir), self.workdir):
            os.chmod(d, 0o755)
        run([self.tool("ctl/microvs-ctl")] + self.dirs() + ["start"],
            ns=topo.host.name, timeout=30 + self.up_secs)
        deadline = time.monotonic() + self.up_secs
        while True:
            try:
                self.vsctl("show", wait=False, timeout=5)
                break
            except BenchError as e:
                if time.monotonic() > deadline:
                    raise BenchError("ovs-vsctl show does not answer %d s "
                                     "after microvs-ctl start: %s"
                                     % (self.up_secs, e))
                time.sleep(0.2)
        self.vsctl("init", wait=False)
        try:
            self.vsctl("add-br", "br0", "--", "set", "bridge", "br0",
                       "datapath_type=" + self.datapath_type,
                       timeout=self.first_wait_secs)
        except BenchError as e:
            # The transaction is committed; only the wait for cur_cfg
            # failed.  Go on without waiting so the rest can be tried.
            self.wait_expected = False
            self.notes.append("ovs-vsctl without --no-wait did not return "
                              "(%s): setup went on with --no-wait" % e)
        for p in ("veth1", "veth2"):
            self.vsctl("add-port", "br0", p)

    def stop(self):
        if os.path.exists(self.workdir + "/run"):
            run([self.tool("ctl/microvs-ctl")] + self.dirs() + ["stop"],
                check=False, timeout=60)

    def appctl(self, *args, timeout=60):
        try:
            return run([self.tool("ctl/ovs-appctl"), "--rundir",
                        self.workdir + "/run"] + list(args),
                       timeout=timeout).stdout
        except BenchError as e:
            if "not a valid command" in str(e):
                raise NotAvailable("ovs-appctl %s: not a valid command"
                                   % args[0])
            raise

    def vsctl_argv(self, wait=True, timeout=60):
        return ([self.tool("ctl/ovs-vsctl"), "--timeout=%d" % timeout]
                + ([] if wait else ["--no-wait"]))


class SecondOpenVSwitch(OpenVSwitch):
    """A second real Open vSwitch in the microvs column (--real-vs-real):
    checks the harness end to end; every ratio m/o should be near 1 and
    its spread is the run-to-run noise."""

    name = "microvs"
    reference = False

    def describe(self):
        return "a second real " + super().describe()


SWITCHES = {"veth": Veth, "ovs": OpenVSwitch, "microvs": Microvs}
