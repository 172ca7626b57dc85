#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# dp_netdev: upcalld's userspace datapath ("netdev") on real devices, driven
# by dp_driver with flows installed by hand (no vswitchd): two hosts in
# namespaces joined through it by veth pairs.  Checks ping across, a TCP
# stream with the veths' default offloads (partial checksums, TSO) arriving
# intact, iperf3, bad frames counted without a crash, and a frame above the
# output port's MTU dropped and counted.
set -u
B=${MICROVS_BUILD:?MICROVS_BUILD not set}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: no iproute2"; exit 77; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

SW=dp8-sw-$$ HA=dp8-a-$$ HB=dp8-b-$$
T=$(mktemp -d /tmp/dp8-netdev.XXXXXX)
DRV=
cleanup() {
	[ -n "$DRV" ] && kill "$DRV" 2>/dev/null && wait "$DRV" 2>/dev/null
	for n in $SW $HA $HB; do ip netns del "$n" 2>/dev/null; done
	[ "${KEEP:-0}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT

for n in $SW $HA $HB; do ip netns add "$n" || exit 1; done
ip -n $SW link add va type veth peer name eth0 netns $HA
ip -n $SW link add vb type veth peer name eth0 netns $HB
# Host A and its side of the switch take jumbo frames; B's side does not,
# so a 2000-byte frame from A reaches the datapath and must stop there.
ip -n $HA link set eth0 mtu 9000
ip -n $SW link set va mtu 9000
for l in va vb lo; do ip -n $SW link set $l up; done
for n in $HA $HB; do ip -n $n link set eth0 up; ip -n $n link set lo up; done
ip -n $HA addr add 10.88.8.1/24 dev eth0
ip -n $HB addr add 10.88.8.2/24 dev eth0
MAC_B=$(ip -n $HB -o link show eth0 | sed 's/.*link\/ether \([^ ]*\).*/\1/')

# An existing tap device nobody holds, attached as a "tap" port.
ip -n $SW tuntap add dev dp8tap mode tap

# A patch cable through the datapath: everything from va to vb and back.
ip netns exec $SW "$B/tests/dp_driver" --dp dp8dp --report "$T/report" \
	--port va --port vb --port dp8tap:tap \
	--flow 'in_port(va) vb' --flow 'in_port(vb) va' \
	>"$T/driver.log" 2>&1 &
DRV=$!
for _ in $(seq 50); do [ -s "$T/report" ] && break; sleep 0.1; done
[ -s "$T/report" ] || { cat "$T/driver.log"; fail "driver started"; exit 1; }

grep -q "^port 0 dp8dp " "$T/report" && ip -n $SW link show dp8dp >/dev/null &&
	pass "local port: an internal tap device named after the datapath" ||
	fail "local port dp8dp"
grep -q "^port 3 dp8tap " "$T/report" && pass "existing tap device as a tap port" ||
	fail "tap port"

ticks() { awk '{ print $14 + $15 }' /proc/$DRV/stat; }

# 0. Idle: no CPU at all (no busy polling).
c0=$(ticks); sleep 2; c1=$(ticks)
[ $((c1 - c0)) -le 1 ] && pass "idle datapath used $((c1 - c0)) tick(s) in 2 s" ||
	fail "idle datapath used $((c1 - c0)) ticks in 2 s"

report() { # report: a fresh report from the driver
	rm -f "$T/report"
	kill -USR1 "$DRV"
	for _ in $(seq 50); do [ -s "$T/report" ] && return 0; sleep 0.1; done
	return 1
}
field() { awk -v k="$1" '$1 == k { print $2 }' "$T/report"; }
portf() { awk -v p="$1" -v k="$2" '$1 == "port" && $3 == p {
	for (i = 4; i < NF; i++) if ($i == k) print $(i + 1) }' "$T/report"; }

# 1. ping across.
if ip netns exec $HA ping -c 20 -i 0.01 -W 1 -q 10.88.8.2 >"$T/ping" 2>&1 &&
	grep -q " 0% packet loss" "$T/ping"; then
	pass "ping across the datapath: $(grep rtt "$T/ping")"
else
	cat "$T/ping"; fail "ping across the datapath"
fi

# 2. TCP with the veths' default offloads: 32 MB, checked end to end.
ip netns exec $HA ethtool -k eth0 | grep -E "^(tx-checksumming|tcp-segmentation-offload):" |
	tr '\n' ' ' | sed 's/^/offloads on host A: /'; echo
python3 - "$T" "$HA" "$HB" <<'PY'
import hashlib, os, socket, subprocess, sys, time
t, ha, hb = sys.argv[1:4]
srv = subprocess.Popen(["ip", "netns", "exec", hb, "python3", "-c", """
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('10.88.8.2', 5201)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest(), flush=True)
"""], stdout=subprocess.PIPE, text=True)
for _ in range(200):  # until the receiver listens (busy machine)
    if subprocess.run(["ip", "netns", "exec", hb, "ss", "-Hltn",
                       "sport = :5201"], capture_output=True).stdout:
        break
    time.sleep(0.1)
data = hashlib.sha256(b"dp8").digest() * (32 * 1024 * 1024 // 32)
cli = subprocess.run(["ip", "netns", "exec", ha, "python3", "-c", """
import socket, sys, hashlib
data = hashlib.sha256(b"dp8").digest() * (32 * 1024 * 1024 // 32)
s = socket.create_connection(('10.88.8.2', 5201), timeout=30)
s.sendall(data); s.shutdown(socket.SHUT_WR); s.recv(1)
"""], timeout=60)
out = srv.communicate(timeout=60)[0].split()
want = [str(len(data)), hashlib.sha256(data).hexdigest()]
print("tcp: received", out, "expected", want)
sys.exit(0 if out == want and cli.returncode == 0 else 1)
PY
if [ $? = 0 ]; then pass "32 MB over TCP arrive intact"; else fail "TCP stream"; fi

if command -v iperf3 >/dev/null; then
	ip netns exec $HB iperf3 -s -1 -B 10.88.8.2 >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 200); do # until it listens (busy machine)
		ip netns exec $HB ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	if ip netns exec $HA iperf3 -c 10.88.8.2 -t 2 -J >"$T/iperf.json" 2>&1; then
		bps=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second']))" "$T/iperf.json")
		pass "iperf3 through the datapath: $((bps / 1000000)) Mbit/s"
	else
		fail "iperf3 through the datapath"; tail -5 "$T/iperf.json"
	fi
	kill $srv 2>/dev/null; wait $srv 2>/dev/null
fi

# 3. Bad frames from host A, straight onto the wire with a raw socket.
report; t0=$(field truncated); m0=$(field malformed)
ip netns exec "$HA" python3 "$(dirname "$0")/bad_frames.py" eth0 "$MAC_B" \
	02:00:00:00:0a:01 10.88.8.1 10.88.8.2
sleep 0.3
report
t1=$(field truncated); m1=$(field malformed)
echo "truncated $t0 -> $t1, malformed $m0 -> $m1"
if kill -0 "$DRV" 2>/dev/null && [ $((t1 - t0)) -ge 3 ] && [ $((m1 - m0)) -ge 1 ]; then
	pass "bad frames counted ($((t1 - t0)) truncated, $((m1 - m0)) malformed), datapath alive"
else
	fail "bad frames counted"
fi

# 4. A 2000-byte frame from A (MTU 9000) to B's port (MTU 1500).
d0=$(portf vb tx_dropped)
ip netns exec $HA python3 -c "
import socket, sys
dst = bytes.fromhex(sys.argv[1].replace(':', ''))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('eth0', 0))
s.send(dst + bytes.fromhex('020000000a01') + b'\x88\xb5' + b'j' * 1986)
" "$MAC_B"
sleep 0.3
report
d1=$(portf vb tx_dropped)
if [ $((d1 - d0)) -ge 1 ]; then pass "frame above the MTU dropped and counted"; else fail "jumbo frame counted (tx_dropped $d0 -> $d1)"; fi

# The two megaflows carried the traffic.
grep '^flow' "$T/report" | sed 's/^/  /'
n=$(grep -c '^flow.*packets:[1-9]' "$T/report")
[ "$n" = 2 ] && pass "both megaflows have hits" || fail "megaflow hits"

# 5. A port's device vanishes: the datapath goes on, without spinning.
ip -n $SW link del vb
sleep 0.3
c0=$(ticks); sleep 1; c1=$(ticks)
if kill -0 "$DRV" 2>/dev/null && report && [ $((c1 - c0)) -le 1 ]; then
	pass "device deleted under the datapath: alive, idle"
else
	fail "device deleted under the datapath"
fi
grep -q "stops receiving" "$T/driver.log" && pass "the lost port was logged" ||
	fail "the lost port was logged"

kill "$DRV"; wait "$DRV"; rc=$?; DRV=
[ $rc = 0 ] && pass "driver exited cleanly" || fail "driver exit status $rc"
echo "$failures failure(s)"
exit $((failures > 0))
