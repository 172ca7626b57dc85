#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test of ovs-ofctl: microvs's against Open vSwitch 3.1's.

Modes (see README.md):
  --record   run Debian's ovs-ofctl against a private real ovs-vswitchd
             through a recording proxy; write the goldens (output and the
             whole OpenFlow conversation of every invocation).
  --golden   (default) run our ovs-ofctl against a fake switch that
             replays the recorded conversation; our requests must equal
             Open vSwitch's byte for byte (xids aside) and our stdout,
             stderr and exit status must equal the recorded ones.
  --live     run both tools, each against its own fresh real
             ovs-vswitchd, and compare (durations, ages normalised).
  --live --switch microvs
             run Debian's ovs-ofctl against a fresh real ovs-vswitchd and
             against a fresh microvs (MICROVS_BUILD's, datapath_type
             dummy) and compare: the switch, not the tool, under test.

Exit: 0 all identical, 1 differences, 77 missing prerequisites.
"""
import argparse
import concurrent.futures
import gzip
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ofproxy  # noqa: E402

REF_OFCTL = os.environ.get("REF_OVS_OFCTL", "/usr/bin/ovs-ofctl")
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
TIMEOUT = 15


def parse_cases(path):
    """Returns [(name, [invocation])]; an invocation is a dict with
    'line' (line number), 'args' (list), 'bg' (bool), 'files' applies to
    the group: {name: content}."""
    groups = []
    cur = None
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        s = raw.strip()
        if s.startswith("## group "):
            cur = {"name": s[9:].strip(), "invs": [], "files": {}}
            groups.append(cur)
            continue
        if not s or s.startswith("#"):
            continue
        if s.startswith("@file "):
            name = s[6:].strip()
            body = []
            while i < len(lines) and lines[i].strip() != "@end":
                body.append(lines[i])
                i += 1
            i += 1
            cur["files"][name] = "\n".join(body) + "\n"
            continue
        bg = s.endswith(" &")
        if bg:
            s = s[:-2]
        cur["invs"].append({"line": i, "args": shlex.split(s), "bg": bg,
                            "text": s})
    return groups


class RealOVS:
    """A private ovsdb-server + ovs-vswitchd with bridge br0 (netdev, ports
    p1 and p2, fixed datapath id and MAC)."""

    def __init__(self, d):
        self.d = d
        os.makedirs(d, exist_ok=True)
        self.env = dict(os.environ, OVS_RUNDIR=d, OVS_DBDIR=d, OVS_LOGDIR=d,
                        OVS_SYSCONFDIR=d)

    def run(self, *args):
        subprocess.run(list(args), env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=TIMEOUT)

    def start(self):
        db = os.path.join(self.d, "conf.db")
        sock = os.path.join(self.d, "db.sock")
        self.run("ovsdb-tool", "create", db, SCHEMA)
        self.run("ovsdb-server", db, "--remote=punix:" + sock, "--pidfile",
                 "--detach", "--log-file", "--no-chdir")
        vsctl = ["ovs-vsctl", "--db=unix:" + sock]
        self.run(*vsctl, "--no-wait", "init")
        self.run("ovs-vswitchd", "unix:" + sock, "--enable-dummy=override",
                 "--pidfile", "--detach", "--log-file", "--no-chdir",
                 "-vconsole:off")
        self.run(*vsctl, "add-br", "br0", "--", "set", "bridge", "br0",
                 "datapath_type=netdev",
                 "other-config:datapath-id=0000000000000001",
                 "other-config:hwaddr=02:00:00:00:00:01",
                 "--", "add-port", "br0", "p1", "--", "set", "interface",
                 "p1", "type=dummy", "ofport_request=1",
                 "--", "add-port", "br0", "p2", "--", "set", "interface",
                 "p2", "type=dummy", "ofport_request=2")
        mgmt = os.path.join(self.d, "br0.mgmt")
        for _ in range(100):
            if os.path.exists(mgmt):
                return
            time.sleep(0.05)
        raise RuntimeError("br0.mgmt did not appear")

    @property
    def mgmt(self):
        return os.path.join(self.d, "br0.mgmt")

    def stop(self):
        for p in ("ovs-vswitchd", "ovsdb-server"):
            pf = os.path.join(self.d, p + ".pid")
            try:
                os.kill(int(open(pf).read()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        time.sleep(0.2)


class Microvs:
    """A private microvs instance (microvs-ctl start) with bridge br0 as
    RealOVS has it: ports p1 and p2 (in-memory: datapath_type dummy),
    the same datapath id and MAC.  Its management socket is in
    vswitchd's own directory of the run directory."""

    def __init__(self, d):
        self.d = d
        self.build = os.environ.get("MICROVS_BUILD", "build")
        os.makedirs(d, exist_ok=True)
        # The role users reach the run directory through these.
        os.chmod(os.path.dirname(d), 0o755)
        os.chmod(d, 0o755)
        self.args = ["--rundir=" + os.path.join(d, "run"),
                     "--dbdir=" + os.path.join(d, "db"),
                     "--logdir=" + os.path.join(d, "log")]

    def ctl(self, *args):
        subprocess.run([os.path.join(self.build, "ctl/microvs-ctl")]
                       + self.args + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)

    def start(self):
        self.ctl("start")
        env = dict(os.environ, MICROVS_RUNDIR=os.path.join(self.d, "run"))
        subprocess.run([os.path.join(self.build, "ctl/ovs-vsctl"),
                        "--timeout=20", "add-br", "br0", "--", "set",
                        "bridge", "br0", "datapath_type=dummy",
                        "other-config:datapath-id=0000000000000001",
                        "other-config:hwaddr=02:00:00:00:00:01",
                        "--", "add-port", "br0", "p1", "--", "set",
                        "interface", "p1", "type=dummy", "ofport_request=1",
                        "--", "add-port", "br0", "p2", "--", "set",
                        "interface", "p2", "type=dummy", "ofport_request=2"],
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       timeout=TIMEOUT)
        for _ in range(100):
            if os.path.exists(self.mgmt):
                return
            time.sleep(0.05)
        raise RuntimeError("br0.mgmt did not appear")

    @property
    def mgmt(self):
        return os.path.join(self.d, "run", "vswitchd", "br0.mgmt")

    def stop(self):
        try:
            self.ctl("stop")
        except (subprocess.SubprocessError, OSError):
            pass


TS_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d{5}\|")


def normalise(text, dirs, live):
    for d, name in dirs:
        text = text.replace(d, name)
    text = TS_RE.sub("<ts>|", text)
    if live:
        text = re.sub(r"duration[=:]?[0-9.]+s", "duration=<d>", text)
        text = re.sub(r"duration\d+\.\d+s", "duration<d>", text)
        text = re.sub(r"(idle|hard)_age=\d+", r"\1_age=<a>", text)
        text = re.sub(r"addr:aa:55:aa:55:00:[0-9a-f]{2}", "addr:<mac>", text)
    return text


def unordered(res):
    """@res with the flows of a dump-flows (without --sort or --rsort) in
    sorted order: within a priority a switch dumps flows in its
    classifier's order, which OpenFlow leaves open."""
    cmd = res["cmd"]
    if "dump-flows" not in cmd or "sort" in cmd:
        return res
    lines = res["stdout"].split("\n")
    head = [ln for ln in lines if not ln.startswith(" ")]
    return dict(res, stdout="\n".join(
        head[:1] + sorted(ln for ln in lines if ln.startswith(" "))
        + head[1:]))


def substitute(args, subs):
    out = []
    for a in args:
        for k, v in subs.items():
            a = a.replace("{" + k + "}", v)
        out.append(a)
    return out


class Pool:
    """Content-addressed store of switch messages (xid zeroed)."""

    def __init__(self, data=None):
        self.msgs = data or {}

    def put(self, hexmsg):
        b = bytes.fromhex(hexmsg)
        z = ofproxy.without_xid(b).hex()
        h = hashlib.sha1(z.encode()).hexdigest()[:16]
        self.msgs[h] = z
        return [h, ofproxy.xid_of(b)]

    def get(self, ref):
        h, xid = ref
        return ofproxy.with_xid(bytes.fromhex(self.msgs[h]), xid).hex()


def run_group(group, mode, tool, golden, pool, verbose, switch=RealOVS):
    """Runs one group; returns (results, failures).  results: list of
    per-invocation dicts for recording.  @switch: the class of the switch
    a live or recording run talks to."""
    tmp = tempfile.mkdtemp(prefix="ofctl-diff.")
    ovs = None
    results = []
    failures = []
    pending = []
    try:
        for name, content in group["files"].items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(content)
        if mode in ("record", "live"):
            ovs = switch(os.path.join(tmp, "ovs"))
            ovs.start()
        for idx, inv in enumerate(group["invs"]):
            d = os.path.join(tmp, "i%d" % idx)
            os.makedirs(d)
            mgmt = os.path.join(d, "br0.mgmt")
            srv = ofproxy.Server(mgmt)
            tsrv = None
            uses_tcp = any("{tcp}" in a for a in inv["args"])
            if uses_tcp:
                tsrv = ofproxy.Server(tcp=True)
            if mode == "golden":
                rec = ofproxy.Replayer()
                g = golden[idx] if idx < len(golden) else None
                conns = ([[[dd, pool.get(ref)] for dd, ref in c]
                          for c in g["conns"]] if g else [])
                rec.begin(conns)
            else:
                rec = ofproxy.Recorder(ovs.mgmt)
                rec.begin()
            srv.handler = rec.handle
            if tsrv:
                tsrv.handler = rec.handle
            subs = {"tmp": tmp, "mgmt": mgmt,
                    "tcp": "127.0.0.1:%d" % tsrv.port if tsrv else ""}
            args = substitute(inv["args"], subs)
            env = dict(os.environ, OVS_RUNDIR=d)
            env.pop("MICROVS_RUNDIR", None)
            proc = subprocess.Popen(["ovs-ofctl"] + args, executable=tool,
                                    env=env, cwd=tmp,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            item = (idx, inv, proc, srv, tsrv, rec, d)
            if inv["bg"]:
                pending.append(item)
                time.sleep(1.0 if mode != "golden" else 0.3)
                continue
            finish(item, mode, tmp, golden, pool, results, failures)
        for item in pending:
            finish(item, mode, tmp, golden, pool, results, failures)
        pending = []
    finally:
        for item in pending:
            try:
                item[2].kill()
            except OSError:
                pass
        if ovs:
            ovs.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    results.sort(key=lambda r: r["idx"])
    failures.sort(key=lambda f: f[0])
    return results, failures


def finish(item, mode, tmp, golden, pool, results, failures):
    idx, inv, proc, srv, tsrv, rec, d = item
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
        rc = proc.returncode
        if rc < 0:
            rc = 128 - rc
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = "timeout"
    time.sleep(0.02)
    conns = rec.end()
    srv.close()
    if tsrv:
        tsrv.close()
    dirs = [(d, "<run>"), (tmp, "<tmp>")]
    live = mode == "live"
    res = {"idx": idx, "line": inv["line"], "cmd": inv["text"], "rc": rc,
           "stdout": normalise(out.decode(errors="replace"), dirs, live),
           "stderr": normalise(err.decode(errors="replace"), dirs, live)}
    if mode == "golden":
        g = golden[idx] if idx < len(golden) else None
        problems = []
        if g is None:
            problems.append("no golden for this invocation")
        else:
            for k in ("rc", "stdout", "stderr"):
                if g[k] != res[k]:
                    problems.append((k, g[k], res[k]))
        if conns:
            problems.append(("wire", "", "\n".join(conns)))
        if problems:
            failures.append((idx, inv, problems))
    else:
        if mode == "record":
            res["conns"] = [[[dd, pool.put(h)] for dd, h in c]
                            for c in conns]
        results.append(res)


def show_failure(inv, problems, out):
    import difflib
    out.write("  line %d: ovs-ofctl %s\n" % (inv["line"], inv["text"]))
    for p in problems:
        if isinstance(p, str):
            out.write("    %s\n" % p)
            continue
        k, a, b = p
        if k == "rc":
            out.write("    rc: expected %s, got %s\n" % (a, b))
        elif k == "wire":
            out.write("    requests differ from Open vSwitch's:\n")
            for line in b.split("\n")[:4]:
                out.write("      %s\n" % line[:400])
        else:
            out.write("    %s differs:\n" % k)
            for line in list(difflib.unified_diff(
                    a.split("\n"), b.split("\n"), "expected", "got",
                    lineterm=""))[:30]:
                out.write("      %s\n" % line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--live", action="store_true")
    ap.add_argument("--golden", action="store_true")
    ap.add_argument("--cases", default=os.path.join(HERE, "ofctl.cases"))
    ap.add_argument("--goldens", default=None)
    ap.add_argument("--group", default="*")
    ap.add_argument("--tool", default=os.environ.get("MICROVS_OFCTL"))
    ap.add_argument("--known", default=None,
                    help="file of case line numbers known to differ: "
                    "reported, not failing")
    ap.add_argument("--switch", choices=["ovs", "microvs"], default="ovs",
                    help="live mode: the switch Debian's ovs-ofctl is "
                    "compared on (microvs: against real Open vSwitch)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="groups replayed at once (golden mode)")
    a = ap.parse_args()
    import fnmatch

    mode = "record" if a.record else "live" if a.live else "golden"
    gpath = a.goldens or os.path.splitext(a.cases)[0] + ".golden.json.gz"
    groups = [g for g in parse_cases(a.cases)
              if fnmatch.fnmatch(g["name"], a.group)]
    if mode in ("record", "live") and not (shutil.which("ovs-vswitchd") and
                                           os.path.exists(REF_OFCTL)):
        print("real Open vSwitch not installed")
        return 77
    if a.switch == "microvs":
        a.tool = REF_OFCTL
    if mode != "record" and not a.tool:
        print("MICROVS_OFCTL (or --tool) must name our ovs-ofctl")
        return 77

    start = time.time()
    n = same = 0
    if mode == "record":
        pool = Pool()
        data = {"pool": pool.msgs, "groups": {}}
        if os.path.exists(gpath) and a.group != "*":
            old = json.load(gzip.open(gpath, "rt"))
            pool.msgs.update(old["pool"])
            data["groups"] = old["groups"]
        for g in groups:
            res, _ = run_group(g, "record", REF_OFCTL, None, pool, a.verbose)
            data["groups"][g["name"]] = res
            n += len(res)
            print("group %s: recorded %d" % (g["name"], len(res)))
        # Drop unreferenced messages.
        used = set()
        for res in data["groups"].values():
            for r in res:
                for c in r["conns"]:
                    for _, ref in c:
                        used.add(ref[0])
        data["pool"] = {h: m for h, m in pool.msgs.items() if h in used}
        with gzip.open(gpath, "wt") as f:
            json.dump(data, f, sort_keys=True, indent=0)
        print("%d invocations recorded (%.1f s)" % (n, time.time() - start))
        return 0

    known = set()
    if a.known:
        for ln in open(a.known):
            ln = ln.split("#")[0].strip()
            if ln:
                known.add(int(ln))
    failed = False
    if mode == "golden":
        if not os.path.exists(gpath):
            print("no goldens at %s" % gpath)
            return 77
        data = json.load(gzip.open(gpath, "rt"))
        pool = Pool(data["pool"])

        def replay(g):
            golden = data["groups"].get(g["name"])
            if golden is None:
                return None
            return run_group(g, "golden", a.tool, golden, pool,
                             a.verbose)[1]
        with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as ex:
            outcomes = list(ex.map(replay, groups))
        for g, fails in zip(groups, outcomes):
            if fails is None:
                print("group %s: no golden (record it)" % g["name"])
                failed = True
                continue
            n += len(g["invs"])
            same += len(g["invs"]) - len(fails)
            if fails:
                if any(inv["line"] not in known for _, inv, _ in fails):
                    failed = True
                print("group %s: DIFF" % g["name"])
                for idx, inv, problems in fails:
                    show_failure(inv, problems, sys.stdout)
            elif a.verbose:
                print("group %s: ok" % g["name"])
    else:
        for g in groups:
            ref, _ = run_group(g, "live", REF_OFCTL, None, None, a.verbose)
            ours, _ = run_group(g, "live", a.tool, None, None, a.verbose,
                                Microvs if a.switch == "microvs"
                                else RealOVS)
            n += len(ref)
            bad = []
            for r, o in zip(ref, ours):
                if a.switch == "microvs":
                    r, o = unordered(r), unordered(o)
                probs = [(k, r[k], o[k]) for k in ("rc", "stdout", "stderr")
                         if r[k] != o[k]]
                if probs:
                    bad.append((r["idx"], g["invs"][r["idx"]], probs))
            same += len(ref) - len(bad)
            if bad:
                failed = True
                print("group %s: DIFF" % g["name"])
                for idx, inv, problems in bad:
                    show_failure(inv, problems, sys.stdout)
            elif a.verbose:
                print("group %s: ok" % g["name"])
    print("%d invocations, %d identical, %d different (%.1f s)" %
          (n, same, n - same, time.time() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
