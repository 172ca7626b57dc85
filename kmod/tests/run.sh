#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kmod/tests/run.sh: builds the module with Kbuild, boots a Debian kernel
# under qemu (run-in-guest.sh: the host's root read-only over 9p, so the
# tests and mvs-kctl run as they are) and runs the guest tests inside, then
# unloads the module and fails on any kernel splat or leak report.
#
#   kmod/tests/run.sh [-k KVER] [TEST...]   TEST: names under guest/, e.g. ping
#   kmod/tests/run.sh [-k KVER] -g SCRIPT [ARG...]
#                     runs SCRIPT with ARGs in the guest instead of the tests
#                     (bench/kmod/bench_kmod.sh); the same build, boot and
#                     checks of the kernel log
#   (meson runs it with --meson: exit 77, "skipped", where qemu, the
#   kernel image or its headers are not installed, or not root)
#
# Environment: MICROVS_SRC, MICROVS_BUILD (default: the tree and its
# build/), KMOD_KEEP=DIR keeps the guest's artefacts (dmesg, outputs).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${MICROVS_SRC:-$(cd "$HERE/../.." && pwd)}
BUILD=${MICROVS_BUILD:-$SRC/build}
KVER=""
GUEST=$HERE/guest/run-all.sh
while [ $# -gt 0 ]; do
	case $1 in
	--meson) shift ;;
	-k) KVER=$2; shift 2 ;;
	-g) GUEST=$(realpath "$2"); shift 2 ;;
	*) break ;;
	esac
done

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	skip "busybox-static is not installed"
command -v cpio >/dev/null && command -v modprobe >/dev/null ||
	skip "cpio or kmod is not installed"
if [ -z "$KVER" ]; then
	# Debian 12's own 6.1 if it is there, else the newest kernel, with
	# both an image to boot and headers to build against.
	for v in $(ls /lib/modules 2>/dev/null | sort -V -r); do
		if [ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ]; then
			[ -z "$KVER" ] && KVER=$v
			case $v in 6.1.*) KVER=$v; break ;; esac
		fi
	done
fi
[ -n "$KVER" ] || skip "no kernel with both linux-image and linux-headers installed"
KCTL=$BUILD/kmod/tests/mvs-kctl
[ -x "$KCTL" ] || { echo "FAIL: $KCTL is not built"; exit 1; }

# Build from a copy, so the source tree stays clean.
OBJ=$BUILD/kmod/module-$KVER
rm -rf "$OBJ" && mkdir -p "$OBJ"
cp "$SRC"/kmod/*.c "$SRC"/kmod/*.h "$SRC"/kmod/Kbuild "$OBJ"/
SECONDS=0
if ! make -C "/lib/modules/$KVER/build" M="$OBJ" MVS_UAPI="$SRC/include/uapi" \
	modules >"$OBJ/build.log" 2>&1; then
	tail -30 "$OBJ/build.log"
	echo "FAIL: the module does not build against $KVER"
	exit 1
fi
if grep -E "warning:|error:" "$OBJ/build.log"; then
	echo "FAIL: the module builds with warnings against $KVER"
	exit 1
fi
echo "built microvs.ko against $KVER in ${SECONDS}s"

OUT=${KMOD_KEEP:-$(mktemp -d /tmp/kmod-tests.XXXXXX)}
mkdir -p "$OUT"
rm -f "$OUT/results.txt" # a kept directory's, of an earlier run
[ -n "${KMOD_KEEP:-}" ] || trap 'rm -rf "$OUT"' EXIT
# slub_debug: red zones, poisoning and sanity checks on every slab object
# (Debian's kernel has SLUB_DEBUG, but no KASAN, kmemleak or lockdep);
# page_poison: freed pages are poisoned and checked.
envs=(-e MVS_KCTL="$KCTL" -e MVS_SRC="$SRC" -e MVS_BUILD="$BUILD")
# KMOD_SCENARIOS: which of tests/scenarios guest/scenarios.sh runs.
[ -z "${KMOD_SCENARIOS:-}" ] || envs+=(-e "KMOD_SCENARIOS=$KMOD_SCENARIOS")
SECONDS=0
KMOD_APPEND="${KMOD_APPEND-slub_debug=FZPU page_poison=1}" \
	"$HERE/run-in-guest.sh" -u -W -t 1800 -o "$OUT" \
	"${envs[@]}" "$OBJ/microvs.ko" "$GUEST" "$@"
rc=$?
echo "guest: ${SECONDS}s, rc=$rc"
# What -W does not look for: slab debugging reports, netdev references
# never released, and the module's own count of objects not freed.
if grep -E "BUG [a-z_-]+.*: |Redzone|Poison overwritten|Object padding|unregister_netdevice: waiting|microvs: leaked" \
	"$OUT/dmesg.txt"; then
	echo "FAIL: the kernel log reports memory or reference errors"
	[ $rc = 0 ] && rc=1
fi
[ -f "$OUT/results.txt" ] && cat "$OUT/results.txt"
exit $rc
