# SPDX-License-Identifier: Apache-2.0
"""dbserver out of file descriptors (issue 12, section 2).

dbserver is started with a low limit (soft 40, hard 64, as prlimit would
set it):
  - at start-up it raises its soft limit to the hard one;
  - more clients connect than it has descriptors for: it serves what it
    can and refuses the rest (their connection is closed: EOF, no hang);
  - it does not spin: over 2 s of wall time with clients still knocking,
    its CPU time stays far below (a busy loop on the listener takes all
    of it; the bound is a quarter, a wide margin, not a speed);
  - once some clients close, new ones are served again.

Environment (tests/dbserver/meson.build): MICROVS_DBSERVER, the server
binary; MICROVS_OVSDB_TOOL, to create the database.
"""

import json
import os
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "schemas", "vswitch.ovsschema")
SOFT, HARD = 40, 64
failures = 0


def check(what, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures += 1


def connect(path):
    """A client socket, or None when the listen queue is full."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except (BlockingIOError, ConnectionRefusedError):
        s.close()
        return None
    s.setblocking(True)
    return s


REQUEST = json.dumps({"method": "list_dbs", "params": [], "id": 1}).encode()


def ask_all(socks, timeout=10.0):
    """Sends list_dbs on each of @socks, waits for all at once: for each,
    "served", "refused" (connection closed) or "hang"."""
    result, data = {}, {}
    sel = selectors.DefaultSelector()
    for s in socks:
        try:
            s.sendall(REQUEST)
        except OSError:
            result[s] = "refused"
            continue
        s.setblocking(False)
        data[s] = b""
        sel.register(s, selectors.EVENT_READ)
    end = time.monotonic() + timeout
    while data and time.monotonic() < end:
        for key, _ in sel.select(max(0.0, end - time.monotonic())):
            s = key.fileobj
            try:
                chunk = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk:
                data[s] += chunk
                try:
                    reply = json.loads(data[s])
                except ValueError:
                    continue
                result[s] = "served" if reply.get("id") == 1 else "bad"
            else:
                result[s] = "refused"
            sel.unregister(s)
            del data[s]
    for s in data:
        result[s] = "hang"
    for s in socks:
        s.setblocking(True)
    sel.close()
    return [result[s] for s in socks]


def ask(s):
    return ask_all([s])[0]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def soft_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return -1


def main():
    server = os.environ.get("MICROVS_DBSERVER")
    tool = os.environ.get("MICROVS_OVSDB_TOOL")
    if not server or not tool:
        print("SKIP: MICROVS_DBSERVER / MICROVS_OVSDB_TOOL unset")
        return 77
    work = tempfile.mkdtemp(prefix="dbserver-fds.")
    os.chmod(work, 0o755)
    db, sock = os.path.join(work, "conf.db"), os.path.join(work, "db.sock")
    subprocess.check_call([tool, "create", db, SCHEMA])
    log = open(os.path.join(work, "stderr"), "w+")
    proc = subprocess.Popen(
        [server, "--remote=punix:" + sock, "--rundir=" + work,
         "--dbdir=" + work, db],
        stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE,
                                              (SOFT, HARD)))
    clients = []
    try:
        first = None
        for _ in range(500):
            first = connect(sock) if os.path.exists(sock) else None
            if first:
                break
            time.sleep(0.01)
        check("dbserver listens", first is not None)
        if not first:
            return 1
        check("it serves a first client", ask(first) == "served")
        clients.append(first)
        check("soft limit raised to the hard one (%d)" % soft_limit(
            proc.pid), soft_limit(proc.pid) == HARD)

        # Twice as many clients as it has descriptors.
        for _ in range(2 * HARD):
            s = connect(sock)
            if s:
                clients.append(s)
        answers = ask_all(clients)
        served = answers.count("served")
        refused = answers.count("refused")
        check("%d clients connected, %d served, %d refused, %d hang"
              % (len(clients), served, refused, answers.count("hang")),
              served > 0 and refused > 0 and "hang" not in answers)
        check("fewer served than the limit", served < HARD)
        keep = [s for s, a in zip(clients, answers) if a == "served"]
        for s, a in zip(clients, answers):
            if a != "served":
                s.close()

        # Out of descriptors, with clients still knocking: no busy loop.
        c0, t0 = cpu_seconds(proc.pid), time.monotonic()
        late = []
        while time.monotonic() - t0 < 2.0:
            s = connect(sock)
            if s:
                late.append(s)
            time.sleep(0.1)
        cpu, wall = cpu_seconds(proc.pid) - c0, time.monotonic() - t0
        check("no spinning: %.2f s CPU in %.2f s" % (cpu, wall),
              cpu < wall / 4)
        late_answers = ask_all(late)
        check("late clients are refused, not left hanging (%s)"
              % " ".join(sorted(set(late_answers))),
              late_answers and set(late_answers) == {"refused"})
        for s in late:
            s.close()
        check("the refusal is logged",
              "refused a connection: Too many open files"
              in open(log.name).read())

        # Some served clients leave: new ones are served again.
        for s in keep[:10]:
            s.close()
        again = "none"
        for _ in range(100):  # the server sees the closes (10 s at most)
            s = connect(sock)
            again = ask(s) if s else "queue full"
            if s:
                s.close()
            if again == "served":
                break
            time.sleep(0.1)
        check("served again once some closed (%s)" % again,
              again == "served")
        check("the first clients are still served",
              set(ask_all(keep[10:])) == {"served"})
        check("dbserver is still running", proc.poll() is None)
    finally:
        for s in clients:
            s.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if failures:
            log.seek(0)
            sys.stdout.write(log.read()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if not failures else
          "%d checks failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
