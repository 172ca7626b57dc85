#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds procs/vswitchd/vswitchd_ofp_fuzz.c (vswitchd's OpenFlow message
# handler: framing, dispatch and every handler, on a bridge with no
# datapath and no bus) with the whole of vswitchd but main.c, with
# clang's libFuzzer, ASan and UBSan, and runs it for
# MICROVS_VSWITCHD_FUZZ_SECONDS (default 10; building it takes longer), seeded with what Debian's
# ovs-ofctl sent in tests/ofctl-diff's recordings.  Skipped (77) without
# clang/libFuzzer.
# Undefined behaviour that UBSan reports fails it too (after the run, so
# that one run shows every place).
# Usage: vswitchd_ofp_fuzz.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
secs=${MICROVS_VSWITCHD_FUZZ_SECONDS:-10}
. "$(dirname "$0")/fuzzlib.sh"
fuzz_init
inc="-I$src/procs/vswitchd -I$src/lib -I$src/lib/ofp -I$src/lib/flow
	-I$src/lib/ovsdb -I$src/lib/replica -I$src/lib/tls -I$src/bus -I$src/svc
	-I$src/include/uapi -I$build -I$build/bus"
# The daemon's files but main.c as objects, the libraries as archives
# linked in meson's order (lib/ofp and lib/flow both define
# flow_equal_masked: the first archive wins, as in the daemon).
vsw=$(ls "$src"/procs/vswitchd/*.c | grep -v '_test\.c$\|_fuzz\.c$\|/main\.c$')
lib_replica=$(ls "$src"/lib/replica/*.c | grep -v '_test\.c$')
lib_svc=$(ls "$src"/svc/*.c | grep -v '_test\.c$')
lib_bus="$(ls "$src"/bus/*.c | grep -v '_test\.c$\|_fuzz\.c$')
	$build/bus/bus_msgs.c $build/bus/bus_calls.c $build/bus/bus_calls_sync.c"
lib_ofp=$(ls "$src"/lib/ofp/*.c | grep -v '_test\.c$\|_fuzz\.c$')
lib_flow=$(ls "$src"/lib/flow/*.c | grep -v '_test\.c$')
lib_ovsdb=$(ls "$src"/lib/ovsdb/*.c | grep -v '_test\.c$')
lib_tls=$(ls "$src"/lib/tls/*.c | grep -v '_test\.c$')
lib_util="$src/lib/util.c $src/lib/log.c $src/lib/ev.c $src/lib/roles.c
	$src/lib/safefile.c $src/lib/coverage.c $src/lib/daemon.c
	$src/lib/priv.c $src/lib/priv_seccomp.c $src/lib/fdstore.c
	$src/lib/pool.c $src/lib/hix.c"
# cc_group NAME FILES...: objects of FILES, two compilers at a time (the
# machine is shared), in $work/NAME/.  Unoptimised: with ASan and UBSan,
# -O1 took five times as long to compile (3.3 against 0.6 s for
# vswitchd_xlate.c), most of this test's time, for a run of seconds.
cc_group() {
	name=$1
	shift
	mkdir "$work/$name"
	# shellcheck disable=SC2086
	printf '%s\n' "$@" | xargs -P2 -I{} sh -c '
		o="$0/$(basename "{}" .c).o"
		clang -g -O0 -fsanitize=fuzzer-no-link,address,undefined \
			-D_GNU_SOURCE $1 -c "{}" -o "$o"' "$work/$name" "$inc" \
		2>>"$work/cc.log" || { cat "$work/cc.log"; exit 1; }
}
archives=""
# shellcheck disable=SC2086
for g in replica svc bus ofp flow ovsdb tls util; do
	eval "files=\$lib_$g"
	cc_group "$g" $files
	ar rcs "$work/lib$g.a" "$work/$g"/*.o
	archives="$archives $work/lib$g.a"
done
# shellcheck disable=SC2086
cc_group vswitchd $vsw
# shellcheck disable=SC2086
fuzz_build vswitchd_ofp_fuzz $inc \
	"$src/procs/vswitchd/vswitchd_ofp_fuzz.c" "$work"/vswitchd/*.o \
	$archives -lnng -lmsgpackc -ljansson -lsqlite3 -lcap-ng -lseccomp \
	-lssl -lcrypto -lpthread
# Seed corpus: what Debian's ovs-ofctl sent on each connection of the
# invocations recorded against Open vSwitch 3.1 (tests/ofctl-diff), one
# seed per distinct stream, its first byte picking the hello's version.
python3 - "$src/tests/ofctl-diff/ofctl.golden.json.gz" "$work/corpus" <<'PY'
import gzip, json, struct, sys
d = json.load(gzip.open(sys.argv[1]))
pool, seen = d["pool"], set()
for cases in d["groups"].values():
    for case in cases:
        for conn in case["conns"]:
            msgs = [bytearray.fromhex(pool[h]) for who, (h, xid) in conn
                    if who == "c"]
            for m, (who, (h, xid)) in zip(msgs, [x for x in conn
                                                 if x[0] == "c"]):
                struct.pack_into("!I", m, 4, xid)
            if not msgs:
                continue
            stream = bytes([msgs[0][0] - 1]) + b"".join(msgs)
            if stream not in seen and len(stream) <= 4096:
                seen.add(stream)
                open("%s/c%d" % (sys.argv[2], len(seen)), "wb").write(stream)
print("seeds:", len(seen))
PY
cd "$work" || exit 1
./vswitchd_ofp_fuzz -max_total_time="$secs" -rss_limit_mb=1024 \
	-max_len=4096 -error_exitcode=1 -print_final_stats=1 corpus \
	>fuzz.log 2>&1
rc=$?
tail -n 12 fuzz.log
if grep -q "runtime error:" fuzz.log; then
	grep -A1 "runtime error:" fuzz.log | sort | uniq -c
	rc=1
fi
[ $rc -eq 0 ] && echo "fuzzed for ${secs}s: no crash" || echo "fuzzer failed: rc $rc"
exit $rc
