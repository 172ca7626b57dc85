#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sd_notify: with NOTIFY_SOCKET and WATCHDOG_USEC set (as systemd sets
# them), a process sends READY=1 once serving and WATCHDOG=1 at half the
# interval, after dropping privileges.  --detach returns only when the
# process answers, and the pidfile names it.
. "$(dirname "$0")/lib.sh"
need_root
T=$(mktemp -d /tmp/microvs-daemon.XXXXXX)
chmod 755 "$T"
R=$T/run
trap 'kill $(cat $R/vtepd.pid 2>/dev/null) $(cat $R/tunneld.pid 2>/dev/null) 2>/dev/null; rm -rf "$T"' EXIT

/usr/bin/env python3 - "$T/notify" >"$T/notes" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
s.settimeout(0.2)
end = time.time() + 2.0
while time.time() < end:
    try:
        print(s.recv(256).decode(), flush=True)
    except socket.timeout:
        pass
PY
py=$!
for _ in $(seq 100); do [ -S "$T/notify" ] && break; sleep 0.02; done
NOTIFY_SOCKET=$T/notify WATCHDOG_USEC=200000 \
	"$B/procs/vtepd/microvs-vtepd" --rundir="$R" --logdir="$T" --log-file &
wait $py
check "READY=1 sent" grep -qx "READY=1" "$T/notes"
n=$(grep -cx "WATCHDOG=1" "$T/notes")
check "WATCHDOG=1 sent repeatedly ($n in ~2 s at 100 ms)" test "$n" -ge 5
check "it had dropped to microvs-vtep" \
	eval 'test "$(stat -c %U /proc/$(cat $R/vtepd.pid))" = microvs-vtep'

"$B/procs/tunneld/microvs-tunneld" --rundir="$R" --logdir="$T" --log-file --detach
check "--detach returned success" test $? -eq 0
check "answers as soon as --detach returns" appctl tunneld version
check "pidfile names the answering process" \
	eval 'test "$(cat $R/tunneld.pid)" = "$($APPCTL --rundir $R -t tunneld version >/dev/null; cat $R/tunneld.pid)" && kill -0 $(cat $R/tunneld.pid)'
finish
