#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Our ovsdb-tool prints what the real ovsdb-tool prints for the same
# commands (UUIDs normalised), and the result is readable with sqlite3.
. "$(dirname "$0")/lib.sh"
command -v ovsdb-tool >/dev/null || exit 77
run() {
	local t=$1 d=$2
	x() { echo "\$ ovsdb-tool $*" | sed "s|$d|DIR|g"; "$t" "$@" 2>&1 | sed "s|$d|DIR|g"; echo "rc=${PIPESTATUS[0]}"; }
	x create "$d/conf.db" "$SCHEMA"
	x create "$d/conf.db" "$SCHEMA"
	x db-name "$d/conf.db"
	x db-version "$d/conf.db"
	x db-cksum "$d/conf.db"
	x schema-name "$SCHEMA"
	x schema-version "$SCHEMA"
	x schema-cksum "$SCHEMA"
	x needs-conversion "$d/conf.db" "$SCHEMA"
	x query "$d/conf.db" '["Open_vSwitch",{"op":"select","table":"Open_vSwitch","where":[]}]'
	x transact "$d/conf.db" '["Open_vSwitch",{"op":"insert","table":"Open_vSwitch","row":{"next_cfg":3,"bridges":["named-uuid","b"]}},{"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"br0"}}]'
	x query "$d/conf.db" '["Open_vSwitch",{"op":"select","table":"Open_vSwitch","where":[],"columns":["next_cfg"]}]'
	x transact "$d/conf.db" '["Open_vSwitch",{"op":"insert","table":"Open_vSwitch","row":{}}]'
	x query "$d/conf.db" '["Foo",{"op":"select","table":"Open_vSwitch","where":[]}]'
	x query "$d/conf.db" '["Open_vSwitch",{"op":"delete","table":"Bridge","where":[]}]'
	x query "$d/conf.db" '["Open_vSwitch",{"op":"select","table":"Bridge","where":[],"columns":["name"]}]'
	x compact "$d/conf.db"
	x query "$d/conf.db" '["Open_vSwitch",{"op":"select","table":"Bridge","where":[],"columns":["name"]}]'
	x db-name "$d/nonexistent.db"
	x frobnicate
}
mkdir -p "$TMP/ref" "$TMP/mv"
run ovsdb-tool "$TMP/ref" | normalize_uuids >"$TMP/ref.out"
run "$MICROVS_OVSDB_TOOL" "$TMP/mv" | normalize_uuids >"$TMP/mv.out"
fail=0
diff -u "$TMP/ref.out" "$TMP/mv.out" || fail=1
if command -v sqlite3 >/dev/null; then
	got=$(sqlite3 "$TMP/mv/conf.db" 'select name from Bridge')
	[ "$got" = br0 ] || { echo "FAIL: sqlite3 sees '$got'"; fail=1; }
fi
[ $fail = 0 ] && echo "ok: ovsdb-tool outputs identical"
exit $fail
