# SPDX-License-Identifier: Apache-2.0
# Helpers for the fuzz scripts (sourced): build a libFuzzer target with
# ASan and UBSan, run it over a seed corpus, report.  A script sets $work
# (a scratch directory, removed on exit) by calling fuzz_init first.

fuzz_init() {
	command -v clang >/dev/null || { echo "skip: clang not installed"; exit 77; }
	work=$(mktemp -d /tmp/fuzz.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	mkdir "$work/corpus"
}

# fuzz_build NAME CLANG-ARGS...: builds $work/NAME; skips (77) when the
# libFuzzer runtime is missing, fails on a compile error.
fuzz_build() {
	name=$1; shift
	if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
		"$@" -o "$work/$name" 2>"$work/cc.log"; then
		cat "$work/cc.log"
		grep -q "fuzzer" "$work/cc.log" &&
			{ echo "skip: libFuzzer runtime missing"; exit 77; }
		exit 1
	fi
}

# fuzz_run NAME SECONDS MAX_LEN: runs it over $work/corpus.  libFuzzer's
# own exit code for a crash is 77, which meson reads as "skipped": ask
# for 1.
fuzz_run() {
	cd "$work" || exit 1
	"./$1" -max_total_time="$2" -rss_limit_mb=1024 -max_len="$3" \
		-error_exitcode=1 -print_final_stats=1 corpus >fuzz.log 2>&1
	rc=$?
	tail -n 12 fuzz.log
	[ $rc -eq 0 ] && echo "fuzzed for ${2}s: no crash" || echo "fuzzer failed: rc $rc"
	exit $rc
}
