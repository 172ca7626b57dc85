#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Abuse of an OVSDB server on a unix socket must not take it down or starve
others: 1,000 idle connections, then 100 MB of garbage and a 100 MB
never-ending JSON string, while a well-behaved client keeps getting answers.
Prints what happened; exits 1 if the server died, stopped answering, or its
RSS grew by more than --max-growth-mb.

usage: abuse.py SOCKET PID [--max-growth-mb N]
"""
import json
import os
import socket
import sys
import threading
import time

sock_path, pid = sys.argv[1], int(sys.argv[2])
max_growth = 64
if "--max-growth-mb" in sys.argv:
    max_growth = int(sys.argv[sys.argv.index("--max-growth-mb") + 1])
failures = []


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def call(method, params, timeout=5.0):
    """One request on a fresh connection; returns (reply, seconds)."""
    t0 = time.time()
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    # A unix socket with a timeout fails connect() at once with EAGAIN
    # while the listen backlog is full (the server is still accepting the
    # 1,000 connections): retry until the timeout, like a blocking client.
    while True:
        try:
            s.connect(sock_path)
            break
        except BlockingIOError:
            if time.time() - t0 > timeout:
                raise
            time.sleep(0.01)
    s.sendall(json.dumps({"id": 1, "method": method,
                          "params": params}).encode())
    buf = b""
    dec = json.JSONDecoder()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
        try:
            msg, _ = dec.raw_decode(buf.decode())
        except ValueError:
            continue
        if msg.get("id") == 1:
            s.close()
            return msg, time.time() - t0


def check(name, ok, detail=""):
    print(("ok:   " if ok else "FAIL: ") + name + (f" ({detail})" if detail
                                                   else ""))
    if not ok:
        failures.append(name)


def probe(name):
    try:
        r, secs = call("list_dbs", [])
        check(name, "result" in r, f"answered in {secs * 1000:.0f} ms")
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        check(name, False, repr(e))


rss0 = rss_mb()
print(f"server rss at start: {rss0:.1f} MB")
probe("answers before abuse")

# 1,000 idle connections held open.
idle = []
try:
    for _ in range(1000):
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
        idle.append(s)
except OSError as e:
    check("opened 1,000 connections", False, repr(e))
check("opened 1,000 connections", len(idle) == 1000, f"{len(idle)} open")
probe("answers with 1,000 idle connections open")
check("alive with 1,000 connections", alive())
print(f"server rss with 1,000 connections: {rss_mb():.1f} MB")
for s in idle:
    s.close()


def flood(payload_chunk, total_mb, label, result):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.settimeout(30)
    sent = 0
    try:
        while sent < total_mb << 20:
            s.sendall(payload_chunk)
            sent += len(payload_chunk)
    except OSError:
        pass  # the server closed it: the expected outcome
    result[label] = sent >> 20
    s.close()


for label, chunk in (
        ("garbage", bytes(range(256)) * 4096),
        ("endless string", b'{"id":1,"method":"echo","params":["'
         + b"a" * (1 << 20)),
        ("endless array", b"[" * (1 << 20))):
    result = {}
    t = threading.Thread(target=flood, args=(chunk, 100, label, result))
    t.start()
    # A well-behaved client during the flood.
    time.sleep(0.2)
    probe(f"answers during 100 MB of {label}")
    t.join(60)
    check(f"alive after {label}", alive())
    growth = rss_mb() - rss0
    check(f"rss growth after {label} <= {max_growth} MB",
          growth <= max_growth, f"{growth:.1f} MB; server took "
          f"{result.get(label, '?')} MB before closing")
    probe(f"answers after {label}")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
