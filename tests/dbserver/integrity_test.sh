#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A damaged database is refused, never served as a guess (issue 12): each
# case corrupts one stored value of a good database with the sqlite3 CLI
# (the SQLite layout is in lib/ovsdb/ovsdb_storage.h).  Then
# `ovsdb-tool check` exits 1 naming database, table, row and column, and
# microvs-dbserver refuses to start with the same message and leaves the
# file as it was.  The good database passes both.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
TOOL=$MICROVS_OVSDB_TOOL
fail=0
O=00000000-0000-4000-8000-00000000000
B=${O}1 P=${O}2 I=${O}3 M=${O}4 S=${O}5 X=${O}9

good=$TMP/good.db
"$TOOL" create "$good" "$SCHEMA"
# Rows in the order they are referenced: a named-uuid used before the
# insert that gives its row an explicit uuid would stand for another UUID.
"$TOOL" transact "$good" '["Open_vSwitch",
 {"op":"insert","table":"Interface","uuid":"'$I'","uuid-name":"i","row":{
  "name":"br0","type":"internal","ofport":1}},
 {"op":"insert","table":"Port","uuid":"'$P'","uuid-name":"p","row":{
  "name":"br0","interfaces":["named-uuid","i"],"tag":5}},
 {"op":"insert","table":"Mirror","uuid":"'$M'","uuid-name":"m","row":{
  "name":"m0","select_src_port":["named-uuid","p"]}},
 {"op":"insert","table":"Bridge","uuid":"'$B'","uuid-name":"b","row":{
  "name":"br0","ports":["named-uuid","p"],"mirrors":["named-uuid","m"],
  "external_ids":["map",[["k","v"]]],"stp_enable":true}},
 {"op":"insert","table":"Open_vSwitch","uuid":"'$S'","row":{"next_cfg":1,
  "bridges":["named-uuid","b"]}}]' | grep -q error &&
	{ echo "FAIL: cannot fill the good database"; exit 1; }

# refused DESCRIPTION SQL EXPECTED: the damage SQL does is reported as
# EXPECTED (a fixed string) by ovsdb-tool check, and by dbserver.
n=0
refused() {
	local what=$1 sql=$2 want=$3 db out rc before
	n=$((n + 1))
	db=$TMP/bad$n.db
	cp "$good" "$db"
	sqlite3 "$db" "$sql" || { echo "FAIL: $what: sqlite3"; fail=1; return; }
	out=$("$TOOL" check "$db" 2>&1); rc=$?
	if [ $rc = 0 ] || [[ $out != *"$want"* ]]; then
		echo "FAIL: $what: ovsdb-tool check rc=$rc: $out"
		echo "      wanted: $want"
		fail=1
		return
	fi
	before=$(md5sum <"$db")
	out=$(timeout 5 "$MICROVS_DBSERVER" "$db" \
		--remote="punix:$TMP/bad$n.sock" --rundir="$TMP" 2>&1); rc=$?
	if [ $rc = 0 ] || [ $rc = 124 ] || [[ $out != *"$db: "* ]] ||
		[[ $out != *"$want"* ]]; then
		echo "FAIL: $what: dbserver rc=$rc: $out"
		fail=1
	elif [ "$(md5sum <"$db")" != "$before" ]; then
		echo "FAIL: $what: dbserver changed the file"
		fail=1
	else
		echo "ok: $what"
	fi
}

out=$("$TOOL" check "$good" 2>&1) && [ -z "$out" ] ||
	{ echo "FAIL: the good database: $out"; fail=1; }

D="database Open_vSwitch, table"
refused "flipped byte in a _uuid (not hex)" \
	"update Bridge set _uuid='${O}z'" \
	"$D Bridge, row with rowid 1, column _uuid: the text '${O}z' is not a UUID"
refused "flipped byte in a _uuid (still hex): the reference dangles" \
	"update Port set _uuid='${O}7'" \
	"$D Bridge, row $B, column ports: strong reference to nonexistent row $P in table Port"
refused "a dangling weak reference" \
	"update Mirror set select_src_port='[\"$X\"]'" \
	"$D Mirror, row $M, column select_src_port: weak reference to nonexistent row $X in table Port"
refused "truncated set" \
	"update Bridge set ports='[\"$P\",'" \
	"$D Bridge, row $B, column ports: bad JSON"
refused "set element of the wrong type" \
	"update Bridge set ports='[5]'" \
	"$D Bridge, row $B, column ports: element 1 is not a UUID"
refused "duplicate set element" \
	"update Bridge set ports='[\"$P\",\"$P\"]'" \
	"$D Bridge, row $B, column ports: duplicate element"
refused "duplicate map key" \
	"update Bridge set external_ids='{\"k\":\"v\",\"k\":\"w\"}'" \
	"$D Bridge, row $B, column external_ids: bad JSON (duplicate object key"
refused "map stored as an array" \
	"update Bridge set external_ids='[[\"k\",\"v\"]]'" \
	"$D Bridge, row $B, column external_ids: a JSON object expected"
refused "map value of the wrong type" \
	"update Bridge set external_ids='{\"k\":1}'" \
	"$D Bridge, row $B, column external_ids: element 1 is not a (string, string) pair"
refused "set as a blob" \
	"update Bridge set ports=X'5b5d'" \
	"$D Bridge, row $B, column ports: a blob of 2 bytes is not JSON text"
refused "text in an integer column" \
	"update Open_vSwitch set next_cfg='abc'" \
	"$D Open_vSwitch, row $S, column next_cfg: the text 'abc' is not an integer"
refused "a real in an integer column" \
	"update Open_vSwitch set next_cfg=1.5" \
	"$D Open_vSwitch, row $S, column next_cfg: the real 1.5 is not an integer"
refused "NULL in a string column" \
	"update Bridge set name=NULL" \
	"$D Bridge, row $B, column name: NULL is not a string"
refused "a string that is not UTF-8" \
	"update Bridge set name=CAST(x'ff41' AS TEXT)" \
	"$D Bridge, row $B, column name: the text '\\xffA' is not a string"
refused "boolean out of range" \
	"update Bridge set stp_enable=2" \
	"$D Bridge, row $B, column stp_enable: the integer 2 is not a boolean"
refused "bad _version" \
	"update Port set _version='x'" \
	"$D Port, row $P, column _version: the text 'x' is not a UUID"
refused "enum value not allowed" \
	"update Bridge set fail_mode='[\"bogus\"]'" \
	"$D Bridge, row $B, column fail_mode: bogus is not one of the allowed values ([secure, standalone])"
refused "integer above its maximum" \
	"update Port set tag='[5000]'" \
	"$D Port, row $P, column tag: 5000 is not in the valid range 0 to 4095 (inclusive)"
refused "too many elements" \
	"update Interface set ofport='[1,2]'" \
	"$D Interface, row $I, column ofport: 2 elements in set of up to 1 integers"
refused "too few elements" \
	"update Port set interfaces='[]'" \
	"$D Port, row $P, column interfaces: 0 elements in set of 1 or more uuids"
refused "row stored twice" \
	"insert into Interface select * from Interface" \
	"$D Interface, row $I, column _uuid: stored twice"
# copy_row TABLE: SQL inserting a copy of TABLE's row under UUID $X.
copy_row() {
	local cols
	cols=$(sqlite3 "$good" "select group_concat('\"' || name || '\"')
		from pragma_table_info('$1') where cid > 1")
	echo "insert into $1 select '$X', '$X', $cols from $1"
}
refused "unique index violated" \
	"$(copy_row Bridge); update Bridge set ports='[]', mirrors='[]' where _uuid='$X'; update Open_vSwitch set bridges='[\"$B\",\"$X\"]'" \
	"for the unique index on (name)"
refused "maxRows exceeded" "$(copy_row Open_vSwitch)" \
	"$D Open_vSwitch: 2 rows, more than maxRows 1"
refused "a column missing" \
	"alter table Bridge drop column ports" \
	"Bridge: no such column: ports"
# Damage below the values: a b-tree page overwritten.
db=$TMP/page.db
cp "$good" "$db"
ps=$(sqlite3 "$db" "pragma page_size")
root=$(sqlite3 "$db" "select rootpage from sqlite_master where name='Bridge'")
printf '\x0d\xff\xff\xff\xff\xff\xff\xff' |
	dd of="$db" bs=1 seek=$(((root - 1) * ps)) conv=notrunc 2>/dev/null
out=$("$TOOL" check "$db" 2>&1) && { echo "FAIL: page: check passed"; fail=1; }
[[ $out == *"database disk image is malformed"* ]] ||
	{ echo "FAIL: page: ovsdb-tool check says: $out"; fail=1; }
out=$(timeout 5 "$MICROVS_DBSERVER" "$db" --remote="punix:$TMP/page.sock" \
	--rundir="$TMP" 2>&1) && { echo "FAIL: page: dbserver started"; fail=1; }
[[ $out == *"$db: Bridge: database disk image is malformed"* ]] ||
	{ echo "FAIL: page: dbserver says: $out"; fail=1; }
[ $fail = 0 ] && echo "ok: $n damaged databases refused, and a damaged page"
exit $fail
