#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds bus/bus_fuzz.c with clang's libFuzzer and ASan and runs it for
# MICROVS_FUZZ_SECONDS (default 60).  Skipped (77) without clang/libFuzzer.
# Usage: bus_fuzz.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
secs=${MICROVS_FUZZ_SECONDS:-60}
command -v clang >/dev/null || { echo "skip: clang not installed"; exit 77; }
work=$(mktemp -d /tmp/busfuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
	-I"$src/bus" -I"$src/lib" -I"$build/bus" -I"$build" \
	"$src/bus/bus_fuzz.c" "$src/bus/bus_codec.c" "$src/lib/util.c" \
	"$build/bus/bus_msgs.c" -lmsgpackc -o "$work/bus_fuzz" 2>"$work/cc.log"; then
	if grep -q "fuzzer" "$work/cc.log"; then
		cat "$work/cc.log"; echo "skip: libFuzzer runtime missing"; exit 77
	fi
	cat "$work/cc.log"; exit 1
fi
# Seed corpus: a few valid messages and near misses.
mkdir "$work/corpus"
printf '\x94\x01\x07\x01\x81\x01\x05' >"$work/corpus/ping"
printf '\x94\x01\x02\x01\x82\x01\xa4exit\x02\x91\xa1x' >"$work/corpus/appctl"
printf '\x94\x01\x03\x02\x82\x01\x00\x02\xa2ok' >"$work/corpus/reply"
cd "$work" || exit 1
./bus_fuzz -max_total_time="$secs" -rss_limit_mb=1024 -max_len=4096 \
	-error_exitcode=1 \
	-print_final_stats=1 corpus >fuzz.log 2>&1
rc=$?
tail -n 12 fuzz.log
[ $rc -eq 0 ] && echo "fuzzed for ${secs}s: no crash" || echo "fuzzer failed: rc $rc"
exit $rc
