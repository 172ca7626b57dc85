"""Protocol conformance found by an outside probe (issue 12, section 5) and
its neighbours: numbers as Open vSwitch reads them (integral reals are
integers, integers beyond 64 bits are reals), wait with a negative
timeout, get_server_id, the parameter checks of the monitor methods.

Numbers are sent as raw text: Python would rewrite 1e2 as 100.0.  Not
here because real ovsdb-server 3.1.0 misbehaves: a 20-digit literal whose
significand wraps (18446744073709551616 reads as 0), monitor with fewer
than three params (it crashes; see monitor-bad-params)."""
from _lib import *

GROUP = "conformance"


def raw(rid, method, params_text):
    return {"raw": '{"id":"%s","method":"%s","params":%s}'
            % (rid, method, params_text)}


def raw_txn(rid, ops_text, db="DiffTest"):
    return raw(rid, "transact", '["%s",%s]' % (db, ops_text))


def raw_insert(rid, column, number_text, name):
    return raw_txn(rid, '{"op":"insert","table":"Atoms","row":'
                   '{"name":"%s","%s":%s}}' % (name, column, number_text))


INTEGRAL = ["1e2", "1E2", "1e+2", "100.0", "0e0", "-0.0", "-0", "0.000",
            "12.50e1", "10e-1", "1e18", "-1e18", "9.223372036854775807e18",
            "-9223372036854775808.0", "9007199254740993.0"]
NOT_INTEGRAL = ["1.5", "1e-2", "1e19", "1e-400", "-2.5e-1"]
BEYOND_64 = ["9223372036854775808", "-9223372036854775809",
             "100000000000000000000000", "18446744073709551615"]

WAIT_OK = {"op": "wait", "table": "Atoms", "where": [], "columns": ["i"],
           "until": "==", "rows": [{"i": 5}]}


def waitop(**kw):
    op = dict(WAIT_OK)
    op.update(kw)
    return op


CASES = [
    # ---- numbers
    case("conf-int-integral-reals",
         *[raw_insert("i%d" % k, "i", v, "n%d" % k)
           for k, v in enumerate(INTEGRAL)],
         T(sel("Atoms", [], ["name", "i"]))),
    case("conf-int-not-integral",
         *[raw_insert("i%d" % k, "i", v, "n%d" % k)
           for k, v in enumerate(NOT_INTEGRAL)],
         T(names("Atoms"))),
    case("conf-int-beyond-64-bits",
         *[raw_insert("i%d" % k, "i", v, "n%d" % k)
           for k, v in enumerate(BEYOND_64)],
         T(names("Atoms"))),
    case("conf-real-beyond-64-bits",
         *[raw_insert("r%d" % k, "r", v, "n%d" % k)
           for k, v in enumerate(BEYOND_64 + ["1e300", "-1e-400", "1e2"])],
         T(sel("Atoms", [], ["name", "r"]))),
    case("conf-int-integral-reals-in-sets-maps-where-mutate",
         raw_txn("s", '{"op":"insert","table":"Atoms","row":{"name":"a",'
                 '"si":["set",[1e0,2.0,3e0]],"oi":4.0,'
                 '"mii":["map",[[1e1,2e1]]],"msi":["map",[["k",5e0]]]}}'),
         raw_txn("w", '{"op":"select","table":"Atoms","where":'
                 '[["oi","==",4e0],["si","includes",["set",[2e0]]]],'
                 '"columns":["name"]}'),
         raw_txn("m", '{"op":"mutate","table":"Atoms","where":[],'
                 '"mutations":[["oi","*=",1e1],["si","insert",9e0]]}'),
         T(sel("Atoms", [], ["si", "oi", "mii", "msi"]))),
    case("conf-integral-real-where-integer-range",
         raw_txn("c", '{"op":"insert","table":"Constrained","row":'
                 '{"name":"c","e":"red","rng":1e2}}'),
         raw_txn("d", '{"op":"insert","table":"Constrained","row":'
                 '{"name":"d","e":"red","rng":1.01e2}}'),
         T(sel("Constrained", [], ["name", "rng"]))),
    case("conf-echo-numbers",
         raw("e", "echo", '[1e2,100.0,9223372036854775808,-0.0,1.5,'
             '-1e-400,1e300,0.30000000000000004]'),
         {"raw": '{"id":100.0,"method":"echo","params":[]}'},
         {"raw": '{"id":1e20,"method":"echo","params":[]}'}),
    case("conf-real-overflow-drops", raw("e", "echo", "[1e400]")),
    case("conf-exponent-range-drops", raw("e", "echo", "[1e9999999999]")),
    case("conf-integer-timeout-as-real",
         raw_txn("t", '{"op":"wait","table":"Atoms","where":[],'
                 '"columns":["i"],"until":"!=","rows":[],"timeout":0e0}')),
    # ---- wait with a negative timeout
    case("conf-wait-negative-timeout", T(waitop(timeout=-1))),
    case("conf-wait-negative-timeout-satisfied",
         T(waitop(timeout=-5, rows=[]))),
    case("conf-wait-negative-timeout-int64-min",
         raw_txn("t", '{"op":"wait","table":"Atoms","where":[],'
                 '"columns":["i"],"until":"==","rows":[{"i":5}],'
                 '"timeout":-9223372036854775808}')),
    case("conf-wait-negative-timeout-then-ops",
         T(ins("Atoms", {"name": "a"}), waitop(timeout=-1),
           ins("Atoms", {"name": "b"})),
         T(names("Atoms"))),
    case("conf-wait-error-order",
         T(waitop(timeout=-1, until="<")),
         T(waitop(timeout=-1, rows=[{"nope": 1}])),
         T(waitop(timeout=-1, rows=[5])),
         T(waitop(timeout=-1, where=[["nope", "==", 1]])),
         T(waitop(timeout=-1, columns=["nope"])),
         T(waitop(where=[["nope", "==", 1]], until="<")),
         T(waitop(columns=["nope"], until="<"))),
    case("conf-wait-timeout-types",
         T(waitop(timeout=-1.5)), T(waitop(timeout=1.5)),
         T(waitop(timeout="x")), T(waitop(timeout=1e30)),
         T(waitop(timeout=-0, until="!=", rows=[]))),
    # ---- get_server_id
    case("conf-get-server-id",
         {"method": "get_server_id", "params": []},
         {"method": "get_server_id", "params": [1, 2], "conn": "B"},
         {"notify": "get_server_id", "params": []},
         {"method": "get_server_id", "params": ["x"]}),
    case("conf-get-server-id-bad-params",
         {"send": {"id": 1, "method": "get_server_id", "params": {}}}),
    # ---- monitor parameter checks
    case("conf-monitor-cond-two-params",
         {"method": "monitor_cond", "params": ["DiffTest", None]},
         {"method": "monitor_cond", "params": ["DiffTest", "m"]}),
    case("conf-monitor-cond-param-checks",
         {"method": "monitor_cond", "params": []},
         {"method": "monitor_cond", "params": [5]},
         {"method": "monitor_cond", "params": ["DiffTest"]},
         {"method": "monitor_cond", "params": ["Nope"]},
         {"method": "monitor_cond", "params": ["Nope", None]},
         {"method": "monitor_cond", "params": ["_Server", None]},
         {"method": "monitor_cond", "params": ["DiffTest", None, {}, 4]},
         {"method": "monitor_cond", "params": ["DiffTest", None, 5]},
         {"method": "monitor_cond", "params": ["DiffTest", "ok", {}]}),
    case("conf-monitor-cond-since-param-checks",
         {"method": "monitor_cond_since", "params": []},
         {"method": "monitor_cond_since", "params": ["DiffTest"]},
         {"method": "monitor_cond_since", "params": ["DiffTest", None]},
         {"method": "monitor_cond_since",
          "params": ["DiffTest", None, {"Atoms": [{"columns": ["i"]}]}]},
         {"method": "monitor_cond_since", "params": ["Nope", None, {}]},
         {"method": "monitor_cond_since",
          "params": ["Nope", None, {}, "bad"]},
         {"method": "monitor_cond_since",
          "params": ["DiffTest", None, {}, "bad"]},
         {"method": "monitor_cond_since",
          "params": ["DiffTest", None, {},
                     "00000000-0000-0000-0000-000000000000", 5]}),
    case("conf-monitor-param-checks",
         {"method": "monitor", "params": []},
         {"method": "monitor", "params": [7]},
         {"method": "monitor", "params": ["Nope"]},
         {"method": "monitor", "params": ["Nope", None]},
         {"method": "monitor", "params": ["DiffTest", None, {}, 4, 5]}),
]
