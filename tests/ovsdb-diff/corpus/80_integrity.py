"""Referential integrity against the final state of a transaction: rows
inserted and deleted in the same transaction, references to them (strong
and weak, keys and values, by insert, update and mutate), garbage
collection of such rows, rows deleted twice (issue 12, section 3)."""
from _lib import *

GROUP = "integrity"


def V(name, *steps):
    return case(name, *steps, db="Open_vSwitch")


def by_uuid(var):
    return [["_uuid", "==", NU(var)]]


INIT = T(ins("Open_vSwitch", {}, "ovs"))

CASES = [
    # The reproducer: Port p0 inserted, referenced by br0, which
    # Open_vSwitch.bridges holds, and deleted again.
    V("refint-inserted-deleted-port", INIT,
      T(ins("Interface", {"name": "i", "type": "internal"}, "i"),
        ins("Port", {"name": "p0", "interfaces": NU("i")}, "p0"),
        ins("Bridge", {"name": "br0", "ports": NU("p0")}, "b"),
        mut("Open_vSwitch", [], [["bridges", "insert", S(NU("b"))]]),
        dele("Port", by_uuid("p0"))),
      T(names("Bridge"), names("Port"), names("Interface"))),
    # The same with the bridge itself deleted too: nothing dangles.
    V("refint-inserted-deleted-chain", INIT,
      T(ins("Interface", {"name": "i", "type": "internal"}, "i"),
        ins("Port", {"name": "p0", "interfaces": NU("i")}, "p0"),
        ins("Bridge", {"name": "br0", "ports": NU("p0")}, "b"),
        dele("Port", by_uuid("p0")), dele("Bridge", by_uuid("b"))),
      T(names("Bridge"), names("Port"), names("Interface"))),
    case("refint-strong-set-to-inserted-deleted",
         T(ins("Child", {"name": "c"}, "c"),
           ins("Parent", {"name": "p", "kids": S(NU("c"))}, "p"),
           dele("Child", by_uuid("c"))),
         T(names("Parent"), names("Child"))),
    case("refint-strong-map-value-to-inserted-deleted",
         T(ins("Child", {"name": "c"}, "c"),
           ins("Parent", {"name": "p", "kidmap": M(("k", NU("c")))}, "p"),
           dele("Child", by_uuid("c"))),
         T(names("Parent"), names("Child"))),
    case("refint-strong-optional-to-inserted-deleted",
         T(ins("Target", {"name": "t"}, "t"),
           ins("Parent", {"name": "p", "strong_t": S(NU("t"))}, "p"),
           dele("Target", by_uuid("t"))),
         T(names("Parent"), names("Target"))),
    # The reference made by update and by mutate after the delete.
    case("refint-update-to-inserted-deleted",
         T(ins("Parent", {"name": "p"}, "p")),
         T(ins("Child", {"name": "c"}, "c"), dele("Child", by_uuid("c")),
           upd("Parent", [], {"one_kid": S(NU("c"))})),
         T(sel("Parent", [], ["name", "one_kid"]))),
    case("refint-mutate-to-inserted-deleted",
         T(ins("Parent", {"name": "p"}, "p")),
         T(ins("Child", {"name": "c"}, "c"), dele("Child", by_uuid("c")),
           mut("Parent", [], [["kids", "insert", S(NU("c"))]])),
         T(sel("Parent", [], ["name", "kids"]))),
    # An existing row referenced anew and deleted in one transaction.
    case("refint-existing-referenced-then-deleted",
         T(ins("Child", {"name": "c"}, "c"),
           ins("Parent", {"name": "p", "kids": S(NU("c"))}, "p")),
         T(ins("Parent", {"name": "p2", "one_kid": S(U("c"))}),
           dele("Parent", [["name", "==", "p"]]), dele("Child")),
         T(names("Parent"), names("Child"))),
    # The referring row is itself not referenced (garbage) but the check
    # runs before garbage collection.
    case("refint-garbage-refers-to-inserted-deleted",
         T(ins("Child", {"name": "c2"}, "c2"),
           ins("Child", {"name": "c1", "sub": S(NU("c2"))}, "c1"),
           dele("Child", by_uuid("c2"))),
         T(names("Child"))),
    # Weak references to a row inserted and deleted: dropped at commit.
    case("refint-weak-to-inserted-deleted",
         T(ins("Target", {"name": "t"}, "t"),
           ins("Parent", {"name": "p", "weak": S(NU("t")),
                          "weakmap": M((NU("t"), "x"))}, "p"),
           dele("Target", by_uuid("t"))),
         T(sel("Parent", [], ["name", "weak", "weakmap"]), names("Target"))),
    case("refint-weak-min1-to-inserted-deleted",
         T(ins("Target", {"name": "t"}, "t"),
           ins("Holder", {"name": "h", "weak1": NU("t")}, "h"),
           dele("Target", by_uuid("t"))),
         T(names("Holder"), names("Target"))),
    # Garbage collection of rows inserted and deleted.
    case("refint-gc-inserted-deleted",
         T(ins("Child", {"name": "c"}, "c"), dele("Child", by_uuid("c")),
           ins("Child", {"name": "d"}, "d")),
         T(names("Child"))),
    # A row deleted twice (by condition, then by UUID), and an inserted row
    # deleted twice.
    case("refint-delete-twice",
         T(ins("Target", {"name": "t"}, "t")),
         T(dele("Target", [["name", "==", "t"]]),
           dele("Target", [["_uuid", "==", U("t")]]),
           dele("Target")),
         T(names("Target"))),
    case("refint-delete-inserted-twice",
         T(ins("Target", {"name": "t"}, "t"), dele("Target", by_uuid("t")),
           dele("Target", by_uuid("t")),
           upd("Target", by_uuid("t"), {"name": "u"})),
         T(names("Target"))),
    # An explicit UUID may be inserted again once its insert was deleted,
    # not once an existing row with it was deleted.
    case("refint-reinsert-inserted-deleted-uuid",
         T(ins("Target", {"name": "t"}, "t",
               uuid="8d3bc1c4-8ea9-4c53-a3e4-2a3c0d6e1e0f"),
           dele("Target", by_uuid("t")),
           ins("Target", {"name": "u"},
               uuid="8d3bc1c4-8ea9-4c53-a3e4-2a3c0d6e1e0f")),
         T(names("Target")),
         T(dele("Target"),
           ins("Target", {"name": "v"},
               uuid="8d3bc1c4-8ea9-4c53-a3e4-2a3c0d6e1e0f")),
         T(names("Target"))),
    # A reference dropped and made again in one transaction: no garbage.
    case("refint-unreferenced-then-referenced-again",
         T(ins("Child", {"name": "c"}, "c"),
           ins("Parent", {"name": "p", "kids": S(NU("c"))}, "p")),
         T(upd("Parent", [], {"kids": S()}),
           ins("Parent", {"name": "q", "one_kid": S(U("c"))})),
         T(names("Child"), sel("Parent", [], ["name", "kids", "one_kid"]))),
    # Inserted rows referring to each other in a cycle, one of them
    # deleted: the other's reference dangles.
    case("refint-cycle-one-deleted",
         T(ins("Child", {"name": "a", "sub": S(NU("b"))}, "a"),
           ins("Child", {"name": "b", "sub": S(NU("a"))}, "b"),
           ins("Parent", {"name": "p", "kids": S(NU("a"))}),
           dele("Child", by_uuid("b"))),
         T(names("Child"), names("Parent"))),
    # Deleted, then a new row refers to it, then the referrer goes too.
    case("refint-referrer-deleted-too",
         T(ins("Child", {"name": "c"}, "c"),
           ins("Parent", {"name": "p", "kids": S(NU("c"))}, "p")),
         T(dele("Parent"), dele("Child"),
           ins("Parent", {"name": "q", "kids": S(U("c"))}, "q"),
           dele("Parent", by_uuid("q"))),
         T(names("Parent"), names("Child"))),
]
