#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""OVSDB over SSL between microvs and Open vSwitch 3.1, and ovs-pki.

Sections (--section NAME runs one):
  pki        our ctl/ovs-pki and Debian's make the same files and layout,
             print the same fingerprints, and sign and verify each
             other's requests and certificates
  interop    with certificates from each ovs-pki: Debian's ovs-vsctl and
             ovsdb-client against microvs-dbserver's pssl:, our
             ovs-vsctl, ovsdb-client and vtep-ctl against Debian's
             ovsdb-server's pssl: and against microvs-dbserver's
  pipeline   250 get_schema requests in one TLS record from a client that
             reads nothing for a while (so dbserver stops reading, with
             requests left decrypted inside TLS and none on the socket):
             every reply arrives, in order
  refuse     a client whose certificate another CA signed is refused; a
             client speaking JSON in the clear on the SSL port is
             disconnected at once, and one that stays silent holds up
             nobody
  bootstrap  --bootstrap-ca-cert on the clients (ours and Debian's) and
             on dbserver (the CA learned from a client's chain)
  dbconfig   dbserver's PKI options as db:Open_vSwitch,SSL,... and its
             listener from Manager rows, set with set-ssl/set-manager;
             changing the certificates applies to the next connection
  defaults   dbserver as microvs-ctl starts it (no files, no remotes)
             takes ovs-ctl's: set-ssl and set-manager pssl: are enough
  protocols  --ssl-protocols and --ssl-ciphers on dbserver, side by side
             with ovsdb-server given the same options
  active     an ssl:IP:PORT remote: dbserver connects to a listening
             OVSDB client, serves it, and connects again after it closed

Needs root (dbserver drops to microvs-db), the role users, Debian's Open
vSwitch and the openssl command; exit 77 otherwise.  MICROVS_BUILD and
MICROVS_SRC name the build and source trees (meson sets them).
"""

import argparse
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("MICROVS_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("MICROVS_BUILD") or os.path.join(SRC, "build")
OUR = {
    "pki": os.path.join(SRC, "ctl", "ovs-pki"),
    "vsctl": os.path.join(BUILD, "ctl", "ovs-vsctl"),
    "client": os.path.join(BUILD, "ctl", "ovsdb-client"),
    "vtep": os.path.join(BUILD, "ctl", "vtep-ctl"),
    "tool": os.path.join(BUILD, "ctl", "ovsdb-tool"),
}
REAL = {n: shutil.which(p) for n, p in [
    ("pki", "ovs-pki"), ("vsctl", "ovs-vsctl"), ("client", "ovsdb-client"),
    ("tool", "ovsdb-tool"), ("server", "ovsdb-server")]}
DBSERVER = os.path.join(BUILD, "procs", "dbserver", "microvs-dbserver")
VSWITCH = os.path.join(SRC, "schemas", "vswitch.ovsschema")
VTEP = os.path.join(SRC, "schemas", "vtep.ovsschema")

failures = 0
work = None
procs = []


def check(name, ok, detail=""):
    global failures
    print(("ok: " if ok else "FAIL: ") + name +
          ("" if ok or not detail else "\n    " + str(detail)[:2000]))
    if not ok:
        failures += 1
    return ok


def run(argv, timeout=30, cwd=None, inp=None):
    return subprocess.run(argv, cwd=cwd, input=inp, capture_output=True,
                          text=True, timeout=timeout)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what):
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("FAIL: %s exited: %s" % (what, proc.args))
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit("FAIL: %s does not listen on %d" % (what, port))


class Pki:
    """A PKI made by one ovs-pki: the two CAs, a server certificate
    (switch CA) and a client certificate (controller CA)."""

    def __init__(self, tool, name):
        self.name = name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.pki = os.path.join(self.dir, "pki")
        log = os.path.join(self.dir, "log")
        r = run([tool, "-d", self.pki, "-l", log, "init"], timeout=120)
        if r.returncode:
            raise SystemExit("FAIL: %s init: %s" % (tool, r.stderr))
        for who, ca in (("server", "switch"), ("client", "controller")):
            r = run([tool, "-d", self.pki, "-l", log, "req+sign", who, ca],
                    cwd=self.dir, timeout=120)
            if r.returncode:
                raise SystemExit("FAIL: %s req+sign: %s" % (tool, r.stderr))
            # dbserver reads them as microvs-db once privileges dropped.
            os.chmod(os.path.join(self.dir, who + "-privkey.pem"), 0o644)

    def key(self, who):
        return os.path.join(self.dir, who + "-privkey.pem")

    def cert(self, who):
        return os.path.join(self.dir, who + "-cert.pem")

    def ca(self, kind):
        return os.path.join(self.pki, kind + "ca", "cacert.pem")

    def server_args(self):
        return ["-p", self.key("server"), "-c", self.cert("server"),
                "-C", self.ca("controller")]

    def client_args(self, ca=True):
        a = ["-p", self.key("client"), "-c", self.cert("client")]
        return a + (["-C", self.ca("switch")] if ca else [])


def make_db(tool, d, schemas=(VSWITCH,)):
    files = []
    for s in schemas:
        f = os.path.join(d, os.path.basename(s).split(".")[0] + ".db")
        r = run([tool, "create", f, s])
        if r.returncode:
            raise SystemExit("FAIL: create %s: %s" % (f, r.stderr))
        files.append(f)
    return files


def new_dir(name):
    d = tempfile.mkdtemp(prefix=name + ".", dir=work)
    os.chmod(d, 0o755)
    return d


def start_dbserver(remotes, extra=(), schemas=(VSWITCH,)):
    """microvs-dbserver on fresh files, serving punix:D/db.sock too."""
    d = new_dir("dbserver")
    dbs = make_db(OUR["tool"], d, schemas)
    sock = os.path.join(d, "db.sock")
    log = open(os.path.join(d, "log"), "w")
    p = subprocess.Popen(
        [DBSERVER] + dbs + ["--remote=punix:" + sock] +
        ["--remote=" + r for r in remotes] + list(extra) +
        ["--rundir=" + d, "--dbdir=" + d],
        stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    p.dir, p.sock, p.logfile = d, sock, os.path.join(d, "log")
    for _ in range(300):
        if os.path.exists(sock) or p.poll() is not None:
            break
        time.sleep(0.02)
    return p


def start_ovsdb_server(remotes, extra=(), schemas=(VSWITCH,)):
    d = new_dir("ovsdb-server")
    dbs = make_db(REAL["tool"], d, schemas)
    p = subprocess.Popen(
        [REAL["server"]] + dbs + ["--remote=" + r for r in remotes] +
        list(extra) + ["--unixctl=" + os.path.join(d, "ctl"), "--no-chdir",
                       "--log-file=" + os.path.join(d, "log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    p.dir, p.logfile = d, os.path.join(d, "log")
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def log_of(p):
    try:
        return open(p.logfile).read()
    except OSError:
        return ""


def vsctl(binary, port, tls, *cmd, timeout=20):
    return run([binary, "--db=ssl:127.0.0.1:%d" % port, "--timeout=10",
                "--no-wait"] + list(tls) + list(cmd), timeout=timeout)


def client(binary, port, tls, cmd, *args):
    return run([binary] + list(tls) +
               [cmd, "ssl:127.0.0.1:%d" % port] + list(args), timeout=20)


# ---------------------------------------------------------------------------

def section_pki():
    ours, real = Pki(OUR["pki"], "pki-ours"), Pki(REAL["pki"], "pki-real")

    def layout(p):
        out = []
        for d, _, files in sorted(os.walk(p.pki)):
            rel = os.path.relpath(d, p.pki)
            out.append("%s/ %o" % (rel, os.stat(d).st_mode & 0o777))
            for f in sorted(files):
                out.append("%s/%s %o" % (rel, f, os.stat(
                    os.path.join(d, f)).st_mode & 0o777))
        return out
    check("init and req+sign make the same files, directories and modes",
          layout(ours) == layout(real),
          "\n".join(set(layout(ours)) ^ set(layout(real))))

    def subject(f, kind="x509"):
        r = run(["openssl", kind, "-in", f, "-noout", "-subject"])
        return r.stdout.split("CN = ")[0]
    for who in ("server", "client"):
        check("%s certificate subjects have the same fields" % who,
              subject(ours.cert(who)) == subject(real.cert(who)),
              (subject(ours.cert(who)), subject(real.cert(who))))
    for f in (ours.cert("server"), ours.dir + "/server-req.pem",
              real.cert("client")):
        a = run([OUR["pki"], "-l", "/dev/null", "fingerprint", f])
        b = run([REAL["pki"], "-l", "/dev/null", "fingerprint", f])
        check("fingerprint %s: same output" % os.path.basename(f),
              a.returncode == 0 and a.stdout == b.stdout,
              (a.stdout, b.stdout, a.stderr))
    for tool, p, who, kind in ((OUR["pki"], real, "server", "switch"),
                               (REAL["pki"], ours, "client", "controller")):
        r = run([tool, "-d", p.pki, "verify", who, kind], cwd=p.dir)
        check("%s verifies %s's %s certificate" % (
              "ours" if tool == OUR["pki"] else "Debian's", p.name, who),
              r.returncode == 0 and r.stdout.endswith(": OK\n"),
              r.stdout + r.stderr)
    r = run([OUR["pki"], "-d", ours.pki, "verify", "server", "controller"],
            cwd=ours.dir)
    check("a switch certificate is not a controller one", r.returncode != 0)
    # Each tool signs a request of the other's, with the other's CA.
    for signer, p, reqtool in ((OUR["pki"], real, REAL["pki"]),
                               (REAL["pki"], ours, OUR["pki"])):
        run([reqtool, "-l", "/dev/null", "req", "cross"], cwd=p.dir)
        r = run([signer, "-d", p.pki, "-l", "/dev/null", "-b", "sign",
                 "cross", "controller"], cwd=p.dir)
        v = run([reqtool, "-d", p.pki, "verify", "cross", "controller"],
                cwd=p.dir)
        check("%s signs %s's request in %s's PKI" % (
              os.path.basename(os.path.dirname(signer)) or signer,
              os.path.basename(reqtool), p.name),
              r.returncode == 0 and v.returncode == 0,
              r.stdout + r.stderr + v.stdout + v.stderr)
    for tool in (OUR["pki"], REAL["pki"]):
        d = new_dir("selfsign")
        run([tool, "-l", "/dev/null", "-u", "req", "me"], cwd=d)
        r = run([tool, "-l", "/dev/null", "self-sign", "me"], cwd=d)
        x = run(["openssl", "x509", "-in", os.path.join(d, "me-cert.pem"),
                 "-noout", "-subject", "-ext", "subjectAltName"])
        check("%s self-sign: CN and subjectAltName DNS:me" % tool,
              r.returncode == 0 and "CN = me\n" in x.stdout and
              "DNS:me" in x.stdout, r.stderr + x.stdout + x.stderr)
    r = run([OUR["pki"], "-d", ours.pki, "init"])
    check("init refuses an existing PKI without --force",
          r.returncode == 1 and "already exists and --force not specified"
          in r.stderr, r.stderr)
    return ours, real


def check_vtep_ctl(port, pki, server):
    """Our vtep-ctl adds a physical switch over ssl: and lists it."""
    base = [OUR["vtep"], "--db=ssl:127.0.0.1:%d" % port, "--timeout=10"]
    r = run(base + pki.client_args() + ["add-ps", "ps0"])
    r2 = run(base + pki.client_args() + ["list-ps"])
    check("our vtep-ctl over ssl: to %s (%s)" % (server, pki.name),
          r.returncode == 0 and r2.stdout == "ps0\n",
          r.stderr + r2.stdout + r2.stderr)


def section_interop(pkis):
    for pki in pkis:
        port = free_port()
        srv = start_dbserver(["pssl:%d:127.0.0.1" % port],
                             pki.server_args(), (VSWITCH, VTEP))
        wait_port(port, srv, "dbserver")
        for who, tools in (("Debian's", REAL), ("our", OUR)):
            r = vsctl(tools["vsctl"], port, pki.client_args(),
                      "add-br", "br-" + who[:3])
            check("%s ovs-vsctl over ssl: to dbserver (%s certificates)"
                  % (who, pki.name), r.returncode == 0, r.stderr)
            r = client(tools["client"], port, pki.client_args(), "dump",
                       "Open_vSwitch", "Bridge", "name")
            check("%s ovsdb-client dump over ssl: to dbserver (%s)"
                  % (who, pki.name),
                  r.returncode == 0 and "br-" + who[:3] in r.stdout,
                  r.stdout + r.stderr)
        check_vtep_ctl(port, pki, "dbserver")
        stop(srv)

        port = free_port()
        srv = start_ovsdb_server(["pssl:%d:127.0.0.1" % port],
                                 pki.server_args(), (VSWITCH, VTEP))
        wait_port(port, srv, "ovsdb-server")
        r = vsctl(OUR["vsctl"], port, pki.client_args(), "add-br", "br0")
        r2 = vsctl(OUR["vsctl"], port, pki.client_args(), "list-br")
        check("our ovs-vsctl over ssl: to ovsdb-server (%s)" % pki.name,
              r.returncode == 0 and r2.stdout == "br0\n",
              r.stderr + r2.stdout + r2.stderr)
        r = client(OUR["client"], port, pki.client_args(), "list-dbs")
        check("our ovsdb-client over ssl: to ovsdb-server (%s)" % pki.name,
              r.returncode == 0 and "Open_vSwitch" in r.stdout,
              r.stdout + r.stderr)
        check_vtep_ctl(port, pki, "ovsdb-server")
        stop(srv)


def tls_client_ctx(pki):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(pki.ca("switch"))
    ctx.load_cert_chain(pki.cert("client"), pki.key("client"))
    return ctx


def section_pipeline(ours):
    import threading
    port = free_port()
    srv = start_dbserver(["pssl:%d:127.0.0.1" % port], ours.server_args())
    wait_port(port, srv, "dbserver")
    n = 250   # 63 bytes each: one record of at most 16 KiB
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    raw.settimeout(10)
    raw.connect(("127.0.0.1", port))
    s = tls_client_ctx(ours).wrap_socket(raw)
    s.settimeout(30)
    reqs = b"".join(json.dumps({"id": i, "method": "get_schema",
                                "params": ["Open_vSwitch"]}).encode()
                    for i in range(n))
    sender = threading.Thread(target=s.sendall, args=(reqs,))
    sender.start()
    time.sleep(1)   # replies pile up: dbserver stops reading
    dec, buf, ids = json.JSONDecoder(), "", []
    try:
        while len(ids) < n:
            d = s.recv(1 << 16)
            if not d:
                break
            buf += d.decode()
            while True:
                buf = buf.lstrip()
                try:
                    m, end = dec.raw_decode(buf)
                except ValueError:
                    break
                buf = buf[end:]
                if m.get("result", {}).get("name") == "Open_vSwitch":
                    ids.append(m["id"])
    except OSError as e:
        print("  (%s)" % e)
    sender.join(30)
    check("%d pipelined requests in one TLS record, all answered in order"
          % n,
          ids == list(range(n)), "%d replies" % len(ids))
    s.close()
    stop(srv)


def section_refuse(ours, real):
    port = free_port()
    srv = start_dbserver(["pssl:%d:127.0.0.1" % port], ours.server_args())
    wait_port(port, srv, "dbserver")
    # real's client certificate: another controller CA signed it.
    rogue = ["-p", real.key("client"), "-c", real.cert("client"),
             "-C", ours.ca("switch")]
    for who, tools in (("Debian's", REAL), ("our", OUR)):
        r = vsctl(tools["vsctl"], port, rogue, "list-br")
        check("%s ovs-vsctl with a certificate from another CA is refused"
              % who, r.returncode != 0, r.stdout + r.stderr)
    check("dbserver logs why",
          "certificate verify failed" in log_of(srv), log_of(srv))
    r = vsctl(OUR["vsctl"], port, ours.client_args(False) +
              ["-C", real.ca("switch")], "list-br")
    check("a client that trusts another CA refuses dbserver",
          r.returncode != 0 and "certificate verify failed" in r.stderr,
          r.stderr)

    # JSON in the clear: refused at once, no reply.
    s = socket.create_connection(("127.0.0.1", port), 5)
    t0 = time.monotonic()
    s.sendall(b'{"id":1,"method":"list_dbs","params":[]}')
    got = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
    except OSError:
        pass
    check("a plaintext client is disconnected at once (%.2f s), unanswered"
          % (time.monotonic() - t0),
          time.monotonic() - t0 < 4 and b"result" not in got, got)
    check("dbserver logs the plaintext client",
          "wrong version number" in log_of(srv) or
          "http request" in log_of(srv), log_of(srv)[-500:])
    # One that connects and says nothing holds up nobody.
    silent = [socket.create_connection(("127.0.0.1", port), 5)
              for _ in range(3)]
    t0 = time.monotonic()
    r = vsctl(OUR["vsctl"], port, ours.client_args(), "add-br", "brq")
    r2 = vsctl(REAL["vsctl"], port, ours.client_args(), "list-br")
    check("clients are served while silent plaintext ones hang on "
          "(%.2f s)" % (time.monotonic() - t0),
          r.returncode == 0 and r2.stdout == "brq\n",
          r.stderr + r2.stdout + r2.stderr)
    for x in silent:
        x.close()
    check("dbserver still runs", srv.poll() is None)
    stop(srv)


def section_bootstrap(ours, real):
    port = free_port()
    # --peer-ca-cert: the server sends its CA in its chain.
    srv = start_dbserver(["pssl:%d:127.0.0.1" % port],
                         ours.server_args() +
                         ["--peer-ca-cert=" + ours.ca("switch")])
    wait_port(port, srv, "dbserver")
    for who, tools in (("our", OUR), ("Debian's", REAL)):
        d = new_dir("boot")
        learned = os.path.join(d, "cacert.pem")
        r = vsctl(tools["vsctl"], port, ours.client_args(False) +
                  ["--bootstrap-ca-cert=" + learned], "list-br")
        same = os.path.exists(learned) and run(
            ["openssl", "x509", "-in", learned, "-noout", "-fingerprint"]
        ).stdout == run(["openssl", "x509", "-in", ours.ca("switch"),
                         "-noout", "-fingerprint"]).stdout
        # Debian's ovs-vsctl stops at the dropped connection (no
        # --retry); ours connects again at once.
        check("%s ovs-vsctl --bootstrap-ca-cert learns dbserver's CA%s"
              % (who, " and goes on" if tools is OUR else ""),
              same and (r.returncode == 0 if tools is OUR else
                        "Protocol error" in r.stderr),
              r.stdout + r.stderr)
        r = vsctl(tools["vsctl"], port, ours.client_args(False) +
                  ["--bootstrap-ca-cert=" + learned], "list-br")
        check("%s ovs-vsctl uses the learned CA next time" % who,
              r.returncode == 0, r.stderr)
    stop(srv)

    # dbserver learns the client's CA from the client's chain.
    port = free_port()
    d = new_dir("dbboot")
    os.chown(d, pwd.getpwnam("microvs-db").pw_uid, -1)
    learned = os.path.join(d, "clientca.pem")
    srv = start_dbserver(["pssl:%d:127.0.0.1" % port],
                         ["-p", ours.key("server"), "-c",
                          ours.cert("server"),
                          "--bootstrap-ca-cert=" + learned])
    wait_port(port, srv, "dbserver")
    tls = ours.client_args() + ["--peer-ca-cert=" + ours.ca("controller")]
    r = vsctl(REAL["vsctl"], port, tls, "add-br", "br-boot")
    same = os.path.exists(learned) and run(
        ["openssl", "x509", "-in", learned, "-noout", "-fingerprint"]
    ).stdout == run(["openssl", "x509", "-in", ours.ca("controller"),
                     "-noout", "-fingerprint"]).stdout
    check("dbserver --bootstrap-ca-cert learns the CA from a client's "
          "chain (and drops that connection)", same and r.returncode != 0,
          r.stderr)
    r = vsctl(REAL["vsctl"], port, tls, "add-br", "br-boot")
    check("Debian's ovs-vsctl is verified with it", r.returncode == 0,
          r.stderr)
    r = vsctl(OUR["vsctl"], port, tls, "list-br")
    check("our ovs-vsctl is verified with it",
          r.returncode == 0 and r.stdout == "br-boot\n", r.stderr)
    rogue = ["-p", real.key("client"), "-c", real.cert("client"),
             "-C", ours.ca("switch")]
    r = vsctl(OUR["vsctl"], port, rogue, "list-br")
    check("and a client from another CA is refused from then on",
          r.returncode != 0, r.stdout)
    stop(srv)


def section_dbconfig(ours, real):
    port = free_port()
    srv = start_dbserver(
        ["db:Open_vSwitch,Open_vSwitch,manager_options"],
        ["--private-key=db:Open_vSwitch,SSL,private_key",
         "--certificate=db:Open_vSwitch,SSL,certificate",
         "--bootstrap-ca-cert=db:Open_vSwitch,SSL,ca_cert"])
    local = ["--db=unix:" + srv.sock, "--timeout=10", "--no-wait"]
    r = run([OUR["vsctl"]] + local + [
        "init", "--", "set-ssl", ours.key("server"), ours.cert("server"),
        ours.ca("controller"), "--", "set-manager",
        "pssl:%d:127.0.0.1" % port])
    check("set-ssl and set-manager pssl: (over db.sock)", r.returncode == 0,
          r.stderr)
    wait_port(port, srv, "dbserver's Manager listener")
    for who, tools in (("our", OUR), ("Debian's", REAL)):
        r = vsctl(tools["vsctl"], port, ours.client_args(), "get-ssl")
        check("%s ovs-vsctl over the pssl: Manager, keys from the SSL "
              "table" % who,
              r.returncode == 0 and "Private key: %s\n" % ours.key("server")
              in r.stdout, r.stdout + r.stderr)
    # New certificates (Debian's PKI) apply to the next connection.
    r = run([OUR["vsctl"]] + local + [
        "set-ssl", real.key("server"), real.cert("server"),
        real.ca("controller")])
    old = vsctl(OUR["vsctl"], port, ours.client_args(), "list-br")
    new = vsctl(OUR["vsctl"], port, real.client_args(), "list-br")
    check("after set-ssl, clients of the new PKI are served and the old "
          "one's are not", r.returncode == 0 and old.returncode != 0 and
          new.returncode == 0, old.stderr + new.stderr)
    r = run([OUR["vsctl"]] + local + ["del-manager"])
    time.sleep(0.3)
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        gone = False
    except OSError:
        gone = True
    check("del-manager closes the listener", r.returncode == 0 and gone)
    stop(srv)


def section_defaults(ours):
    """dbserver as microvs-ctl starts it (no DBFILE, no --remote) takes
    ovs-ctl's remotes and PKI options: set-ssl and set-manager pssl: over
    its db.sock are enough for an SSL client."""
    d = new_dir("defaults")
    run_dir, db_dir = os.path.join(d, "run"), os.path.join(d, "db")
    log = open(os.path.join(d, "log"), "w")
    srv = subprocess.Popen([DBSERVER, "--rundir=" + run_dir,
                            "--dbdir=" + db_dir],
                           stdout=log, stderr=subprocess.STDOUT)
    procs.append(srv)
    srv.logfile = os.path.join(d, "log")
    sock = os.path.join(run_dir, "db.sock")
    for _ in range(300):
        if os.path.exists(sock) or srv.poll() is not None:
            break
        time.sleep(0.02)
    port = free_port()
    r = run([REAL["vsctl"], "--db=unix:" + sock, "--timeout=10",
             "--no-wait", "init", "--", "set-ssl", ours.key("server"),
             ours.cert("server"), ours.ca("controller"), "--",
             "set-manager", "pssl:%d:127.0.0.1" % port])
    check("defaults: Debian's ovs-vsctl set-ssl and set-manager pssl: "
          "over RUNDIR/db.sock", r.returncode == 0, r.stderr)
    try:
        wait_port(port, srv, "dbserver's default Manager listener")
        listening = True
    except SystemExit as e:
        listening = False
        print(e)
    r = vsctl(REAL["vsctl"], port, ours.client_args(), "get-ssl") \
        if listening else None
    check("defaults: Debian's ovs-vsctl over ssl: to the Manager, keys "
          "from the SSL table", listening and r.returncode == 0 and
          "Private key: %s\n" % ours.key("server") in r.stdout,
          r and r.stdout + r.stderr or log_of(srv))
    stop(srv)


def tls_probe(port, pki, version=None, ciphers=None):
    """(protocol, cipher) a Python TLS client gets, or the error."""
    ctx = tls_client_ctx(pki)
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    if ciphers:
        ctx.set_ciphers(ciphers)
    try:
        with socket.create_connection(("127.0.0.1", port), 5) as raw:
            with ctx.wrap_socket(raw) as s:
                s.sendall(b'{"id":1,"method":"list_dbs","params":[]}')
                reply = s.recv(4096)
                return s.version(), s.cipher()[0], b"Open_vSwitch" in reply
    except (ssl.SSLError, OSError) as e:
        return "error", type(e).__name__, False


def section_protocols(ours):
    opts = ["--ssl-protocols=TLSv1.2",
            "--ssl-ciphers=ECDHE-RSA-AES128-GCM-SHA256"]
    results = {}
    for name, start in (("dbserver", start_dbserver),
                        ("ovsdb-server", start_ovsdb_server)):
        for label, extra in (("default", []), ("limited", opts)):
            port = free_port()
            srv = start(["pssl:%d:127.0.0.1" % port],
                        ours.server_args() + extra)
            wait_port(port, srv, name)
            results[name, label] = (
                tls_probe(port, ours),
                tls_probe(port, ours, ssl.TLSVersion.TLSv1_3),
                tls_probe(port, ours, ssl.TLSVersion.TLSv1_2,
                          "ECDHE-RSA-AES256-GCM-SHA384"))
            stop(srv)
    d, l = results["dbserver", "default"], results["dbserver", "limited"]
    check("by default TLSv1.3, and TLSv1.2 with any strong cipher",
          d[0][0] == "TLSv1.3" and d[0][2] and d[2][0] == "TLSv1.2" and
          d[2][2], d)
    check("--ssl-protocols=TLSv1.2: TLSv1.2 negotiated, TLSv1.3 refused",
          l[0][0] == "TLSv1.2" and l[0][2] and l[1][0] == "error", l)
    check("--ssl-ciphers: that cipher, and a client without it refused",
          l[0][1] == "ECDHE-RSA-AES128-GCM-SHA256" and l[2][0] == "error",
          l)
    for label in ("default", "limited"):
        a = [x[:2] for x in results["dbserver", label]]
        b = [x[:2] for x in results["ovsdb-server", label]]
        check("%s settings: the same as ovsdb-server's" % label, a == b,
              (a, b))


def section_active(ours):
    port = free_port()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ours.cert("server"), ours.key("server"))
    ctx.load_verify_locations(ours.ca("controller"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(4)
    lsock.settimeout(15)
    # dbserver is the TLS client here: it presents the client certificate.
    srv = start_dbserver(["ssl:127.0.0.1:%d" % port],
                         ["-p", ours.key("client"), "-c",
                          ours.cert("client"), "-C", ours.ca("switch")])

    def serve_once(n):
        try:
            conn, _ = lsock.accept()
        except OSError as e:
            return "no connection (%s)" % e
        try:
            with ctx.wrap_socket(conn, server_side=True) as s:
                s.settimeout(10)
                s.sendall(json.dumps({"id": n, "method": "list_dbs",
                                      "params": []}).encode())
                reply = b""
                while b"}" not in reply:
                    d = s.recv(4096)
                    if not d:
                        break
                    reply += d
                return json.loads(reply.decode())
        except (OSError, ValueError, ssl.SSLError) as e:
            return "error: %s" % e
    r = serve_once(1)
    check("dbserver connects to ssl:IP:PORT and answers over it",
          isinstance(r, dict) and "Open_vSwitch" in r.get("result", []), r)
    t0 = time.monotonic()
    r = serve_once(2)
    check("and connects again after the peer closed (%.1f s)"
          % (time.monotonic() - t0),
          isinstance(r, dict) and "Open_vSwitch" in r.get("result", []), r)
    lsock.close()
    stop(srv)


def main():
    global work
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--section", action="append")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    missing = [n for n, p in REAL.items() if not p]
    if not shutil.which("openssl"):
        missing.append("openssl")
    users = {u.pw_name for u in pwd.getpwall()}
    why = ("needs root" if os.geteuid() else
           "role users missing (scripts/install-deps.sh)"
           if "microvs-db" not in users else
           "missing: " + " ".join(missing) if missing else None)
    if why:
        print("skip: " + why)
        return 77
    work = tempfile.mkdtemp(prefix="ssl-test.")
    os.chmod(work, 0o755)
    try:
        ours, real = section_pki()
        want = set(args.section or ["pki", "interop", "pipeline", "refuse",
                                    "bootstrap", "dbconfig", "defaults",
                                    "protocols", "active"])
        if "interop" in want:
            section_interop((ours, real))
        if "pipeline" in want:
            section_pipeline(ours)
        if "refuse" in want:
            section_refuse(ours, real)
        if "bootstrap" in want:
            section_bootstrap(ours, real)
        if "dbconfig" in want:
            section_dbconfig(ours, real)
        if "defaults" in want:
            section_defaults(ours)
        if "protocols" in want:
            section_protocols(ours)
        if "active" in want:
            section_active(ours)
    finally:
        for p in procs:
            stop(p)
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%d checks failed" % failures if failures else
          "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
