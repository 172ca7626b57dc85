#!/bin/sh
# Run every benchmark under bench/: microvs against real Open vSwitch, same
# workload, one run, ratios printed (see bench/README.md).
#
#   bench/run_all.sh            quick (smoke) mode, about 2 minutes
#   bench/run_all.sh --full     full mode, about 10-15 minutes
#   bench/run_all.sh --json F   also write the final JSON line of each
#                               benchmark to F (one line per benchmark)
#
# Environment (each unset variable falls back to real Open vSwitch, which
# the output says): MICROVS_DBSERVER_CMD, MICROVS_OVSDB_TOOL (bench_ovsdb);
# MICROVS_VSCTL, MICROVS_START_CMD, MICROVS_STOP_CMD (bench_vsctl).
# bench_switch takes microvs from ./build (root only; it exits 77, skipped,
# otherwise); so does kmod/bench_kmod.sh, which also needs qemu and the
# kernel packages (kmod/README).
# Exit: the worst exit status of the benchmarks (0 = all measurements ran;
# a performance figure never makes it fail).
here=$(cd "$(dirname "$0")" && pwd)
mode=--quick
json=
while [ $# -gt 0 ]; do
    case "$1" in
        --full) mode= ;;
        --quick) mode=--quick ;;
        --json) json=$2; shift ;;
        *) echo "usage: $0 [--full] [--json FILE]" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$json" ] && : > "$json"
rc=0
for b in ovsdb/bench_ovsdb.py vsctl/bench_vsctl.py ovsdb/bench_backlog.py \
	switch/bench_switch.py; do
    echo "=== $b $mode"
    out=$(mktemp)
    { /usr/bin/python3 "$here/$b" $mode; echo $? > "$out.rc"; } | tee "$out"
    r=$(cat "$out.rc")
    if [ -n "$json" ]; then tail -n 1 "$out" | grep '^{' >> "$json"; fi
    rm -f "$out" "$out.rc"
    [ "$r" -gt "$rc" ] && rc=$r
    echo
done
echo "=== tunnels/bench_tunnels.sh"
out=$(mktemp)
secs=3
[ -z "$mode" ] && secs=10
{ "$here/tunnels/bench_tunnels.sh" --seconds $secs; echo $? > "$out.rc"; } | tee "$out"
r=$(cat "$out.rc")
if [ -n "$json" ]; then tail -n 1 "$out" | grep '^{' >> "$json"; fi
rm -f "$out" "$out.rc"
[ "$r" -gt "$rc" ] && rc=$r
echo
# The kernel datapaths, in a qemu guest (root, qemu and the kernel
# packages; 77 otherwise).
echo "=== kmod/bench_kmod.sh $mode"
out=$(mktemp)
{ "$here/kmod/bench_kmod.sh" $mode; echo $? > "$out.rc"; } | tee "$out"
r=$(cat "$out.rc")
if [ -n "$json" ]; then grep '^{"bench": "kmod"' "$out" >> "$json"; fi
rm -f "$out" "$out.rc"
[ "$r" -gt "$rc" ] && rc=$r
exit $rc
