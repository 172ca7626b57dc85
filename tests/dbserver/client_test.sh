#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Real ovsdb-client (list-dbs, get-schema, transact, dump, monitor) gives
# the same output against microvs-dbserver as against ovsdb-server.
. "$(dirname "$0")/lib.sh"
command -v ovsdb-client >/dev/null || exit 77
start_ovs "$TMP/ref"
start_microvs "$TMP/mv"

TXNS=(
'["Open_vSwitch",{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}},{"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"br0","ports":["named-uuid","p"],"external_ids":["map",[["k","v"]]]}},{"op":"insert","table":"Port","uuid-name":"p","row":{"name":"p0","interfaces":["named-uuid","i"],"tag":7}},{"op":"insert","table":"Interface","uuid-name":"i","row":{"name":"p0","type":"internal"}}]'
'["Open_vSwitch",{"op":"select","table":"Bridge","where":[["name","==","br0"]],"columns":["name","external_ids"]}]'
'["Open_vSwitch",{"op":"mutate","table":"Port","where":[],"mutations":[["tag","+=",1],["trunks","insert",["set",[1,2,3]]]]},{"op":"select","table":"Port","where":[],"columns":["tag","trunks"]}]'
'["Open_vSwitch",{"op":"update","table":"Bridge","where":[],"row":{"fail_mode":"bogus"}}]'
'["Open_vSwitch",{"op":"delete","table":"Port","where":[]}]'
'["Open_vSwitch",{"op":"insert","table":"Open_vSwitch","row":{}}]'
'["Open_vSwitch",{"op":"wait","table":"Bridge","where":[],"columns":["name"],"until":"==","rows":[{"name":"br0"}],"timeout":0},{"op":"comment","comment":"x"}]'
'["Open_vSwitch",{"op":"frob"}]'
'["Nope",{"op":"comment","comment":"x"}]'
)

run() {
	local s=unix:$1
	echo "== list-dbs"; ovsdb-client list-dbs "$s" 2>&1
	for t in "${TXNS[@]}"; do
		echo "== transact $t"; ovsdb-client transact "$s" "$t" 2>&1; echo
	done
	echo "== dump"
	ovsdb-client dump "$s" Open_vSwitch Bridge Port Interface 2>&1 |
		sed 's/  *$//'
	echo "== monitor"
	timeout 3 ovsdb-client monitor "$s" Open_vSwitch Bridge name,fail_mode \
		>"$1.mon" 2>&1 &
	local m=$!
	sleep 0.7
	ovsdb-client transact "$s" '["Open_vSwitch",{"op":"update","table":"Bridge","where":[],"row":{"fail_mode":"secure"}}]' >/dev/null
	sleep 0.5
	kill $m 2>/dev/null; wait $m 2>/dev/null
	grep -v fatal_signal "$1.mon"
}
run "$TMP/ref/db.sock" | normalize_uuids >"$TMP/ref.out"
run "$TMP/mv/db.sock" | normalize_uuids >"$TMP/mv.out"
fail=0
diff -u "$TMP/ref.out" "$TMP/mv.out" || fail=1

# get-schema: the same JSON value.
ovsdb-client get-schema "unix:$TMP/ref/db.sock" >"$TMP/ref.schema"
ovsdb-client get-schema "unix:$TMP/mv/db.sock" >"$TMP/mv.schema"
/usr/bin/python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a!=b)' \
	"$TMP/ref.schema" "$TMP/mv.schema" || { echo "FAIL: get-schema differs"; fail=1; }
[ $fail = 0 ] && echo "ok: ovsdb-client outputs identical"
exit $fail
