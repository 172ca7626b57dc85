#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/kmod/bench_kmod.sh: microvs on its kernel module against Open
# vSwitch 3.1 on Debian's openvswitch.ko, in one qemu guest (issue 11,
# item 4).  kmod/tests/run.sh builds microvs.ko and boots the guest (TCG,
# the host's root over 9p); in it bench_kmod_guest.py runs each switch in
# turn on the same two-namespace topology (ping RTT, 64-byte UDP pps, TCP
# throughput, flow-setup rate) and prints the table with the ratios.
#
#   bench/kmod/bench_kmod.sh [--quick] [-k KVER] [GUEST OPTION...]
#       --quick   one round of short measures (about 2 minutes; full: 4-5)
#       -k KVER   an installed kernel (default: Debian 12's 6.1)
#       GUEST OPTION: bench_kmod_guest.py's (--help lists them), e.g.
#       --only ping --rounds 3 --rates 500,4000 --first microvs
#
# Environment: MICROVS_BUILD (default: the tree's build/, which must hold
# mvs-kctl, microvs and swgen/swsink), KMOD_KEEP=DIR (the guest's
# artefacts: dmesg, console), KMOD_APPEND (the guest's kernel command line;
# default empty: the tests' slub_debug would slow every allocation).
# Exit: the guest script's (0 all measured, 1 a measure failed, 77 skipped
# where qemu, the kernel packages, Open vSwitch or iperf3 are missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${MICROVS_BUILD:-$SRC/build}
run=(-g "$HERE/bench_kmod_guest.py")
while [ $# -gt 0 ]; do
	case $1 in
	-k) run=(-k "$2" "${run[@]}"); shift 2 ;;
	-h | --help) sed -n '3,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
for t in ovs-vswitchd ovsdb-server iperf3; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
for t in bench/switch/swgen bench/switch/swsink ctl/microvs-ctl; do
	[ -x "$BUILD/$t" ] || { echo "FAIL: $BUILD/$t is not built"; exit 1; }
done
SECONDS=0
KMOD_APPEND=${KMOD_APPEND-} MICROVS_SRC=$SRC MICROVS_BUILD=$BUILD \
	"$SRC/kmod/tests/run.sh" "${run[@]}" --build "$BUILD" "$@"
rc=$?
echo "bench_kmod: ${SECONDS}s in all, rc=$rc"
exit $rc
