#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The demo: every microvs process started by microvs-ctl in a private run
# directory, each answering ovs-appctl, shown with its uid and capabilities.
# (Later issues grow this into the two-VM topology with traffic across it.)
set -u
build=${1:?build directory}
T=$(mktemp -d /tmp/microvs-demo.XXXXXX)
chmod 755 "$T"
ctl="$build/ctl/microvs-ctl --rundir=$T/run --dbdir=$T/db --logdir=$T/log"
trap '$ctl stop >/dev/null 2>&1; rm -rf "$T"' EXIT

echo "== microvs-ctl start (run directory $T/run)"
$ctl start || exit 1
echo
echo "== ovs-appctl version, and privileges from /proc"
rc=0
for r in dbserver upcalld vswitchd tunneld vtepd; do
	pid=$(cat "$T/run/$r.pid")
	v=$("$build/ctl/ovs-appctl" --rundir "$T/run" -t "$r" version) || rc=1
	printf '%-9s %s\n          uid %s  CapEff %s  NoNewPrivs %s\n' "$r" "$v" \
		"$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" \
		"$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)" \
		"$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)"
done
echo
echo "== kill -9 vswitchd: the supervisor restarts it"
old=$(cat "$T/run/vswitchd.pid")
kill -9 "$old"
for _ in $(seq 200); do
	new=$(cat "$T/run/vswitchd.pid")
	[ "$new" != "$old" ] &&
		"$build/ctl/ovs-appctl" --rundir "$T/run" -t vswitchd version \
			>/dev/null 2>&1 && break
	sleep 0.01
done
echo "vswitchd pid $old -> $new"
$ctl status || rc=1
echo
echo "== microvs-ctl stop"
$ctl stop
exit $rc
