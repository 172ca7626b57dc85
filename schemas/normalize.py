#!/usr/bin/python3
"""Write an OVSDB schema in microvs's canonical form.

Usage: normalize.py INPUT.ovsschema OUTPUT.ovsschema

Canonical form: object keys sorted, 2-space indent, one trailing newline,
no "cksum" member, no documentation members ("doc", "description" when
used as a schema/table/column annotation).  Only the structural content of
the schema (tables, columns, types, constraints, indexes, flags) is kept.
"""
import json
import sys

DOC_KEYS = ("doc", "documentation")


def strip_docs(node, level):
    """Drop documentation members at schema (0), table (1), column (2)."""
    out = {}
    for key, value in node.items():
        if key in DOC_KEYS or key == "cksum":
            continue
        out[key] = value
    if level == 0 and "tables" in out:
        out["tables"] = {name: strip_docs(t, 1)
                         for name, t in out["tables"].items()}
    elif level == 1 and "columns" in out:
        out["columns"] = {name: strip_docs(c, 2)
                          for name, c in out["columns"].items()}
    return out


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s INPUT OUTPUT\n" % argv[0])
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    for required in ("name", "version", "tables"):
        if required not in schema:
            sys.stderr.write("%s: missing %r\n" % (argv[1], required))
            return 1
    schema = strip_docs(schema, 0)
    text = json.dumps(schema, indent=2, sort_keys=True,
                      separators=(",", ": "), ensure_ascii=False)
    with open(argv[2], "w") as f:
        f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
