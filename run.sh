#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The two entry points of the README, for a fresh Debian 12 machine as root:
#   ./run.sh demo   install what is missing, build, start every process in a
#                   private run directory and run the demo
#   ./run.sh test   install what is missing, build, run every test; the last
#                   line is "N passed, N failed, N skipped"
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
build=${MICROVS_BUILDDIR:-$top/build}

install_and_build() {
	if [ "$(id -u)" = 0 ]; then
		scripts/install-deps.sh
	else
		echo "not root: skipping package install and role users" >&2
	fi
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" -Dwerror=true >"$top/.setup.log" 2>&1 ||
			{ cat "$top/.setup.log"; exit 1; }
		rm -f "$top/.setup.log"
	fi
	ninja -C "$build" >"$build/ninja.log" 2>&1 ||
		{ tail -50 "$build/ninja.log"; exit 1; }
}

demo() {
	install_and_build
	scripts/demo.sh "$build"
}

tests() {
	install_and_build
	local rc=0
	meson test -C "$build" --num-processes 2 --print-errorlogs \
		${MICROVS_TEST_ARGS:-} >"$build/test-output.txt" 2>&1 || rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$build/test-output.txt" || true
	if [ $rc -ne 0 ]; then
		sed -n '/Summary of Failures/,$p' "$build/test-output.txt" || true
		grep -B2 -A40 -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' \
			"$build/test-output.txt" | head -200 || true
	fi
	/usr/bin/env python3 scripts/test-summary.py \
		"$build/meson-logs/testlog.json"
}

case "${1:-}" in
demo) demo ;;
test) tests ;;
*) echo "usage: $0 demo|test" >&2; exit 1 ;;
esac
