#!/bin/sh
# Check schemas/*.ovsschema with the real Open vSwitch tools.
# Exit: 0 pass, 1 fail, 77 skip (tools missing).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
vs="$top/schemas/vswitch.ovsschema"
vtep="$top/schemas/vtep.ovsschema"

for tool in ovsdb-tool ovsdb-server ovs-vsctl; do
    if ! command -v "$tool" >/dev/null 2>&1 &&
       ! [ -x "/usr/sbin/$tool" ]; then
        echo "SKIP: $tool not found"
        exit 77
    fi
done
PATH="$PATH:/usr/sbin"

tmp=$(mktemp -d /tmp/check_schemas.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

expect() { # expect DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass "$1 = $3"; else fail "$1: expected '$2', got '$3'"; fi
}

expect "vswitch schema-name" Open_vSwitch "$(ovsdb-tool schema-name "$vs")"
expect "vswitch schema-version" 8.3.1 "$(ovsdb-tool schema-version "$vs")"
expect "vtep schema-name" hardware_vtep "$(ovsdb-tool schema-name "$vtep")"
expect "vtep schema-version" 1.7.0 "$(ovsdb-tool schema-version "$vtep")"

if ovsdb-tool create "$tmp/conf.db" "$vs"; then pass "ovsdb-tool create conf.db"
else fail "ovsdb-tool create conf.db"; fi
if ovsdb-tool create "$tmp/vtep.db" "$vtep"; then pass "ovsdb-tool create vtep.db"
else fail "ovsdb-tool create vtep.db"; fi
expect "conf.db db-name" Open_vSwitch "$(ovsdb-tool db-name "$tmp/conf.db")"
expect "conf.db db-version" 8.3.1 "$(ovsdb-tool db-version "$tmp/conf.db")"
expect "vtep.db db-name" hardware_vtep "$(ovsdb-tool db-name "$tmp/vtep.db")"
expect "vtep.db db-version" 1.7.0 "$(ovsdb-tool db-version "$tmp/vtep.db")"

# Structural identity with the installed schemas, when present.
py=/usr/bin/python3
for pair in "$vs:/usr/share/openvswitch/vswitch.ovsschema" \
            "$vtep:/usr/share/openvswitch/vtep.ovsschema"; do
    ours=${pair%%:*}; theirs=${pair#*:}
    [ -f "$theirs" ] && [ -x "$py" ] || continue
    if "$py" - "$ours" "$theirs" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for s in (a, b):
    s.pop("cksum", None)
sys.exit(0 if a == b else 1)
PYEOF
    then pass "$(basename "$ours") matches $theirs"
    else fail "$(basename "$ours") differs from $theirs"; fi
done

# Serve both databases with the real ovsdb-server and use ovs-vsctl.
sock="$tmp/db.sock"
ovsdb-server --remote="punix:$sock" --unixctl="$tmp/ctl" --no-chdir \
    --log-file="$tmp/ovsdb-server.log" "$tmp/conf.db" "$tmp/vtep.db" \
    2>"$tmp/ovsdb-server.err" &
pid=$!
i=0
while ! [ -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if ! [ -S "$sock" ]; then
    fail "ovsdb-server did not start: $(cat "$tmp/ovsdb-server.err")"
    exit 1
fi
vsctl() { ovs-vsctl --db="unix:$sock" --timeout=5 --no-wait "$@"; }
if vsctl init; then pass "ovs-vsctl init"; else fail "ovs-vsctl init"; fi
if vsctl add-br br0; then pass "ovs-vsctl add-br br0"; else fail "ovs-vsctl add-br br0"; fi
if vsctl add-port br0 p1; then pass "ovs-vsctl add-port br0 p1"; else fail "ovs-vsctl add-port"; fi
expect "list-br" br0 "$(vsctl list-br)"
expect "list-ports br0" p1 "$(vsctl list-ports br0)"
expect "list-dbs" "$(printf 'Open_vSwitch\n_Server\nhardware_vtep')" \
    "$(ovsdb-client list-dbs "unix:$sock" | sort)"

if [ $fails -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all schema checks passed"
exit 0
