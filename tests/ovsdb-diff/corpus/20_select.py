"""select with every condition function on every column type."""
from _lib import *

GROUP = "select"

U1 = ["uuid", "11111111-1111-1111-1111-111111111111"]
U2 = ["uuid", "22222222-2222-2222-2222-222222222222"]
U3 = ["uuid", "33333333-3333-3333-3333-333333333333"]
Z = ["uuid", "00000000-0000-0000-0000-000000000000"]

ROWS = [
    {"name": "r1", "i": -1, "r": -1.5, "b": False, "s": "", "u": Z},
    {"name": "r2", "i": 0, "r": 0, "b": True, "s": "abc", "u": U1,
     "oi": 0, "or": 0.5, "ob": True, "os": "x", "ou": U1,
     "si": S(1), "sr": S(0.5), "sb": S(True), "ss": S("a"), "su": S(U1),
     "mss": M(("a", "1")), "mii": M((1, 1)), "msi": M(("a", 1)),
     "msr": M(("a", 1.5)), "mib": M((1, True))},
    {"name": "r3", "i": 5, "r": 2.5, "b": False, "s": "abd", "u": U2,
     "oi": 5, "or": 2.5, "ob": False, "os": "y", "ou": U2,
     "si": S(1, 2, 3), "sr": S(0.5, 2.5), "sb": S(True, False),
     "ss": S("a", "b"), "su": S(U1, U2),
     "mss": M(("a", "1"), ("b", "2")), "mii": M((1, 1), (2, 4)),
     "msi": M(("a", 1), ("b", 2)), "msr": M(("a", 1.5), ("b", -1)),
     "mib": M((1, True), (2, False))},
    {"name": "r4", "i": 10, "r": 1e10, "b": True, "s": "ABC", "u": U3,
     "oi": 10, "or": -3, "os": "", "si": S(2), "sr": S(-1), "sb": S(False),
     "ss": S("b"), "su": S(U2), "mss": M(("a", "2")), "mii": M((2, 2)),
     "msi": M(("a", 2)), "msr": M(("b", -1)), "mib": M((2, True))},
]

SETUP = T(*[ins("Atoms", r, r["name"]) for r in ROWS])
ORDERED = ["<", "<=", ">", ">="]
EQUALITY = ["==", "!=", "includes", "excludes"]

# column -> (functions valid for it, probe values)
MATRIX = [
    ("i", EQUALITY + ORDERED, [0, 5, -7]),
    ("r", EQUALITY + ORDERED, [0, 2.5, 1e10, 3]),
    ("b", EQUALITY, [True, False]),
    ("s", EQUALITY, ["abc", "", "ABC"]),
    ("u", EQUALITY, [U1, Z]),
    ("oi", EQUALITY + ORDERED, [5, S(), S(0)]),
    ("or", EQUALITY + ORDERED, [0.5, S()]),
    ("ob", EQUALITY, [True, S()]),
    ("os", EQUALITY, ["x", S(), ""]),
    ("ou", EQUALITY, [U1, S()]),
    ("si", EQUALITY, [S(1), S(), S(1, 2), 2]),
    ("sr", EQUALITY, [S(0.5), S(-1, 2.5)]),
    ("sb", EQUALITY, [S(True), S(True, False)]),
    ("ss", EQUALITY, [S("a"), S("a", "b"), "b", S()]),
    ("su", EQUALITY, [S(U1), S(U1, U2), S()]),
    ("mss", EQUALITY, [M(("a", "1")), M(), M(("a", "1"), ("b", "2")), M(("a", "2"))]),
    ("mii", EQUALITY, [M((1, 1)), M((2, 4), (1, 1))]),
    ("msi", EQUALITY, [M(("a", 1)), M(("b", 2))]),
    ("msr", EQUALITY, [M(("b", -1)), M()]),
    ("mib", EQUALITY, [M((1, True)), M((2, False), (1, True))]),
    ("_uuid", EQUALITY, [U("r2"), U("r4")]),
    ("name", EQUALITY, ["r1", "zz"]),
]


def matrix_case(col, funcs, values):
    steps = [SETUP]
    ops = []
    for f in funcs:
        for v in values:
            ops.append(names("Atoms", [[col, f, v]]))
    steps.append(T(*ops))
    for f in ORDERED:
        if f not in funcs:
            steps.append(T(names("Atoms", [[col, f, values[0]]])))
    return case("select-%s" % col.strip("_"), *steps)


CASES = [matrix_case(*m) for m in MATRIX] + [
    case("select-all-columns", SETUP, T(sel("Atoms", [["name", "==", "r3"]]))),
    case("select-no-where", SETUP, T({"op": "select", "table": "Atoms",
                                      "columns": ["name", "i"]})),
    case("select-columns-empty", SETUP, T(sel("Atoms", [], []))),
    case("select-columns-uuid-version", SETUP,
         T(sel("Atoms", [["name", "==", "r2"]], ["_uuid", "_version", "name"]))),
    case("select-columns-duplicate", SETUP,
         T(sel("Atoms", [["name", "==", "r2"]], ["name", "name", "i"]))),
    case("select-multiple-conditions", SETUP,
         T(names("Atoms", [["i", ">", -1], ["i", "<", 10], ["b", "==", False]]),
           names("Atoms", [["i", ">=", 0], ["ss", "includes", "a"],
                           ["mss", "excludes", M(("b", "2"))]]),
           names("Atoms", [["i", "<", 0], ["i", ">", 0]]))),
    case("select-unknown-column-where", SETUP, T(names("Atoms", [["nope", "==", 1]]))),
    case("select-unknown-column-columns", SETUP, T(sel("Atoms", [], ["name", "nope"]))),
    case("select-unknown-function", SETUP, T(names("Atoms", [["i", "=", 1]]))),
    case("select-function-not-string", SETUP, T(names("Atoms", [["i", 1, 1]]))),
    case("select-condition-short", SETUP, T(names("Atoms", [["i", "=="]]))),
    case("select-condition-long", SETUP, T(names("Atoms", [["i", "==", 1, 2]]))),
    case("select-condition-not-array", SETUP, T(names("Atoms", ["i"]))),
    case("select-where-not-array", SETUP,
         T({"op": "select", "table": "Atoms", "where": {"i": 1}})),
    case("select-columns-not-array", SETUP,
         T({"op": "select", "table": "Atoms", "where": [], "columns": "name"})),
    case("select-value-type-mismatch", SETUP,
         T(names("Atoms", [["i", "==", "five"]])),
         T(names("Atoms", [["s", "==", 5]])),
         T(names("Atoms", [["b", "==", "true"]])),
         T(names("Atoms", [["u", "==", "11111111-1111-1111-1111-111111111111"]])),
         T(names("Atoms", [["mss", "==", S("a")]])),
         T(names("Atoms", [["oi", "==", S(1, 2)]]))),
    case("select-missing-where", SETUP, T({"op": "select", "table": "Atoms"})),
    case("select-missing-table", T({"op": "select", "where": []})),
    case("select-unknown-table", T(sel("Nope", []))),
    case("select-table-not-string", T({"op": "select", "table": 3, "where": []})),
    case("select-boolean-where-true-false", SETUP,
         T(names("Atoms", [True]))),
    case("select-version-condition", SETUP,
         T(names("Atoms", [["_version", "!=", U("r2")]]))),
    case("select-empty-table", T(sel("Target", []), sel("Single", [], ["name"]))),
    case("select-sees-own-writes",
         T(ins("Atoms", {"name": "a", "i": 1}, "a"),
           names("Atoms", [["i", "==", 1]]),
           upd("Atoms", [["name", "==", "a"]], {"i": 2}),
           names("Atoms", [["i", "==", 1]]),
           dele("Atoms", [["i", "==", 2]]),
           names("Atoms"))),
]
