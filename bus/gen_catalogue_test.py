#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen_catalogue_test: the generator accepts the real catalogue and fails,
saying why, on each way a catalogue can break the rules: a role the role
table lacks, a call without its reply or with one its receivers may not
send or its senders may not receive, a reply that answers nothing.

Usage: gen_catalogue_test.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

BASE = """\
message 1 error reply procs -> procs admin
  1 err i64 required
message 7 ping call procs admin -> procs reply pong
  1 token u64 required
message 8 pong reply procs -> procs admin
  1 token u64 required
"""

# (what is wrong, catalogue text, expected words of the error)
BAD = [
    ("unknown role", BASE.replace("call procs admin", "call procs flowd"),
     "unknown role flowd"),
    ("call without reply", BASE.replace(" reply pong", ""),
     "a call names its reply"),
    ("reply of a notify", BASE + "message 9 n notify dbserver -> admin "
     "reply pong\n", "a call names its reply"),
    ("reply is no reply", BASE.replace("reply pong", "reply ping"),
     "ping is no reply message"),
    ("reply a receiver may not send",
     BASE.replace("pong reply procs ->", "pong reply dbserver ->"),
     "pong cannot be sent by every receiver of ping"),
    ("reply a sender may not receive",
     BASE.replace("-> procs admin\n  1 token", "-> procs\n  1 token"),
     "pong cannot reach every sender of ping"),
    ("error a sender may not receive",
     BASE.replace("error reply procs -> procs admin",
                  "error reply procs -> procs"),
     "error cannot reach every sender of ping"),
    ("reply answering nothing",
     BASE + "message 9 orphan reply procs -> admin\n",
     "reply orphan answers no call"),
    ("duplicate id", BASE + "message 8 pong2 reply procs -> admin\n",
     "duplicate id"),
]


def run(gen, roles_h, text, out):
    cat = os.path.join(out, "catalogue.txt")
    with open(cat, "w") as f:
        f.write(text)
    return subprocess.run([sys.executable, gen, cat, roles_h, out],
                          capture_output=True, text=True)


def main():
    root = sys.argv[1]
    gen = os.path.join(root, "bus", "gen_catalogue.py")
    roles_h = os.path.join(root, "lib", "roles.h")
    bad = 0
    with tempfile.TemporaryDirectory() as out:
        real = open(os.path.join(root, "bus", "catalogue.txt")).read()
        for what, text, want in [("the real catalogue", real, None),
                                 ("a minimal one", BASE, None)] + BAD:
            r = run(gen, roles_h, text, out)
            ok = (r.returncode == 0) if want is None else \
                (r.returncode != 0 and want in r.stderr)
            print(f"{'ok  ' if ok else 'FAIL'} {what}"
                  f"{'' if ok else ': ' + (r.stderr.strip() or 'accepted')}")
            bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
