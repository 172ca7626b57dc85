#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Through the whole switch (issue 8, acceptance 4 and 5):
#  - TCP with the veths' default offloads on (partial checksums, TSO):
#    iperf3 connects and runs, and a 16 MB byte stream arrives intact;
#  - bad frames into a port (truncated, bad IHL, short TCP header, bogus
#    VLAN stacking, runts, a jumbo frame above the output port's MTU):
#    nothing crashes, every process keeps its pid, the counters show the
#    frames, and the switch still forwards.  (Runts: the kernel refuses
#    to send a frame shorter than an Ethernet header on a veth or a tap,
#    so none can reach the datapath from a device; flow_extract_test and
#    the flow fuzzer give the datapath's parser every length.)
P=tbx$$
. "$(dirname "$0")/swlib.sh"
sw_start
# h1's link takes jumbo frames, h2's does not.
host h1 10.82.0.1 9000 && host h2 10.82.0.2 || { fail "hosts"; finish; }
check "br0 with h1 and h2" eval 'netdev_br br0 && vsctl add-port br0 h1 && vsctl add-port br0 h2'
check "offloads on: h1's eth0 does TSO and checksum offload" eval \
	'ns h1 ethtool -k eth0 | grep -q "tcp-segmentation-offload: on" &&
	 ns h1 ethtool -k eth0 | grep -q "tx-checksumming: on"'
check "ping" pings h1 10.82.0.2

if command -v iperf3 >/dev/null; then
	ns h2 iperf3 -s -1 -B 10.82.0.2 >/dev/null 2>&1 &
	wait_listen "$P-h2" 5201
	if ns h1 timeout 30 iperf3 -c 10.82.0.2 -t 2 -J >"$T/iperf.json" 2>&1; then
		bps=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second']))" "$T/iperf.json")
		check "iperf3 through the switch runs: $((bps / 1000000)) Mbit/s" [ "$bps" -gt 0 ]
	else
		fail "iperf3 through the switch"; tail -5 "$T/iperf.json"
	fi
	wait
fi

# A checked byte stream: 16 MB of a known pattern, its SHA-256 compared.
. "$(dirname "$0")/streamlib.sh"
check "16 MB over TCP arrive intact" checked_stream "ns h2" "ns h1" 10.82.0.2

# Bad frames from h1, straight onto the wire.
pid_u=$(pidof_role upcalld) pid_v=$(pidof_role vswitchd)
cov() { oappctl -t upcalld coverage/read-counter "$1"; }
port_field() { # port_field PORT FIELD: from dpctl/show -s
	oappctl dpctl/show -s | awk -v p="$1" -v f="$2" '
		$1 == "port" && $3 == p { on = 1; next }
		$1 == "port" { on = 0 }
		on { for (i = 1; i <= NF; i++) if (index($i, f ":") == 1) {
			split($i, a, ":"); print a[2]; exit } }'
}
t0=$(cov dp_rx_truncated) m0=$(cov dp_rx_malformed)
e0=$(port_field h1 errors) d0=$(oappctl dpctl/show -s | awk '$3 == "h2" { getline; getline; print $4 }')
ns h1 python3 "$(dirname "$0")/../system/bad_frames.py" --jumbo eth0 \
	"$(mac h2)" "$(mac h1)" 10.82.0.1 10.82.0.2
sleep 0.5
t1=$(cov dp_rx_truncated) m1=$(cov dp_rx_malformed)
e1=$(port_field h1 errors) d1=$(oappctl dpctl/show -s | awk '$3 == "h2" { getline; getline; print $4 }')
check "upcalld kept its pid" [ "$(pidof_role upcalld)" = "$pid_u" ]
check "vswitchd kept its pid" [ "$(pidof_role vswitchd)" = "$pid_v" ]
check "truncated frames counted ($t0 -> $t1)" [ $((t1 - t0)) -ge 3 ]
check "malformed frames counted ($m0 -> $m1)" [ $((m1 - m0)) -ge 1 ]
check "h1's RX errors show them ($e0 -> $e1)" [ $((e1 - e0)) -ge $((t1 - t0 + m1 - m0)) ]
check "the jumbo frame was dropped at h2 (TX dropped $d0 -> $d1)" \
	[ "${d1#dropped:}" -gt "${d0#dropped:}" ]
check "the switch still forwards" pings h1 10.82.0.2
finish
