#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Differential test of our ovs-vsctl / vtep-ctl against the recorded
# Open vSwitch 3.1 goldens (tests/vsctl-diff), run against a real
# ovsdb-server.  Usage: vsctl_diff_test.sh SRC BUILD TOOL GROUP...
# Passes only if every invocation of every listed group is identical;
# exits 77 (skip) when Debian's ovsdb-server/ovsdb-tool are missing.
# With VSCTL_DIFF_STACK=microvs the server side is ours too
# (microvs-dbserver on databases made by our ovsdb-tool).
set -u
src=$1 build=$2 tool=$3
shift 3
for b in /usr/sbin/ovsdb-server /usr/bin/ovsdb-tool /usr/bin/ovs-vsctl \
	 /usr/bin/vtep-ctl; do
	[ -x "$b" ] || { echo "skip: $b missing"; exit 77; }
done
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export MICROVS_VSCTL="$build/ctl/ovs-vsctl"
export MICROVS_VTEPCTL="$build/ctl/vtep-ctl"
if [ "${VSCTL_DIFF_STACK:-}" = microvs ]; then
	export MICROVS_OVSDB_TOOL="$build/ctl/ovsdb-tool"
	export MICROVS_DBSERVER_CMD="$build/procs/dbserver/microvs-dbserver \
--remote=punix:{sock} --rundir={dbdir} {conf_db} {vtep_db}"
fi
rc=0
for g in "$@"; do
	"$py" "$src/tests/vsctl-diff/run_diff.py" --golden --tool "$tool" \
		--group "$g" -j 1
	r=$?
	[ $r -eq 77 ] && exit 77
	[ $r -ne 0 ] && rc=1
done
exit $rc
