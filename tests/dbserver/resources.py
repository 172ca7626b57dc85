#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Resources of an OVSDB server under clients that do not keep up.

Sections (all by default; --section NAME for one):

  halfclose  A request followed by shutdown(SHUT_WR), as `... | socat`
             sends it, must still get its whole reply (about 2.2 MB here,
             far more than a socket buffer holds) before the server closes.
  backlog    10 monitor clients that never read while one client commits
             20,000 changes of 1 KB to one row: the server's RSS must not
             grow with the number of changes (it did, by ~1 KB per change
             and client); a server that merges (as Open vSwitch does)
             stays flat.  Then each stalled client reads: it must end with
             an exact replica, in far fewer updates than changes.
  slowidl    The Python IDL (ovs.db.idl) reading slowly while another
             client inserts, modifies (strings, maps, sets) and deletes
             rows: its replica must end equal to the server's contents.

The bound on RSS growth (--max-growth-mb, 48) is far above what a merging
server needs (a few MB) and far below what queuing every update costs
(about 220 MB); no timing is checked.

usage: resources.py [--section S] [--changes N] [--max-growth-mb N]
Exit: 0 pass, 1 fail, 77 real OVS tools (or python3-openvswitch) missing.
"""

import argparse
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbslib  # noqa: E402

Conn = dbslib.ovsdb_diff.Conn
DB = "DiffTest"
TEST_SCHEMA = os.path.join(dbslib.TOP, "tests", "ovsdb-diff",
                           "test.ovsschema")
checks = dbslib.Checks()


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def insert_atoms(sock, rows):
    """Inserts rows (dicts) into Atoms, 500 per transaction."""
    for i in range(0, len(rows), 500):
        dbslib.transact(sock, DB, *[{"op": "insert", "table": "Atoms",
                                     "row": r} for r in rows[i:i + 500]])


def read_to_eof(s, timeout=30):
    s.settimeout(timeout)
    data = b""
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            return data
        data += chunk


def section_halfclose(server):
    n = 2200
    insert_atoms(server.sock, [{"name": "h%d" % i, "s": "%04d" % i * 256}
                               for i in range(n)])
    req = json.dumps({"id": 7, "method": "transact", "params": [
        DB, {"op": "select", "table": "Atoms", "where": [],
             "columns": ["name", "s"]}]}).encode()
    for attempt in range(5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(server.sock)
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
        data = read_to_eof(s)
        s.close()
        try:
            reply = json.loads(data)
            rows = reply["result"][0]["rows"]
        except (ValueError, KeyError, TypeError, IndexError):
            rows = None
        if not checks.check("half-closed client %d gets the whole reply "
                            "(%d bytes, %s rows)"
                            % (attempt + 1, len(data),
                               len(rows) if rows is not None else "no"),
                            rows is not None and len(rows) >= n):
            break
    checks.check("server still running", server.alive())


def stalled_monitor(sock, mid):
    """A client that asks for a monitor of Atoms and then reads nothing."""
    c = Conn(sock, "mon%d" % mid)
    c.send({"id": 1, "method": "monitor", "params": [
        DB, "m", {"Atoms": {"columns": ["name", "s"]}}]})
    return c


def apply_v1(replica, updates):
    for row_uuid, u in updates.get("Atoms", {}).items():
        if u.get("new") is None:
            replica.pop(row_uuid, None)
        else:
            replica[row_uuid] = u["new"]


def catch_up(c, want, timeout=60):
    """Reads c's monitor until its replica equals want; returns (replica,
    number of update notifications)."""
    replica, n_updates = {}, 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = c.recv(max(0.1, deadline - time.monotonic()))
        if m is None:
            break
        if m.get("id") == 1 and "result" in m:
            apply_v1(replica, m["result"] or {})
        elif m.get("method") == "update":
            n_updates += 1
            apply_v1(replica, m["params"][1])
        elif m.get("method") == "echo":
            c.send({"id": m["id"], "result": m["params"], "error": None})
        if replica == want:
            break
    return replica, n_updates


def select_atoms(sock, columns):
    rows = dbslib.transact(sock, DB, {"op": "select", "table": "Atoms",
                                      "where": [], "columns":
                                      ["_uuid"] + columns})[0]["rows"]
    out = {}
    for r in rows:
        out[r.pop("_uuid")[1]] = r
    return out


def stall_and_change(sock, n_monitors, n_changes):
    """Opens n_monitors monitors of Atoms that never read, then commits
    n_changes changes of 1 KB to one row (16 in flight).  Returns the
    monitors' connections, or None if the writer got no answer."""
    insert_atoms(sock, [{"name": "hot", "s": ""}])
    mons = [stalled_monitor(sock, i) for i in range(n_monitors)]
    dbslib.rpc(sock, "echo", [])  # the monitors exist now
    w = Conn(sock, "writer")
    in_flight, sent, done = 0, 0, 0
    while done < n_changes:
        while in_flight < 16 and sent < n_changes:
            w.send({"id": sent, "method": "transact", "params": [
                DB, {"op": "update", "table": "Atoms",
                     "where": [["name", "==", "hot"]],
                     "row": {"s": "%08d" % sent + "x" * 1016}}]})
            sent += 1
            in_flight += 1
        m = w.recv(30)
        if m is None:
            return None
        if "result" in m:
            done += 1
            in_flight -= 1
    w.close()
    return mons


def section_backlog(server, n_changes, max_growth_mb):
    sock = server.sock
    pid, _ = dbslib.server_pid(server)
    rss0 = status_kb(pid, "VmRSS")
    mons = stall_and_change(sock, 10, n_changes)
    if not checks.check("writer answered", mons is not None):
        return
    rss1 = status_kb(pid, "VmRSS")
    growth = (rss1 - rss0) / 1024
    checks.check("RSS growth with 10 stalled monitors over %d changes of "
                 "1 KB: %.1f MB (bound %d MB)" % (n_changes, growth,
                                                   max_growth_mb),
                 growth < max_growth_mb, "RSS %d -> %d kB" % (rss0, rss1))
    want = select_atoms(sock, ["name", "s"])
    counts = []
    for i, c in enumerate(mons):
        replica, n = catch_up(c, want)
        counts.append(n)
        if not checks.check("stalled monitor %d ends with an exact replica"
                            % i, replica == want,
                            "%d rows, want %d" % (len(replica), len(want))):
            break
        c.close()
    checks.check("stalled monitors got merged updates (%s updates for %d "
                 "changes)" % (",".join(map(str, counts)), n_changes),
                 counts and max(counts) < n_changes // 2)
    checks.check("server still running", server.alive())


def idl_rows(idl):
    out = {}
    for row in idl.tables["Atoms"].rows.values():
        out[str(row.uuid)] = {"name": row.name, "s": row.s,
                              "mss": dict(row.mss),
                              "si": sorted(row.si)}
    return out


def server_rows(sock):
    out = {}
    for u, r in select_atoms(sock, ["name", "s", "mss", "si"]).items():
        si = r["si"]
        si = si[1] if isinstance(si, list) else [si]
        out[u] = {"name": r["name"], "s": r["s"],
                  "mss": dict(r["mss"][1]), "si": sorted(si)}
    return out


def section_slowidl(server):
    try:
        import ovs.db.idl
        import ovs.poller
    except ImportError:
        print("skip slowidl: python3-openvswitch (ovs.db.idl) not installed")
        return
    sock = server.sock
    helper = ovs.db.idl.SchemaHelper(location=TEST_SCHEMA)
    helper.register_columns("Atoms", ["name", "s", "mss", "si"])
    idl = ovs.db.idl.Idl("unix:" + sock, helper)
    deadline = time.monotonic() + 10
    while not idl.has_ever_connected() and time.monotonic() < deadline:
        idl.run()
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(100)
        poller.block()
    if not checks.check("IDL connected", idl.has_ever_connected()):
        return
    w = Conn(sock, "writer")
    live, next_name, rid = [], 0, 0
    for step in range(6000):
        k = step % 7
        if k in (0, 3) or len(live) < 5:
            op = {"op": "insert", "table": "Atoms", "row": {
                "name": "n%d" % next_name, "s": "%06d" % step * 100,
                "mss": ["map", [["a", "1"], ["b%d" % step, "x"]]],
                "si": ["set", [step, step + 1]]}}
            live.append("n%d" % next_name)
            next_name += 1
        elif k == 5:
            op = {"op": "delete", "table": "Atoms",
                  "where": [["name", "==", live.pop(step % len(live))]]}
        elif k == 2:
            op = {"op": "update", "table": "Atoms",
                  "where": [["name", "==", live[step % len(live)]]],
                  "row": {"s": "%06d" % step * 100, "si": ["set", []]}}
        else:
            op = {"op": "mutate", "table": "Atoms",
                  "where": [["name", "==", live[step % len(live)]]],
                  "mutations": [
                      ["mss", "insert", ["map", [["k%d" % (step % 11),
                                                  "v%d" % step]]]],
                      ["mss", "delete", ["set", ["a"]]],
                      ["si", "insert", ["set", [step % 13]]]]}
        w.send({"id": rid, "method": "transact", "params": [DB, op]})
        rid += 1
        m = w.recv(30)
        while m is not None and "result" not in m:
            m = w.recv(30)
        if m is None:
            checks.check("writer answered", False)
            return
        if step % 1000 == 999:
            idl.run()  # a reader that rarely gets to read
    want = server_rows(sock)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        idl.run()
        if idl_rows(idl) == want:
            break
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(100)
        poller.block()
    got = idl_rows(idl)
    checks.check("slow IDL ends with an exact replica (%d rows)" % len(want),
                 got == want, "IDL has %d rows, %d differ" % (
                     len(got), sum(1 for u in want if got.get(u) != want[u])))
    idl.close()
    w.close()
    checks.check("server still running", server.alive())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--section", choices=["halfclose", "backlog", "slowidl"])
    ap.add_argument("--changes", type=int, default=20000)
    ap.add_argument("--max-growth-mb", type=int, default=48)
    args = ap.parse_args()
    dbslib.need_tools()
    dbslib.banner()
    server = dbslib.sut_server()
    for name in ("halfclose", "backlog", "slowidl"):
        if args.section and args.section != name:
            continue
        print("== " + name)
        sys.stdout.flush()
        server.start()  # fresh files each time
        if name == "halfclose":
            section_halfclose(server)
        elif name == "backlog":
            section_backlog(server, args.changes, args.max_growth_mb)
        else:
            section_slowidl(server)
        server.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
