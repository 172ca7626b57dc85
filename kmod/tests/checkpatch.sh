#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kmod/tests/checkpatch.sh: the module's sources pass the kernel's
# checkpatch.pl --strict, with one exception: LINUX_VERSION_CODE, which an
# out-of-tree module that builds on 6.1 and newer kernels needs (mvs.h's
# MVS_KERNEL_AT_LEAST).  checkpatch.pl comes from $CHECKPATCH, or from
# Debian's linux-source package (extracted once into the build tree);
# skipped (77) where neither is installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${MICROVS_SRC:-$(cd "$HERE/../.." && pwd)}
BUILD=${MICROVS_BUILD:-$SRC/build}
CP=${CHECKPATCH:-}
if [ -z "$CP" ]; then
	CACHE=$BUILD/kmod/checkpatch
	CP=$CACHE/scripts/checkpatch.pl
	if [ ! -x "$CP" ]; then
		tarball=$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -1)
		[ -n "$tarball" ] || { echo "SKIP: no checkpatch.pl (apt-get install linux-source-6.1)"; exit 77; }
		top=$(basename "${tarball%.tar.*}")
		mkdir -p "$CACHE"
		tar -xf "$tarball" -C "$CACHE" --strip-components=1 \
			"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
			"$top/scripts/const_structs.checkpatch" ||
			{ echo "FAIL: cannot extract checkpatch.pl from $tarball"; exit 1; }
	fi
fi
out=$("$CP" --no-tree --strict --terse --show-types \
	--ignore LINUX_VERSION_CODE -f "$SRC"/kmod/*.c "$SRC"/kmod/*.h 2>&1 |
	grep -v '^total: 0 errors, 0 warnings, 0 checks')
if [ -n "$out" ]; then
	echo "$out"
	echo "FAIL: checkpatch.pl reports the lines above"
	exit 1
fi
echo "checkpatch.pl --strict: $(ls "$SRC"/kmod/*.[ch] | wc -l) files clean"
