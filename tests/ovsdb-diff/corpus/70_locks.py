"""lock, steal, unlock; locked/stolen notifications."""
from _lib import *

GROUP = "locks"


def L(method, name, conn="A"):
    return {"method": method, "params": [name], "conn": conn}


CASES = [
    case("lock-free", L("lock", "x")),
    case("lock-contended-then-released",
         L("lock", "x", "A"), L("lock", "x", "B"), L("unlock", "x", "A"),
         T({"op": "assert", "lock": "x"}, conn="B")),
    case("lock-contended-holder-disconnects",
         L("lock", "x", "A"), L("lock", "x", "B"), {"close": "A"},
         T({"op": "assert", "lock": "x"}, conn="B")),
    case("lock-queue-three",
         L("lock", "x", "A"), L("lock", "x", "B"), L("lock", "x", "C"),
         L("unlock", "x", "A"), L("unlock", "x", "B")),
    case("lock-steal",
         L("lock", "x", "A"), L("steal", "x", "B"),
         T({"op": "assert", "lock": "x"}, conn="A"),
         T({"op": "assert", "lock": "x"}, conn="B"),
         L("unlock", "x", "B")),
    case("lock-steal-free", L("steal", "x")),
    case("lock-steal-own", L("lock", "x"), L("steal", "x")),
    case("lock-twice-same-session", L("lock", "x"), L("lock", "x")),
    case("lock-unlock-not-held", L("unlock", "x")),
    case("lock-unlock-waiting", L("lock", "x", "A"), L("lock", "x", "B"),
         L("unlock", "x", "B"), L("unlock", "x", "A")),
    case("lock-two-names", L("lock", "x"), L("lock", "y"), L("lock", "y", "B"),
         T({"op": "assert", "lock": "x"}, {"op": "assert", "lock": "y"})),
    case("lock-bad-params", {"method": "lock", "params": []}),
    case("lock-bad-name-type", {"method": "lock", "params": [5]}),
    case("lock-bad-name", {"method": "lock", "params": ["bad name!"]}),
    case("lock-extra-params", {"method": "lock", "params": ["x", "y"]}),
    case("unlock-bad-params", {"method": "unlock", "params": []}),
    case("steal-bad-params", {"method": "steal", "params": [1]}),
    case("lock-assert-after-steal-txn",
         L("lock", "x", "A"), L("steal", "x", "B"),
         T({"op": "assert", "lock": "x"}, ins("Atoms", {"name": "by-a"}), conn="A"),
         T({"op": "assert", "lock": "x"}, ins("Atoms", {"name": "by-b"}), conn="B"),
         T(names("Atoms"), conn="C")),
]
