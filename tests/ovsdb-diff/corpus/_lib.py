"""Helpers for writing corpus cases compactly.

A case is {"name": str, "db": str (default "DiffTest"), "steps": [step]}.
Steps (all run on connection "A" unless "conn" says otherwise):
  {"transact": [op, ...]}          transact on the case's database ("db" overrides)
  {"method": M, "params": [...]}   any request (id assigned by the harness)
  {"notify": M, "params": [...]}   notification (id null)
  {"send": OBJ}                    exact JSON object, id included or not
  {"raw": "text"}                  exact bytes
  {"close": "B"}                   close connection B
Options: "nowait": true (do not wait for the reply now; collected at the next
sync), "save": {"var": [path into reply]}.
Strings "$var" in params are replaced by saved values; every insert with a
"uuid-name" saves the new row's UUID under that name.
"""


def S(*xs):
    return ["set", list(xs)]


def M(*pairs):
    return ["map", [list(p) for p in pairs]]


def U(var):
    return ["uuid", "$" + var]


def NU(name):
    return ["named-uuid", name]


def ins(table, row, name=None, **kw):
    op = {"op": "insert", "table": table, "row": row}
    if name:
        op["uuid-name"] = name
    op.update(kw)
    return op


def sel(table, where=(), columns=None):
    op = {"op": "select", "table": table, "where": list(where)}
    if columns is not None:
        op["columns"] = list(columns)
    return op


def upd(table, where, row):
    return {"op": "update", "table": table, "where": list(where), "row": row}


def mut(table, where, mutations):
    return {"op": "mutate", "table": table, "where": list(where),
            "mutations": list(mutations)}


def dele(table, where=()):
    return {"op": "delete", "table": table, "where": list(where)}


def wait(table, where, columns, until, rows, timeout=None):
    op = {"op": "wait", "table": table, "where": list(where),
          "columns": list(columns), "until": until, "rows": list(rows)}
    if timeout is not None:
        op["timeout"] = timeout
    return op


def T(*ops, **kw):
    step = {"transact": list(ops)}
    step.update(kw)
    return step


def case(name, *steps, db="DiffTest"):
    return {"name": name, "db": db, "steps": list(steps)}


def names(table, where=()):
    """Select only the name column (compact transcripts)."""
    return sel(table, where, ["name"])
