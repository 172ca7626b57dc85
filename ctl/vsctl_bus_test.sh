#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ovs-vsctl and vtep-ctl without --db: requests travel over the bus to
# microvs-dbserver in a temporary run directory (MICROVS_RUNDIR).
# Usage: vsctl_bus_test.sh SRC BUILD.  Skips (77) unless root (the server
# drops privileges to its own user).
set -u
src=$1 build=$2
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
tmp=$(mktemp -d /tmp/vsctl-bus.XXXXXX)
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$build/ctl/ovsdb-tool" create "$tmp/conf.db" "$src/schemas/vswitch.ovsschema" \
	|| fail "ovsdb-tool create conf.db"
"$build/ctl/ovsdb-tool" create "$tmp/vtep.db" "$src/schemas/vtep.ovsschema" \
	|| fail "ovsdb-tool create vtep.db"
"$build/procs/dbserver/microvs-dbserver" "$tmp/conf.db" "$tmp/vtep.db" \
	--rundir="$tmp" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$tmp/dbserver.rpc" ] && break; sleep 0.05; done
[ -S "$tmp/dbserver.rpc" ] || fail "dbserver did not start: $(cat "$tmp/log")"

export MICROVS_RUNDIR="$tmp"
unset OVS_RUNDIR
vs="$build/ctl/ovs-vsctl"
"$vs" --no-wait add-br br0 -- add-port br0 p1 tag=5 || fail "add-br"
[ "$("$vs" list-ports br0)" = p1 ] || fail "list-ports"
[ "$("$vs" get Port p1 tag)" = 5 ] || fail "get tag"
"$vs" br-exists br0 || fail "br-exists"
"$vs" br-exists nobr; [ $? -eq 2 ] || fail "br-exists nobr"
out=$("$vs" --no-wait add-br br0 2>&1); [ $? -eq 1 ] || fail "duplicate"
[ "$out" = "ovs-vsctl: cannot create a bridge named br0 because a bridge named br0 already exists" ] \
	|| fail "duplicate message: $out"
# Without --no-wait the tool waits for cur_cfg; nothing applies it here.
"$vs" --timeout=1 add-br br1 2>/dev/null; [ $? -eq 142 ] || fail "wait"
[ "$("$vs" list-br | tr '\n' ' ')" = "br0 br1 " ] || fail "list-br"
# ... and returns once cur_cfg reaches the next_cfg its commit bumped
# (vswitchd's job, played here by a --no-wait set).  The root row exists,
# so the bump is a mutate whose result the tool reads back.  Two tools
# wait at once, and cur_cfg jumps past the first one's next_cfg to the
# second's (vswitchd applies both together): both return, as Open
# vSwitch's ovs-vsctl does (cur_cfg >= next_cfg).
wait_bump() { # wait_bump BEFORE: the next_cfg once it moved past BEFORE
	local n
	for _ in $(seq 200); do
		n=$("$vs" get Open_vSwitch . next_cfg)
		[ "$n" != "$1" ] && break
		sleep 0.05
	done
	echo "$n"
}
before=$("$vs" get Open_vSwitch . next_cfg)
"$vs" --timeout=10 add-br br2 2>"$tmp/wait.err" &
waiter=$!
next=$(wait_bump "$before")
[ "$next" = $((before + 1)) ] || fail "next_cfg bump: $before -> $next"
"$vs" --timeout=10 add-br br3 2>"$tmp/wait2.err" &
waiter2=$!
next2=$(wait_bump "$next")
[ "$next2" = $((next + 1)) ] || fail "next_cfg bump: $next -> $next2"
"$vs" --no-wait set Open_vSwitch . cur_cfg="$next2" || fail "set cur_cfg"
wait $waiter || fail "waiting for cur_cfg $next: $(cat "$tmp/wait.err")"
wait $waiter2 || fail "waiting for cur_cfg $next2: $(cat "$tmp/wait2.err")"

vt="$build/ctl/vtep-ctl"
"$vt" add-ps ps0 -- add-port ps0 p0 -- add-ls ls0 -- bind-ls ps0 p0 10 ls0 \
	|| fail "vtep-ctl"
[ "$("$vt" list-bindings ps0 p0)" = "0010 ls0" ] || fail "list-bindings"
echo ok
