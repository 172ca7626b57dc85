#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""python3-openvswitch's IDL (ovs.db.idl) against the server under test.

The Python IDL is what ecosystem tools (OpenStack Neutron, os-vif, ovs
scripts) use: _Server database monitor, monitor_cond(_since) of every
table of Open_vSwitch, update2/update3 processing, transactions with
verify (wait) and named-uuid inserts.

Checks, on a server started per MICROVS_DBSERVER_CMD (else the real
ovsdb-server):
  * a bridge inserted before any IDL connects is in the IDL's initial
    contents once has_ever_connected();
  * IDL A commits an ovs.db.idl.Transaction inserting a Bridge (with
    external_ids) and adding it to Open_vSwitch.bridges: SUCCESS, the
    insert's real UUID is what the server stores;
  * IDL B (a second connection) sees that bridge via update notifications;
  * changes made by the real `ovsdb-client transact` (insert, modify,
    delete) arrive in IDL A;
  * a transaction whose verified column changed underneath (another
    client's commit not yet seen by the IDL) ends TRY_AGAIN, and succeeds
    once the IDL has caught up;
  * the IDL's replica equals a fresh select on the server at the end.

usage: python_idl.py
Exit: 0 pass, 1 fail, 77 real OVS tools or python3-openvswitch missing.
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbslib  # noqa: E402

try:
    import ovs.db.idl
    import ovs.poller
except ImportError:
    print("SKIP: python3-openvswitch (ovs.db.idl) not installed")
    sys.exit(dbslib.SKIP)

TIMEOUT = 10.0
checks = dbslib.Checks()


def run_until(idls, pred, timeout=TIMEOUT):
    """Run the IDLs' state machines until pred() is true."""
    deadline = time.monotonic() + timeout
    while True:
        for idl in idls:
            idl.run()
        if pred():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        poller = ovs.poller.Poller()
        for idl in idls:
            idl.wait(poller)
        poller.timer_wait(int(min(left, 0.1) * 1000))
        poller.block()


def commit(idl, txn, timeout=TIMEOUT):
    """Like Transaction.commit_block(), with a timeout."""
    deadline = time.monotonic() + timeout
    while True:
        status = txn.commit()
        if status != ovs.db.idl.Transaction.INCOMPLETE:
            return status
        if time.monotonic() > deadline:
            txn.abort()
            return "timeout"
        idl.run()
        poller = ovs.poller.Poller()
        idl.wait(poller)
        txn.wait(poller)
        poller.timer_wait(100)
        poller.block()


def bridges(idl):
    return {r.name: r for r in idl.tables["Bridge"].rows.values()}


def ovs_row(idl):
    rows = list(idl.tables["Open_vSwitch"].rows.values())
    return rows[0] if len(rows) == 1 else None


def txn_add_bridge(idl, name):
    """A transaction on @idl inserting Bridge @name into the verified
    Open_vSwitch.bridges; returns it (not yet committed) and the row."""
    txn = ovs.db.idl.Transaction(idl)
    br = txn.insert(idl.tables["Bridge"])
    br.name = name
    o = ovs_row(idl)
    o.verify("bridges")
    o.bridges = list(o.bridges) + [br]
    return txn, br


def cli_transact(sock, *ops):
    r = subprocess.run(["ovsdb-client", "transact", "unix:" + sock,
                        json.dumps(["Open_vSwitch"] + list(ops))],
                       capture_output=True, text=True, timeout=TIMEOUT)
    ok = r.returncode == 0 and '"error"' not in r.stdout
    return ok, (r.stdout + r.stderr).strip()


def add_bridge_ops(name, extra=None):
    row = {"name": name}
    row.update(extra or {})
    return [{"op": "insert", "table": "Bridge", "row": row,
             "uuid-name": "nb"},
            {"op": "mutate", "table": "Open_vSwitch", "where": [],
             "mutations": [["bridges", "insert",
                            ["set", [["named-uuid", "nb"]]]]]}]


def main():
    dbslib.need_tools("ovsdb-client")
    dbslib.banner()
    t0 = time.monotonic()
    server = dbslib.sut_server()
    server.start()
    sock, remote = server.sock, "unix:" + server.sock

    # Pre-populate: the Open_vSwitch row and one bridge.
    dbslib.transact(sock, "Open_vSwitch",
                    {"op": "insert", "table": "Open_vSwitch", "row": {},
                     "uuid-name": "o"},
                    {"op": "insert", "table": "Bridge", "uuid-name": "b",
                     "row": {"name": "br-pre"}},
                    {"op": "mutate", "table": "Open_vSwitch", "where": [],
                     "mutations": [["bridges", "insert",
                                    ["set", [["named-uuid", "b"]]]]]})

    def new_idl():
        helper = ovs.db.idl.SchemaHelper(location=dbslib.VSWITCH_SCHEMA)
        helper.register_all()
        return ovs.db.idl.Idl(remote, helper)

    a = new_idl()
    ok = run_until([a], lambda: a.has_ever_connected()
                   and "br-pre" in bridges(a) and ovs_row(a) is not None)
    checks.check("IDL A connected; initial contents hold the Open_vSwitch "
                 "row and br-pre", ok, "connected %s, bridges %s"
                 % (a.has_ever_connected(), sorted(bridges(a))))
    if not ok:
        return checks.finish()
    pre = bridges(a)["br-pre"]
    checks.check("IDL A: Open_vSwitch.bridges references br-pre",
                 [b.uuid for b in ovs_row(a).bridges] == [pre.uuid])

    b = new_idl()
    ok = run_until([b], lambda: b.has_ever_connected()
                   and "br-pre" in bridges(b))
    checks.check("IDL B connected with the same initial contents", ok)

    # A transaction through the IDL.
    txn, br = txn_add_bridge(a, "br-idl")
    br.external_ids = {"created-by": "python-idl"}
    status = commit(a, txn)
    checks.check("IDL A: Transaction inserting br-idl -> SUCCESS",
                 status == ovs.db.idl.Transaction.SUCCESS,
                 "%s %s" % (status, txn.get_error()))
    real_uuid = txn.get_insert_uuid(br.uuid)
    sel = dbslib.transact(sock, "Open_vSwitch", {
        "op": "select", "table": "Bridge",
        "where": [["name", "==", "br-idl"]],
        "columns": ["_uuid", "external_ids"]})[0]["rows"]
    checks.check("server stores br-idl under the UUID the IDL was given",
                 real_uuid is not None and len(sel) == 1
                 and sel[0]["_uuid"][1] == str(real_uuid)
                 and sel[0]["external_ids"] == ["map", [["created-by",
                                                         "python-idl"]]],
                 "insert uuid %s, server %s" % (real_uuid, sel))
    checks.check("IDL A's replica has br-idl after the commit",
                 run_until([a], lambda: "br-idl" in bridges(a)
                           and bridges(a)["br-idl"].uuid == real_uuid))
    ok = run_until([b], lambda: "br-idl" in bridges(b) and any(
        x.name == "br-idl" for x in ovs_row(b).bridges))
    checks.check("IDL B sees br-idl and the new Open_vSwitch.bridges "
                 "through update notifications", ok,
                 "B bridges %s" % sorted(bridges(b)))
    checks.check("IDL B: br-idl external_ids",
                 ok and dict(bridges(b)["br-idl"].external_ids)
                 == {"created-by": "python-idl"},
                 ok and str(dict(bridges(b)["br-idl"].external_ids)))

    # Changes by another client (the real ovsdb-client) reach IDL A.
    ok, out = cli_transact(sock, *add_bridge_ops(
        "br-cli", {"external_ids": ["map", [["k", "1"]]]}))
    checks.check("ovsdb-client transact inserts br-cli", ok, out)
    checks.check("IDL A sees br-cli inserted by ovsdb-client",
                 run_until([a], lambda: "br-cli" in bridges(a) and dict(
                     bridges(a)["br-cli"].external_ids) == {"k": "1"}))
    ok, out = cli_transact(sock, {
        "op": "update", "table": "Bridge", "where": [["name", "==", "br-cli"]],
        "row": {"external_ids": ["map", [["k", "2"]]],
                "fail_mode": "secure"}})
    checks.check("ovsdb-client transact modifies br-cli", ok, out)
    checks.check("IDL A sees the modification",
                 run_until([a], lambda: "br-cli" in bridges(a) and dict(
                     bridges(a)["br-cli"].external_ids) == {"k": "2"}
                     and list(bridges(a)["br-cli"].fail_mode) == ["secure"]))
    ok, out = cli_transact(sock, {
        "op": "mutate", "table": "Open_vSwitch", "where": [],
        "mutations": [["bridges", "delete",
                       ["set", [["uuid", str(bridges(a)["br-pre"].uuid)]]]]]})
    checks.check("ovsdb-client transact removes br-pre from "
                 "Open_vSwitch.bridges (garbage collected)", ok, out)
    checks.check("IDL A sees br-pre deleted",
                 run_until([a], lambda: "br-pre" not in bridges(a)
                           and len(ovs_row(a).bridges) == 2))

    # verify(): a commit based on a stale replica must be refused.
    txn, br = txn_add_bridge(a, "br-late")
    ok, out = cli_transact(sock, *add_bridge_ops("br-race"))
    # No a.run() in between: A has not seen br-race when it commits.
    status = commit(a, txn)
    checks.check("IDL A: commit after a concurrent change of a verified "
                 "column -> TRY_AGAIN", ok and status ==
                 ovs.db.idl.Transaction.TRY_AGAIN, "%s %s" % (status, out))
    run_until([a], lambda: "br-race" in bridges(a))
    txn, br = txn_add_bridge(a, "br-late")
    status = commit(a, txn)
    checks.check("IDL A: retry after catching up -> SUCCESS",
                 status == ovs.db.idl.Transaction.SUCCESS,
                 "%s %s" % (status, txn.get_error()))

    # Both replicas equal the server's contents.
    want = sorted(r["name"] for r in dbslib.transact(sock, "Open_vSwitch", {
        "op": "select", "table": "Bridge", "where": [],
        "columns": ["name"]})[0]["rows"])
    ok = run_until([a, b], lambda: sorted(bridges(a)) == want
                   and sorted(bridges(b)) == want)
    checks.check("IDL A and B replicas equal the server's bridges %s"
                 % want, ok, "A %s B %s" % (sorted(bridges(a)),
                                            sorted(bridges(b))))
    checks.check("server still running", server.alive())
    a.close()
    b.close()
    server.stop()
    print("%.1f s" % (time.monotonic() - t0))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
