# SPDX-License-Identifier: Apache-2.0
# Helpers for the dbserver system tests: a temporary directory, and
# starting microvs-dbserver or the real ovsdb-server on a unix socket.
# Environment (set by meson): MICROVS_DBSERVER, MICROVS_OVSDB_TOOL.
set -u
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
[ -r "$SCHEMA" ] || { echo "no $SCHEMA: skipped"; exit 77; }
TMP=$(mktemp -d /tmp/dbserver-test.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

wait_sock() {
	for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
	echo "socket $1 never appeared"; return 1
}

# start_microvs DIR: creates DIR/conf.db and serves it on DIR/db.sock.
start_microvs() {
	mkdir -p "$1"
	[ -e "$1/conf.db" ] || "$MICROVS_OVSDB_TOOL" create "$1/conf.db" "$SCHEMA"
	"$MICROVS_DBSERVER" "$1/conf.db" --remote="punix:$1/db.sock" \
		--rundir="$1" >"$1/log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
	wait_sock "$1/db.sock"
}

# start_ovs DIR: the real ovsdb-server on DIR/db.sock.
start_ovs() {
	command -v ovsdb-server >/dev/null || { echo "no ovsdb-server"; exit 77; }
	mkdir -p "$1"
	ovsdb-tool create "$1/conf.db" "$SCHEMA"
	ovsdb-server "$1/conf.db" --remote="punix:$1/db.sock" \
		--unixctl="$1/ctl" --log-file="$1/log" --no-chdir &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
	wait_sock "$1/db.sock"
}

# Replaces UUIDs by <0>, <1>... in order of first appearance.
normalize_uuids() {
	/usr/bin/python3 -c '
import re, sys
seen = {}
def sub(m):
    return "<%d>" % seen.setdefault(m.group(0), len(seen))
sys.stdout.write(re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", sub, sys.stdin.read()))'
}

# Sorts "Bridge"/"Port" blocks of ovs-vsctl show output (their order
# follows random UUIDs in any server).
sort_show_blocks() {
	/usr/bin/python3 -c '
import sys
lines = sys.stdin.read().split("\n")
def indent(l): return len(l) - len(l.lstrip(" "))
def blocks(ls, start, end, ind):
    # returns list of (head_index, end_index) for children at indent ind
    out = []; i = start
    while i < end:
        j = i + 1
        while j < end and (indent(lines[j]) > ind and lines[j].strip()):
            j += 1
        out.append((i, j)); i = j
    return out
def render(start, end, ind):
    res = []
    bl = blocks(lines, start, end, ind)
    groups = []
    for (a, b) in bl:
        head = lines[a]
        sub = [head] + render(a + 1, b, indent(lines[a + 1]) if a + 1 < b else ind + 4)
        groups.append((head.strip().split(" ")[0] in ("Bridge", "Port"), sub))
    i = 0
    while i < len(groups):
        if groups[i][0]:
            j = i
            while j < len(groups) and groups[j][0]: j += 1
            for g in sorted(groups[i:j], key=lambda g: g[1][0]): res += g[1]
            i = j
        else:
            res += groups[i][1]; i += 1
    return res
sys.stdout.write("\n".join(render(0, len(lines), 0)))'
}
