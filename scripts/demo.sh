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
echo "== configuration over the bus: our ovs-vsctl -> dbserver (SQLite)"
export MICROVS_RUNDIR=$T/run
vsctl="$build/ctl/ovs-vsctl --no-wait"   # vswitchd does not apply config yet
$vsctl add-br br0 || rc=1
$vsctl add-port br0 vnet0 -- set Interface vnet0 external-ids:iface-id=vm1 || rc=1
$vsctl add-port br0 eth1 tag=10 || rc=1
$vsctl show || rc=1
echo "-- sqlite3 $T/db/conf.db 'select name, tag from Port'"
sqlite3 "$T/db/conf.db" "select name, tag from Port order by name" || rc=1
if command -v ovs-vsctl >/dev/null; then
	echo "-- Debian's ovs-vsctl, OVS_RUNDIR=$T/run list-ports br0"
	OVS_RUNDIR=$T/run ovs-vsctl --no-wait list-ports br0 || rc=1
fi
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
