# SPDX-License-Identifier: Apache-2.0
# Meters on the kernel datapath, with real traffic (swgen's UDP frames,
# paced, from h1; h2's receive counter says what arrived):
#  - the module alone (mvs-kctl): a meter of 1,000 packets/s on the flow
#    from port 1 to port 2 passes about rate * time + burst of a faster
#    stream, and its band counts exactly the rest; a meter set again
#    starts with zero counters; with two bands, a packet that exceeds
#    both is counted in the one of higher rate; a kbit/s meter charges
#    by size; a deleted meter passes everything;
#  - the whole switch: br0 (datapath_type system), `ovs-ofctl add-meter`
#    and a flow `meter:1,output:2`: the same cap, `meter-stats` shows the
#    band's drops, `meter-features` is the netdev bridge's, and deleting
#    the OpenFlow meter deletes the module's.
# The module's old meter action did nothing: everything arrived and no
# band dropped anything.
. "$(dirname "$0")/lib.sh"
B=${MVS_BUILD:?}
new_dp
hosts 2
rx() { in_ns 2 cat /sys/class/net/h2/statistics/rx_packets; }
# send COUNT RATE: h1 sends COUNT frames at RATE a second to h2; sets
# sent, secs and got (what h2 received).
send() {
	local r0 out
	r0=$(rx)
	out=$(in_ns 1 "$B/bench/switch/swgen" -c "$1" -r "$2" h1 "$(mac 2)" \
		192.0.2.1 192.0.2.2 60)
	sleep 0.3
	got=$(($(rx) - r0))
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$out")
	secs=$(sed -n 's/.*secs=\([0-9.]*\).*/\1/p' <<<"$out")
	echo "  sent $sent in ${secs}s, h2 received $got"
}
# between LO HI: LO <= got <= HI.
between() { [ "$got" -ge "$1" ] && [ "$got" -le "$2" ]; }
# near RATE BURST: got is rate * secs + burst, give or take a quarter
# (pacing and a loaded host), and below what was sent.
near() {
	local want
	want=$(awk -v r="$1" -v s="$secs" -v b="$2" 'BEGIN { printf "%d", r * s + b }')
	echo "  expected about $want"
	between $((want * 3 / 4)) $((want * 5 / 4)) && [ "$got" -lt "$sent" ]
}
# mfield ID WHAT: from dump-meters, meter ID's "packets" or band N's
# "dropped" (WHAT: in, band0, band1).
mfield() {
	$K dump-meters $DP | awk -v id="meter:$1" -v w="$2" '
		$1 == id { m = 1; if (w == "in") { sub("packets:", "", $3); print $3 }; next }
		/^meter:/ { m = 0 }
		m && $1 == "band:" substr(w, 5) { sub("dropped:", "", $4); print $4 }'
}

$K add-flow $DP "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17)" "meter(1),2"
expect "meter 1: 1,000 packets/s (burst: one second)" $K set-meter $DP 1 1000
send 6000 3000
expect "1,000 pkt/s meter: about 1,000 a second plus the burst arrive" near 1000 1000
$K dump-meters $DP
in=$(mfield 1 in) d0=$(mfield 1 band0)
expect "... the meter counted every frame ($in of $sent)" [ "$in" = "$sent" ]
expect "... and its band dropped exactly the rest ($d0)" \
	eval '[ -n "$d0" ] && [ $((d0 + got)) = "$sent" ]'

expect "meter 1 set again, burst 200" $K set-meter $DP 1 1000:200
expect "... starts with zero counters" \
	[ "$(mfield 1 in)/$(mfield 1 band0)" = 0/0 ]
send 3000 3000
expect "burst 200: about 1,000 a second plus 200" near 1000 200

# Two bands: the first 1,000 over the 500/s band's bucket exceed it
# alone; once the 1,000/s band's is empty too, drops count in it.
expect "meter 1: bands of 1,000 and 500 packets/s" $K set-meter $DP 1 1000 500
send 4000 4000
$K dump-meters $DP
d0=$(mfield 1 band0) d1=$(mfield 1 band1)
expect "two bands: both dropped some ($d0, $d1)" \
	eval '[ "$d0" -gt 0 ] && [ "$d1" -gt 0 ]'
expect "... together what did not arrive" \
	eval '[ -n "$d0" ] && [ -n "$d1" ] && [ $((d0 + d1 + got)) = "$sent" ]'

# kbit/s: swgen's 60-byte frames cost 480 bits, so 240 kbit/s is 500
# frames a second.
expect "meter 1: 240 kbit/s" $K set-meter $DP 1 kbps 240
send 3000 3000
expect "240 kbit/s of 60-byte frames: about 500 a second plus the burst" \
	near 500 500

expect "meter 1 deleted" $K del-meter $DP 1
# no_meter DP ID: DP's meters are dumped, and ID is not among them.
no_meter() { $K dump-meters "$1" >/tmp/k11-meters && ! grep -q "^meter:$2 " /tmp/k11-meters; }
expect "... it is gone" no_meter $DP 1
send 2000 2000
expect "a deleted meter passes everything" [ "$got" = "$sent" ]
# One left for the datapath's deletion to free (the unload's leak check).
$K set-meter $DP 7 100
$K del-dp $DP
echo "  (the module alone: ${SECONDS}s)"

# The whole switch.
T=$(mktemp -d /tmp/k11-meter.XXXXXX)
chmod 755 "$T"
R=$T/run
CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log"
vsctl() { MICROVS_RUNDIR=$R "$B/ctl/ovs-vsctl" --timeout=30 "$@"; }
of() { MICROVS_RUNDIR=$R "$B/ctl/ovs-ofctl" -O OpenFlow13 "$@"; }
"$B/ctl/microvs-ctl" $CTLARGS start >/dev/null || { bad "microvs-ctl start"; finish; }
expect "br0 (system) with h1 and h2 as ports 1 and 2" \
	vsctl add-br br0 -- add-port br0 k11-h1 -- set interface k11-h1 ofport_request=1 \
	-- add-port br0 k11-h2 -- set interface k11-h2 ofport_request=2
# What a netdev bridge answers (the guest has no tap devices for one).
mf=$(of meter-features br0)
echo "$mf" | sed 's/^/  /'
expect "meter-features: the netdev bridge's (262,144 meters of 8 drop bands)" \
	eval 'grep -q "^max_meter:262144 max_bands:8 max_color:0$" <<<"$mf" &&
		grep -q "^band_types: drop$" <<<"$mf" &&
		grep -q "^capabilities: kbps pktps burst stats$" <<<"$mf"'
expect "add-meter meter=1,pktps,band=type=drop,rate=1000" \
	of add-meter br0 meter=1,pktps,band=type=drop,rate=1000
expect "flow: h1's UDP through meter 1 to port 2" \
	of add-flow br0 "priority=100,in_port=1,udp,actions=meter:1,output:2"
send 6000 3000
kflows=$($K dump-flows ovs-system)
echo "$kflows" | sed 's/^/  /'
expect "the module's megaflow has the meter" \
	grep -Eq "ipv4\(proto=17,.* actions:meter\([0-9]+\),[0-9]+$" <<<"$kflows"
expect "switch, 1,000 pkt/s meter: about 1,000 a second plus the burst" \
	near 1000 1000
# meter-stats shows drops in band 0, and what entered less what it
# dropped is what h2 received (give or take an ARP reply of h1's).
band_drops() {
	of meter-stats br0 meter=1 >"$T/mstats" 2>&1
	band=$(sed -n 's/^0: packet_count:\([0-9]*\).*/\1/p' "$T/mstats")
	in=$(sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' "$T/mstats")
	[ -n "$band" ] && [ "$band" -gt 0 ] && [ "$in" = "$sent" ] &&
		[ $((in - band - got)) -le 0 ] && [ $((in - band - got)) -ge -5 ]
}
for _ in $(seq 20); do band_drops && break; sleep 0.5; done
sed 's/^/  /' "$T/mstats"
expect "meter-stats: band 0 dropped $band of the $in that entered, the rest arrived" \
	band_drops
expect "del-meter deletes meter 1 and the flow that uses it" \
	eval 'of del-meter br0 meter=1 && ! of dump-flows br0 | grep -q meter:1'
# no_meters DP: DP's meters are dumped, and there are none.
no_meters() { no_meter "$1" "" && [ ! -s /tmp/k11-meters ]; }
for _ in $(seq 20); do no_meters ovs-system && break; sleep 0.25; done
expect "... and the module's meter" no_meters ovs-system
"$B/ctl/microvs-ctl" $CTLARGS stop >/dev/null 2>&1
$K del-dp ovs-system 2>/dev/null
grep -E 'ERR|EMER|WARN' "$T/log/"*.log | head -20
echo "  (in all: ${SECONDS}s)"
finish
