#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""kill -9 at random moments of a stream of transactions.

Acceptance: "kill -9 at any moment: every transaction that was answered is
there after restart; one that was not answered is either wholly there or
wholly absent", repeated at random points of a stream of transactions.

One server (MICROVS_DBSERVER_CMD, else the real ovsdb-server) on one set of
DB files.  Each round: a client streams transactions on the DiffTest
database with --window of them in flight; transaction N inserts three rows
that belong together -- Target t-N, Parent p-N (strong reference to t-N)
and Atoms a-N (i = N, s = a payload derived from N, up to 448 bytes) -- and
deletes the three rows of transaction N-D (D = 40, so the database stays
small and deletes are exercised as well).  After a random delay the
server's process group gets SIGKILL; replies already in the socket buffer
still count as answered.  The server is restarted on the same files and
the test checks, for every transaction sent so far:

  * its three rows are all present or all absent, with the right contents
    (reference intact, i and s as sent) -- never part of a transaction;
  * answered => committed: present, or deleted by a later committed
    transaction (--allow-lost-answered turns a violation into a warning);
  * present => the rows it deleted are absent (the delete was atomic with
    the insert);
  * a transaction seen committed after an earlier restart is still
    committed (present, or deleted by a later committed one);
  * nothing that was never sent is there;
  * the restarted server accepts a new transaction.

usage: durability.py [--rounds N] [--seed S] [--window W]
                     [--max-delay SECONDS] [--allow-lost-answered]
Exit: 0 pass, 1 fail, 77 real OVS tools missing.
"""

import argparse
import hashlib
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbslib  # noqa: E402
from dbslib import ovsdb_diff  # noqa: E402

DB = "DiffTest"
D = 40
checks = dbslib.Checks()


def payload(n):
    return hashlib.sha256(str(n).encode()).hexdigest() * (n % 8)


def txn_ops(n, k=None):
    """Insert trio n; with k, also delete trio k, which must be there (a
    wait with timeout 0 on each of its rows makes the transaction fail
    otherwise, so "n committed" proves "k was committed")."""
    ops = [
        {"op": "insert", "table": "Target", "row": {"name": "t-%d" % n},
         "uuid-name": "t"},
        {"op": "insert", "table": "Parent",
         "row": {"name": "p-%d" % n,
                 "strong_t": ["set", [["named-uuid", "t"]]]}},
        {"op": "insert", "table": "Atoms",
         "row": {"name": "a-%d" % n, "i": n, "s": payload(n)}},
    ]
    if k is not None:
        for table, prefix in (("Parent", "p"), ("Target", "t"),
                              ("Atoms", "a")):
            where = [["name", "==", "%s-%d" % (prefix, k)]]
            ops.append({"op": "wait", "table": table, "where": where,
                        "columns": ["name"], "until": "==", "timeout": 0,
                        "rows": [{"name": "%s-%d" % (prefix, k)}]})
            ops.append({"op": "delete", "table": table, "where": where})
    return ops


def stream(sock, first, delay, window, server, answered, sent, errors,
           known, deleted_by):
    """Send transactions first, first+1, ... keeping `window` in flight;
    SIGKILL the server after `delay` s; collect replies until EOF.
    Returns the next sequence number."""
    conn = ovsdb_diff.Conn(sock, "stream")
    inflight = {}
    n = first
    deadline = time.monotonic() + delay
    try:
        while time.monotonic() < deadline:
            while len(inflight) < window:
                # Delete trio n-D if it is known to be there: answered
                # (window < D, so its reply is in) or seen after a restart.
                k = n - D
                if k in answered or k in known:
                    deleted_by[k] = n
                else:
                    k = None
                conn.send({"method": "transact",
                           "params": [DB] + txn_ops(n, k), "id": n})
                inflight[n] = True
                sent.add(n)
                n += 1
            m = conn.recv(max(0.0, min(0.005,
                                       deadline - time.monotonic())))
            if m is not None:
                handle(m, inflight, answered, errors)
    except ovsdb_diff.Closed:
        errors.append("server closed the connection before the kill")
    dbslib.kill9(server)
    try:
        while True:
            m = conn.recv(2)
            if m is None:
                errors.append("no EOF 2 s after the kill")
                break
            handle(m, inflight, answered, errors)
    except ovsdb_diff.Closed:
        pass
    conn.close()
    return n


def handle(m, inflight, answered, errors):
    if not isinstance(m, dict) or "method" in m:
        return          # echo request or notification: not ours
    n = m.get("id")
    if n not in inflight:
        errors.append("reply with unknown id %r" % (n,))
        return
    del inflight[n]
    res = m.get("result")
    if m.get("error") is not None or not isinstance(res, list) or any(
            isinstance(r, dict) and "error" in r for r in res):
        errors.append("transaction %d failed: %s" % (n, str(m)[:300]))
        return
    answered.add(n)


def read_state(sock):
    """seq -> (status, detail); status "present", "absent" or "partial"."""
    res = dbslib.transact(sock, DB, *[
        {"op": "select", "table": t, "where": [], "columns": c}
        for t, c in (("Target", ["_uuid", "name"]),
                     ("Parent", ["name", "strong_t"]),
                     ("Atoms", ["name", "i", "s"]))])
    tgt = {r["name"]: r["_uuid"][1] for r in res[0]["rows"]}
    par = {r["name"]: r["strong_t"] for r in res[1]["rows"]}
    atm = {r["name"]: r for r in res[2]["rows"]}
    seqs = set()
    for names in (tgt, par, atm):
        for name in names:
            seqs.add(int(name.split("-", 1)[1]))
    state = {}
    for n in seqs:
        t, p, a = ("t-%d" % n) in tgt, ("p-%d" % n) in par, \
            ("a-%d" % n) in atm
        if t and p and a:
            bad = []
            ref = par["p-%d" % n]
            if ref != ["uuid", tgt["t-%d" % n]] and \
                    ref != ["set", [["uuid", tgt["t-%d" % n]]]]:
                bad.append("p-%d.strong_t %s" % (n, ref))
            row = atm["a-%d" % n]
            if row["i"] != n or row["s"] != payload(n):
                bad.append("a-%d contents differ" % n)
            state[n] = ("bad", "; ".join(bad)) if bad else ("present", "")
        else:
            state[n] = ("partial", "t %s p %s a %s" % (t, p, a))
    return state


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--max-delay", type=float, default=0.3,
                    help="kill after uniform(0, this) seconds of streaming")
    ap.add_argument("--allow-lost-answered", action="store_true",
                    help="report answered-but-lost transactions as a "
                    "warning, not a failure")
    args = ap.parse_args()
    dbslib.need_tools()
    dbslib.banner()
    seed = args.seed if args.seed is not None else \
        int.from_bytes(os.urandom(4), "big")
    print("seed %d (rerun with --seed %d), %d rounds, window %d"
          % (seed, seed, args.rounds, args.window))
    rng = random.Random(seed)
    t0 = time.monotonic()
    server = dbslib.sut_server()
    server.start()
    answered, sent = set(), set()
    committed_before = set()
    known = set()          # trios seen present after the last restart
    deleted_by = {}        # trio -> the transaction that deletes it
    nxt = 0
    lost_total = 0
    for rnd in range(1, args.rounds + 1):
        delay = rng.uniform(0.0, args.max_delay)
        errors = []
        first = nxt
        nxt = stream(server.sock, first, delay, args.window, server,
                     answered, sent, errors, known, deleted_by)
        for e in errors:
            checks.check("round %d: %s" % (rnd, e), False)
        # Restart on the same files, the dead server's socket file still
        # there (the real ovsdb-server replaces a stale one, as a server
        # restarted by its supervisor after a crash must).
        t_restart = time.monotonic()
        try:
            server.launch()
        except SystemExit as e:
            checks.check("round %d: restart after kill -9" % rnd, False,
                         str(e))
            break
        try:
            state = read_state(server.sock)
        except (ovsdb_diff.Closed, OSError) as e:
            # Say what the restarted server said before it went.
            log = os.path.join(server.dbdir, "server.out")
            tail = open(log).read()[-3000:] if os.path.exists(log) else ""
            checks.check("round %d: read after the restart" % rnd, False,
                         "%r; server alive: %s; its output:\n%s"
                         % (e, server.alive(), tail))
            break
        t_restart = time.monotonic() - t_restart
        present = {n for n, (s, _) in state.items() if s == "present"}

        # committed(n): present, or deleted by a committed transaction
        # (whose wait proves n was there).
        committed = {}
        for n in sorted(sent, reverse=True):
            committed[n] = n in present or committed.get(
                deleted_by.get(n), False)

        def is_committed(n):
            return committed[n]

        bad = ["%d %s: %s" % (n, s, d) for n, (s, d) in sorted(state.items())
               if s != "present"]
        unsent = sorted(set(state) - sent)
        lost = sorted(n for n in answered if not is_committed(n))
        forgotten = sorted(n for n in committed_before
                           if not is_committed(n))
        nonatomic = sorted(n for n, k in deleted_by.items()
                           if n in present and k in present)
        round_new = set(range(first, nxt))
        summary = ("sent %d in %.0f ms, answered %d, unanswered committed "
                   "%d / lost %d; restart+read %.0f ms" % (
                       len(round_new), delay * 1000,
                       len(round_new & answered),
                       len([n for n in round_new - answered
                            if is_committed(n)]),
                       len([n for n in round_new - answered
                            if not is_committed(n)]), t_restart * 1000))
        ok = checks.check("round %d: all-or-nothing after kill -9" % rnd,
                          not bad and not nonatomic and not unsent,
                          summary if not (bad or nonatomic or unsent) else
                          "partial/bad %s; insert without its delete %s; "
                          "never sent %s" % (bad[:5], nonatomic[:5],
                                             unsent[:5]))
        if lost:
            lost_total += len(lost)
            if args.allow_lost_answered:
                print("WARNING: round %d: %d answered transactions lost "
                      "(first %s)" % (rnd, len(lost), lost[:5]))
            else:
                checks.check("round %d: answered => committed" % rnd, False,
                             "%d answered transactions lost: %s"
                             % (len(lost), lost[:10]))
        checks.check("round %d: committed before stays committed" % rnd,
                     not forgotten, str(forgotten[:10]))
        committed_before = {n for n in sent if is_committed(n)}
        known = present
        # Lost ones are gone for good: forget them as answered.
        answered -= set(lost)
        if not ok:
            break
    # The restarted server accepts transactions.
    try:
        dbslib.transact(server.sock, DB, *txn_ops(nxt))
        accepted = nxt in read_state(server.sock)
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        accepted = False
        print("transaction after the last restart: %r" % e)
    checks.check("restarted server accepts and keeps a transaction",
                 accepted)
    server.stop()
    print("%d transactions sent, %d answered (%d of them lost); "
          "%.1f s" % (len(sent), len(answered) + lost_total, lost_total,
                      time.monotonic() - t0))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
