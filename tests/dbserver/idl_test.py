#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# python3-openvswitch's IDL against a dbserver: initial contents, then a
# transaction that inserts a Bridge referenced from Open_vSwitch, then a
# second IDL sees it (through monitor updates).
import sys
import time

import ovs.db.idl
import ovs.poller

remote, schema_path = sys.argv[1], sys.argv[2]


def connect():
    helper = ovs.db.idl.SchemaHelper(schema_path)
    helper.register_all()
    idl = ovs.db.idl.Idl(remote, helper)
    deadline = time.time() + 10
    seq = idl.change_seqno
    while True:
        idl.run()
        if idl.has_ever_connected() and idl.change_seqno != seq:
            break
        if time.time() > deadline:
            sys.exit("IDL never received the initial contents")
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(100)
        poller.block()
    return idl


def run_until(idl, pred, what):
    deadline = time.time() + 10
    while not pred():
        if time.time() > deadline:
            sys.exit("timed out waiting for " + what)
        idl.run()
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(100)
        poller.block()


idl = connect()
ovs_rows = list(idl.tables["Open_vSwitch"].rows.values())
if len(ovs_rows) != 1:
    sys.exit("expected one Open_vSwitch row, got %d" % len(ovs_rows))

txn = ovs.db.idl.Transaction(idl)
br = txn.insert(idl.tables["Bridge"])
br.name = "idlbr"
br.external_ids = {"made-by": "idl_test"}
ovs_rows[0].addvalue("bridges", br)
status = txn.commit_block()
if status != ovs.db.idl.Transaction.SUCCESS:
    sys.exit("commit failed: %s %s" % (status, txn.get_error()))

run_until(idl, lambda: any(b.name == "idlbr"
                           for b in idl.tables["Bridge"].rows.values()),
          "the new bridge in the first IDL")
idl2 = connect()
names = sorted(b.name for b in idl2.tables["Bridge"].rows.values())
if "idlbr" not in names:
    sys.exit("second IDL does not see idlbr: %s" % names)
b = [b for b in idl2.tables["Bridge"].rows.values() if b.name == "idlbr"][0]
if b.external_ids.get("made-by") != "idl_test":
    sys.exit("external_ids lost: %s" % b.external_ids)
if b not in idl2.tables["Open_vSwitch"].rows.values().__iter__().__next__().bridges:
    sys.exit("bridge not referenced from Open_vSwitch")

# A change by one IDL reaches the other through update notifications.
txn = ovs.db.idl.Transaction(idl2)
b.external_ids = {"made-by": "idl_test", "step": "2"}
if txn.commit_block() != ovs.db.idl.Transaction.SUCCESS:
    sys.exit("second commit failed")
run_until(idl, lambda: any(x.external_ids.get("step") == "2"
                           for x in idl.tables["Bridge"].rows.values()),
          "the update in the first IDL")
idl.close()
idl2.close()
print("idl ok")
