#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""lib/replica against a real microvs instance (root and the role users).

replica_driver holds a replica of Open_vSwitch, Bridge (some columns),
Port and Interface over the bus; this script changes the database with
ovs-vsctl and over db.sock, and checks, each time, that the replica
equals a select of the same columns on the server:

  * initial contents; then ovs-vsctl add-port / set / del-port, with the
    change lists saying exactly which rows were inserted, modified (which
    columns) and deleted;
  * replica_transact: the answer comes after the replica shows the
    change; a stale verify (wait) fails;
  * a lost notification (the driver's test hook) is noticed by the probe
    and resynchronised from the last transaction id (no full reload);
  * the driver stopped (SIGSTOP) while 3,000 changes are committed, so
    that nng drops notifications: the gap is noticed, the replica ends
    exact, the change list says only Bridge other_config changed;
  * dbserver restarted: a new session, exact again;
  * replica_close() and killing the driver free its session on the
    server (memory/show "sessions").

Exit 0 pass, 1 fail, 77 not root / no role users.
"""

import json
import os
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "dbserver"))
import dbslib  # noqa: E402  (transact, ovsdb_diff.Conn)

B = os.environ.get("MICROVS_BUILD", "build")
DRIVER = os.environ.get("REPLICA_DRIVER",
                        os.path.join(B, "tests", "replica", "replica_driver"))
BRIDGE_COLS = ["name", "ports", "external_ids", "other_config",
               "datapath_type", "fail_mode"]
TABLES = {"Open_vSwitch": None, "Bridge": BRIDGE_COLS, "Port": None,
          "Interface": None}
failures = []


def check(name, ok, detail=""):
    print(("ok:   " if ok else "FAIL: ") + name
          + (" (%s)" % detail if detail and not ok else ""))
    sys.stdout.flush()
    if not ok:
        failures.append(name)
    return ok


class Instance:
    def __init__(self):
        self.t = tempfile.mkdtemp(prefix="replica-test.")
        os.chmod(self.t, 0o755)
        self.rundir = os.path.join(self.t, "run")
        self.ctl = [os.path.join(B, "ctl", "microvs-ctl"),
                    "--rundir=" + self.rundir,
                    "--dbdir=" + os.path.join(self.t, "db"),
                    "--logdir=" + os.path.join(self.t, "log")]
        self.env = dict(os.environ, MICROVS_RUNDIR=self.rundir)
        subprocess.run(self.ctl + ["start"], check=True,
                       stdout=subprocess.DEVNULL)
        self.sock = os.path.join(self.rundir, "db.sock")

    def stop(self):
        subprocess.run(self.ctl + ["stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if os.environ.get("KEEP"):
            print("kept " + self.t)
        else:
            shutil.rmtree(self.t, ignore_errors=True)

    def vsctl(self, *args):
        return subprocess.run([os.path.join(B, "ctl", "ovs-vsctl"),
                               "--no-wait"] + list(args), env=self.env,
                              capture_output=True, text=True).returncode

    def sessions(self):
        out = subprocess.run([os.path.join(B, "ctl", "ovs-appctl"),
                              "--rundir", self.rundir, "-t", "ovsdb-server",
                              "memory/show"], capture_output=True,
                             text=True).stdout
        for w in out.split():
            if w.startswith("sessions:"):
                return int(w.split(":")[1])
        return None

    def wait_sessions(self, want, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sessions() == want:
                return True
            time.sleep(0.05)
        return False


def server_dump(sock):
    out = {}
    for table, cols in TABLES.items():
        op = {"op": "select", "table": table, "where": []}
        if cols:
            op["columns"] = ["_uuid"] + cols
        rows = dbslib.transact(sock, "Open_vSwitch", op)[0]["rows"]
        out[table] = {}
        for r in rows:
            u = r.pop("_uuid")[1]
            r.pop("_version", None)
            out[table][u] = r
    return out


class Driver:
    def __init__(self, rundir):
        self.p = subprocess.Popen([DRIVER, rundir], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True,
                                  bufsize=1)

    def cmd(self, line, timeout=10):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            raise TimeoutError("no answer to %r in %ss" % (line, timeout))
        out = self.p.stdout.readline().strip()
        try:
            return json.loads(out)
        except ValueError:
            return out

    def stats(self):
        return self.cmd("stats")

    def kill(self):
        self.p.kill()
        self.p.wait()


def converge(drv, sock, timeout=10):
    """Waits until the replica equals the server; returns (ok, detail)."""
    deadline = time.monotonic() + timeout
    while True:
        mine, theirs = drv.cmd("dump"), server_dump(sock)
        if mine == theirs:
            return True, ""
        if time.monotonic() > deadline:
            diff = [t for t in TABLES if mine.get(t) != theirs.get(t)]
            return False, "tables differ: %s" % diff
        time.sleep(0.05)


def change_set(changes, table):
    return sorted((c["kind"], c["name"], tuple(c["columns"]))
                  for c in changes[table])


def bridge_uuid(sock, name):
    return dbslib.transact(sock, "Open_vSwitch", {
        "op": "select", "table": "Bridge", "where": [["name", "==", name]],
        "columns": ["_uuid"]})[0]["rows"][0]["_uuid"][1]


def burst(sock, n):
    """n transactions on db.sock as fast as the server takes them, each a
    1.5 KB value in Bridge br0's other_config."""
    c = dbslib.ovsdb_diff.Conn(sock, "burst")
    in_flight = done = sent = 0
    while done < n:
        while in_flight < 16 and sent < n:
            c.send({"id": sent, "method": "transact", "params": [
                "Open_vSwitch", {
                    "op": "update", "table": "Bridge",
                    "where": [["name", "==", "br0"]],
                    "row": {"other_config": ["map", [
                        ["big", "%06d" % sent + "x" * 1500]]]}}]})
            sent += 1
            in_flight += 1
        m = c.recv(30)
        if m is None:
            raise TimeoutError("no answer from dbserver in 30 s")
        if "result" in m:
            done += 1
            in_flight -= 1
    c.close()


def main():
    if os.geteuid() != 0:
        print("skip: needs root")
        return 77
    try:
        pwd.getpwnam("microvs-db")
    except KeyError:
        print("skip: role users missing (scripts/install-deps.sh)")
        return 77
    inst = Instance()
    drv = None
    try:
        run(inst)
    finally:
        inst.stop()
    print("%d checks failed" % len(failures) if failures
          else "all checks passed")
    return 1 if failures else 0


def run(inst):
    sock = inst.sock
    check("ovs-vsctl builds br0 with p1, p2",
          inst.vsctl("add-br", "br0", "--", "add-port", "br0", "p1", "--",
                     "add-port", "br0", "p2", "--", "set", "interface", "p2",
                     "type=internal") == 0)
    base = inst.sessions()
    drv = Driver(inst.rundir)
    check("replica synced", drv.cmd("wait-synced") == "synced")
    ok, why = converge(drv, sock)
    check("initial contents equal the server's", ok, why)
    st = drv.stats()
    check("one session, one full load", st["sessions"] == 1
          and st["reloads"] == 1, st)
    check("the server counts the replica's session",
          inst.sessions() == base + 1, "%s vs %s" % (inst.sessions(), base))

    # Changes by ovs-vsctl, and the change lists.
    drv.cmd("clear")
    check("ovs-vsctl add-port p3, set external-ids, del-port p1",
          inst.vsctl("add-port", "br0", "p3", "--", "set", "interface", "p3",
                     "type=internal") == 0
          and inst.vsctl("set", "bridge", "br0", "external-ids:k=v") == 0
          and inst.vsctl("del-port", "br0", "p1") == 0)
    ok, why = converge(drv, sock)
    check("replica equals the server after the changes", ok, why)
    st1 = drv.stats()
    check("... through notifications, with no gap (%d applied)"
          % st1["notifications"], st1["notifications"] >= 3
          and st1["gaps"] == 0 and st1["resyncs"] == 0, st1)
    ch = drv.cmd("changes")
    check("Bridge changes: br0 modified in external_ids and ports",
          change_set(ch, "Bridge") == [("modify", "br0",
                                        ("external_ids", "ports"))],
          ch["Bridge"])
    check("Port changes: p3 inserted, p1 deleted",
          change_set(ch, "Port") == [("delete", "p1", ()),
                                     ("insert", "p3", ())], ch["Port"])
    check("Interface changes: p3 inserted, p1 deleted",
          change_set(ch, "Interface") == [("delete", "p1", ()),
                                          ("insert", "p3", ())],
          ch["Interface"])

    # Writing through the replica.
    u = bridge_uuid(sock, "br0")
    where = [["_uuid", "==", ["uuid", u]]]
    verify = {"op": "wait", "table": "Bridge", "where": where, "timeout": 0,
              "until": "==", "columns": ["external_ids"],
              "rows": [{"external_ids": ["map", [["k", "v"]]]}]}
    new_ids = ["map", [["k", "w"], ["x", "y"]]]
    r = drv.cmd("transact " + json.dumps([verify, {
        "op": "update", "table": "Bridge", "where": where,
        "row": {"external_ids": new_ids}}]))
    check("replica_transact commits", r.get("err") == 0
          and r["error"] is None
          and not any("error" in x for x in r["result"]), r)
    check("its answer comes after the replica shows the change",
          r.get("dump", {}).get("Bridge", {}).get(u, {}).get("external_ids")
          == new_ids)
    check("the server has it",
          server_dump(sock)["Bridge"][u]["external_ids"] == new_ids)
    r = drv.cmd("transact " + json.dumps([verify, {
        "op": "update", "table": "Bridge", "where": where,
        "row": {"external_ids": ["map", []]}}]))
    check("a stale verify fails the transaction", r.get("err") == 0 and any(
        "error" in x for x in r["result"]), r)

    # A lost notification: only the probe can tell.
    st0 = drv.stats()
    drv.cmd("drop 1")
    drv.cmd("clear")
    inst.vsctl("set", "bridge", "br0", "other-config:a=1")
    # The next probe (REPLICA_PROBE_MS) and its recheck tell.
    ok, why = converge(drv, sock, timeout=20)
    st = drv.stats()
    check("a dropped notification is noticed and resynchronised", ok
          and st["gaps"] > st0["gaps"] and st["resyncs"] > st0["resyncs"],
          "%s %s -> %s" % (why, st0, st))
    check("... from the last transaction id, without a full reload",
          st["reloads"] == st0["reloads"], st)
    ch = drv.cmd("changes")
    check("... and the change list has the change it missed",
          change_set(ch, "Bridge") == [("modify", "br0",
                                        ("other_config",))], ch["Bridge"])

    # A subscriber that falls behind: nng drops what it cannot queue.
    drv.cmd("clear")
    st0 = drv.stats()
    drv.p.send_signal(signal.SIGSTOP)
    burst(sock, 3000)
    drv.p.send_signal(signal.SIGCONT)
    ok, why = converge(drv, sock, timeout=30)
    st = drv.stats()
    check("a stopped replica that missed notifications ends exact", ok
          and st["gaps"] > st0["gaps"], "%s %s -> %s" % (why, st0, st))
    ch = drv.cmd("changes")
    check("... and its change lists say only br0's other_config changed "
          "(reloads %d -> %d)" % (st0["reloads"], st["reloads"]),
          change_set(ch, "Bridge") == [("modify", "br0",
                                        ("other_config",))]
          and not ch["Port"] and not ch["Interface"]
          and not ch["Open_vSwitch"], ch)

    # dbserver restarts: a new session, the same contents.  Every process
    # that held a session before (the supervised daemons' replicas and
    # this driver) holds one again afterwards, each after its own backoff.
    before = inst.sessions()
    subprocess.run(inst.ctl + ["restart", "dbserver"],
                   stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while inst.vsctl("add-port", "br0", "p4") != 0:
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    ok, why = converge(drv, sock, timeout=20)
    st = drv.stats()
    check("after a dbserver restart the replica reconnects and is exact",
          ok and st["sessions"] >= 2, "%s %s" % (why, st))
    # It heard of the restart from its subscription, which reconnected,
    # and probed at once rather than at its next periodic probe.
    check("... having probed when its subscription reconnected "
          "(resub_probes %d -> %d)" % (st0.get("resub_probes", 0),
                                       st["resub_probes"]),
          st["resub_probes"] > st0.get("resub_probes", 0), st)
    check("... on one new session each (sessions:%d)" % before,
          inst.wait_sessions(before, timeout=20), inst.sessions())
    base = before - 1

    # Sessions end with replica_close() and with the process.
    drv2 = Driver(inst.rundir)
    drv2.cmd("wait-synced")
    check("a second replica holds a session",
          inst.wait_sessions(base + 2))
    check("replica_close()", drv2.cmd("close") == "closed")
    check("... frees its session", inst.wait_sessions(base + 1))
    drv2.kill()
    drv.kill()
    check("killing the replica's process frees its session",
          inst.wait_sessions(base))


if __name__ == "__main__":
    sys.exit(main())
