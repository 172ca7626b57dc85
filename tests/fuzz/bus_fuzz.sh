#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds bus/bus_fuzz.c with clang's libFuzzer and ASan and runs it for
# MICROVS_FUZZ_SECONDS (default 40).  Skipped (77) without clang/libFuzzer.
# Usage: bus_fuzz.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
secs=${MICROVS_FUZZ_SECONDS:-40}
. "$(dirname "$0")/fuzzlib.sh"
fuzz_init
fuzz_build bus_fuzz -I"$src/bus" -I"$src/lib" -I"$build/bus" -I"$build" \
	"$src/bus/bus_fuzz.c" "$src/bus/bus_codec.c" "$src/lib/util.c" \
	"$build/bus/bus_msgs.c" -lmsgpackc
# Seed corpus: a few valid messages and near misses.
printf '\x94\x01\x07\x01\x81\x01\x05' >"$work/corpus/ping"
printf '\x94\x01\x02\x01\x82\x01\xa4exit\x02\x91\xa1x' >"$work/corpus/appctl"
printf '\x94\x01\x03\x02\x82\x01\x00\x02\xa2ok' >"$work/corpus/reply"
fuzz_run bus_fuzz "$secs" 4096
