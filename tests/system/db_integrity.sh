#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# microvs-ctl start on a damaged database (issue 12): it fails at once and
# says why, naming database, table, row and column; nothing is left
# running and the file is left as it was.  Repaired, the instance starts.
. "$(dirname "$0")/lib.sh"
need_root
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3"; exit 77; }
T=$(mktemp -d /tmp/microvs-test.XXXXXX)
chmod 755 "$T"
R=$T/run
CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log"
trap '$CTL $CTLARGS stop >/dev/null 2>&1; rm -rf "$T"' EXIT
db=$T/db/conf.db
S=00000000-0000-4000-8000-000000000005

mkdir -p "$T/db"
$B/ctl/ovsdb-tool create "$db" "$MICROVS_SRC/schemas/vswitch.ovsschema"
$B/ctl/ovsdb-tool transact "$db" '["Open_vSwitch",{"op":"insert",
	"table":"Open_vSwitch","uuid":"'$S'","row":{"next_cfg":7}}]' >/dev/null
sqlite3 "$db" "update Open_vSwitch set next_cfg='abc'"
before=$(md5sum <"$db")

out=$($CTL $CTLARGS start 2>&1)
rc=$?
check "start fails" test $rc = 1
want="dbserver exited with status 1: $db: database Open_vSwitch, table Open_vSwitch, row $S, column next_cfg: the text 'abc' is not an integer"
check "start says why" eval '[[ $out == *"$want"* ]]'
[[ $out == *"$want"* ]] || echo "  got: $out"
check "no supervisor left" eval '! $CTL $CTLARGS status >/dev/null 2>&1'
check "no dbserver left" eval '! pgrep -f "microvs-dbserver --rundir=$R" >/dev/null'
check "the file is unchanged" test "$(md5sum <"$db")" = "$before"

sqlite3 "$db" "update Open_vSwitch set next_cfg=7"
check "repaired, the instance starts" eval '$CTL $CTLARGS start >/dev/null'
check "and serves the row" eval '[ "$(OVS_RUNDIR=$R ovs-vsctl --no-wait get Open_vSwitch . next_cfg 2>/dev/null)" = 7 ]'
finish
