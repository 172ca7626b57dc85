#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that every #include respects the layers of the tree.

Each directory of C code may include the headers of its own directory and
of the directories LAYERS lists for it, nothing above; and only the listed
directories may include the system headers of SYSTEM (nng and msgpack only
in bus/, and so on).  meson gives each library only its own include
directory, so most violations do not even compile; this check also catches
the ones a shared include path would let through (a relative path, a
header reached through a dependency's dependency).

Usage: check_layers.py SOURCE_ROOT   (exit 1 and one line per violation)
"""
import os
import re
import sys

# directory -> the directories below it whose headers it may include
LAYERS = {
    "include/uapi": [],
    "lib": [],
    "lib/ovsdb": ["lib"],
    "lib/tls": ["lib"],
    "lib/flow": ["lib", "include/uapi"],
    "lib/ofp": ["lib", "lib/flow", "include/uapi"],
    "bus": ["lib"],
    "svc": ["lib", "bus"],
    "lib/replica": ["lib", "lib/ovsdb", "bus"],
    "lib/dbctl": ["lib", "lib/ovsdb", "lib/tls", "bus"],
    "procs/dbserver": ["lib", "lib/ovsdb", "lib/tls", "bus", "svc"],
    "procs/vswitchd": ["lib", "lib/ovsdb", "lib/flow", "lib/ofp",
                       "lib/replica", "lib/tls", "include/uapi", "bus",
                       "svc"],
    "procs/upcalld": ["lib", "lib/flow", "include/uapi", "bus", "svc"],
    "procs/tunneld": ["lib", "lib/ovsdb", "lib/flow", "lib/replica",
                      "include/uapi", "bus", "svc"],
    "procs/vtepd": ["lib", "lib/ovsdb", "lib/replica", "bus", "svc"],
    "ctl": ["lib", "lib/ovsdb", "lib/flow", "lib/ofp", "include/uapi",
            "bus", "svc", "lib/dbctl", "lib/tls"],
    "kmod": ["include/uapi"],
}
# Directories whose code may include anything (tests, benchmarks, tools).
FREE = ("tests", "bench", "build", "kmod/tests")
# System headers (by prefix) only these directories may include.
SYSTEM = {
    "nng/": ["bus"],
    "msgpack": ["bus"],
    "jansson.h": ["lib/ovsdb", "lib/dbctl", "lib/replica", "procs/dbserver",
                  "procs/tunneld", "procs/vtepd",
                  "procs/vswitchd", "ctl"],
    "sqlite3.h": ["lib/ovsdb"],
    "openssl/": ["lib/tls"],
}
GENERATED = {"bus_msgs.h": "bus", "bus_calls.h": "bus", "config.h": None}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def code_dirs(root):
    for d, subdirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        subdirs[:] = [s for s in subdirs if not s.startswith(".")]
        if rel.startswith(FREE) or rel.split(os.sep)[0] in FREE:
            continue
        for f in files:
            if f.endswith((".c", ".h")):
                yield rel.replace(os.sep, "/"), f


def main():
    root = sys.argv[1]
    where = dict(GENERATED)
    for d, f in code_dirs(root):
        if f.endswith(".h"):
            if f in where and where[f] != d:
                print(f"{d}/{f}: header name also in {where[f]}/ "
                      "(names must be unique to check layers)")
                return 1
            where[f] = d
    bad = 0
    for d, f in code_dirs(root):
        if d not in LAYERS:
            print(f"{d}/{f}: directory missing from LAYERS in "
                  "tests/check_layers.py")
            bad += 1
            continue
        allowed = set(LAYERS[d]) | {d}
        for n, line in enumerate(open(os.path.join(root, d, f),
                                      errors="replace"), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, name = m.groups()
            here = f"{d}/{f}:{n}"
            if kind == "<":
                for prefix, dirs in SYSTEM.items():
                    if name.startswith(prefix) and d not in dirs:
                        print(f"{here}: <{name}> is for {', '.join(dirs)}")
                        bad += 1
                continue
            if "/" in name:
                print(f'{here}: "{name}": include by name, not by path')
                bad += 1
                continue
            if name == "check.h" and f.endswith(("_test.c", "_test.h",
                                                 "_fuzz.c")):
                continue
            if name not in where:
                print(f'{here}: "{name}" is no header of the tree')
                bad += 1
            elif where[name] is not None and where[name] not in allowed:
                print(f'{here}: "{name}" is in {where[name]}/, above '
                      f"{d}/ (allowed: {', '.join(sorted(allowed))})")
                bad += 1
    if bad:
        print(f"{bad} include(s) break the layers")
        return 1
    print("every include respects the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
