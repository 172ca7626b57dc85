# SPDX-License-Identifier: Apache-2.0
# The whole switch on the module: microvs (dbserver, upcalld, vswitchd...)
# started by microvs-ctl in the guest's initial namespace (as on a host;
# the scenarios test runs it in namespaces of its own), br0 with the default datapath_type ("" is
# "system"), two hosts on it and the NORMAL action.  vswitchd drives
# upcalld's "system" class, which drives the module: the ping goes
# through, the module holds the megaflows (mvs-kctl dumps them from the
# kernel), dpctl/dump-flows and ovs-dpctl show the same ones with their
# hits, and after a kill -9 of vswitchd and of upcalld the installed
# flows keep forwarding.
. "$(dirname "$0")/lib.sh"
B=${MVS_BUILD:?}
CTL=$B/ctl/microvs-ctl
T=$(mktemp -d /tmp/k11-sw.XXXXXX)
chmod 755 "$T"
R=$T/run
CTLARGS="--rundir=$R --dbdir=$T/db --logdir=$T/log"
vsctl() { MICROVS_RUNDIR=$R "$B/ctl/ovs-vsctl" --timeout=30 "$@"; }
appctl() { "$B/ctl/ovs-appctl" --rundir "$R" "$@"; }
dpctl() { "$B/ctl/ovs-dpctl" --rundir="$R" "$@"; }
pings() { # I COUNT: COUNT pings from host I to host 2, all answered
	in_ns "$1" ping -c "$2" -i 0.2 -W 2 -q 192.0.2.2 >"$T/ping" 2>&1 &&
		grep -q " 0% packet loss" "$T/ping"
}
stop_all() {
	$CTL $CTLARGS stop >/dev/null 2>&1
	$K del-dp ovs-system 2>/dev/null
	[ -f "$T/log/upcalld.log" ] && grep -E 'ERR|EMER|WARN' "$T/log/"*.log | head -20
}

$CTL $CTLARGS start >/dev/null || { bad "microvs-ctl start"; finish; }
# Flows stay for the whole test, however slow the guest (no expiry
# between two dumps that are compared).
vsctl set open . other_config:max-idle=600000
NO_PORTS=1 hosts 2
expect "add-br br0 (system) with two hosts" \
	vsctl add-br br0 -- add-port br0 k11-h1 -- add-port br0 k11-h2
expect "no error on the interfaces" \
	[ "$(vsctl get interface k11-h1 error)" = "[]" ]
expect "the module holds datapath ovs-system with br0 and both ports" \
	bash -c "$K show ovs-system | grep -q k11-h1 && $K show ovs-system | grep -q k11-h2"
# Neighbours known: no ARP, so the ping's flows are the only ones.
in_ns 1 ip neigh replace 192.0.2.2 lladdr "$(mac 2)" dev h1
in_ns 2 ip neigh replace 192.0.2.1 lladdr "$(mac 1)" dev h2
expect "h1 pings h2 through br0 (NORMAL)" pings 1 5
kflows=$($K dump-flows ovs-system)
echo "$kflows"
# NORMAL's megaflows: the MACs and IPv4, not the addresses, with hits.
both_ways() { # FLOWS: an IPv4 megaflow each way in FLOWS, with hits
	local f
	for f in "$(mac 1) $(mac 2)" "$(mac 2) $(mac 1)"; do
		set -- "$1" $f
		grep -Eq "eth\(src=$2,dst=$3\),eth_type\(0x0800\),ipv4\(frag=no\), packets:[1-9]" <<<"$1" ||
			return 1
	done
}
expect "the module's megaflows: IPv4 both ways, with hits" both_ways "$kflows"
uflows=$(appctl dpctl/dump-flows)
echo "$uflows"
expect "dpctl/dump-flows shows them too, with their hits" both_ways "$uflows"
keys() { sed -n 's/, packets:.*actions:/ actions:/p' | sort; }
expect "the same flows in dpctl/dump-flows as in the module" \
	[ "$(keys <<<"$uflows")" = "$(keys <<<"$kflows")" ]
expect "ovs-dpctl dump-flows is dpctl/dump-flows" \
	[ "$(dpctl dump-flows | grep -c actions)" = "$(grep -c actions <<<"$uflows")" ]
show=$(appctl dpctl/show)
echo "$show"
expect "dpctl/show: system@ovs-system, hits counted" \
	grep -Eq 'lookups: hit:[1-9]' <<<"$(grep -A1 '^system@ovs-system:$' <<<"$show")"
expect "... its internal ports as Open vSwitch shows them" \
	[ "$(grep -Ec '^  port [0-9]+: (ovs-system|br0) \(internal\)$' <<<"$show")" = 2 ]

# Megaflows off: every flow's mask is all ones (tunnel opts_len 0xff
# included), which the module must take as a mask, not as a key; else
# nothing is installed and every packet is an upcall (bench/kmod's flow
# setup).
appctl upcall/disable-megaflows >/dev/null
expect "megaflows off: h1 pings h2" pings 1 3
kflows=$($K dump-flows ovs-system)
echo "$kflows"
expect "megaflows off: the module holds exact flows (ICMP echo from h1)" \
	grep -Eq "eth\(src=$(mac 1),dst=$(mac 2)\),.*ipv4\(src=192.0.2.1,dst=192.0.2.2,proto=1,.*icmp\(type=8,code=0\), packets:[1-9]" \
	<<<"$kflows"

# Installs that fail after upcalld took them: the upcall path's installs
# and executes go to the module together, one send per batch, and the
# module answers only failures.  At the flow limit it refuses new flows
# (EFBIG), which upcalld must stop tracking (vswitchd forgets them at the
# next report); a flow two packets asked for at once exists for the
# second install (EEXIST) and stays tracked.  So once the upcalls are
# done, upcalld tracks exactly the flows the module holds.
appctl revalidator/purge >/dev/null
vsctl set open . other_config:flow-limit=20
for _ in $(seq 100); do
	$K show ovs-system | grep -q "(limit 20)" && break
	sleep 0.1
done
kcount() { $K show ovs-system | sed -n 's/^ *flows: \([0-9]*\).*/\1/p'; }
tracked() { appctl upcall/show | sed -n 's/.*(keys \([0-9]*\)).*/\1/p'; }
# 60 new flows, each flow's frame sent twice at once.
for _ in 1 2; do
	in_ns 1 "$B/bench/switch/swgen" -f -c 60 -r 2000 h1 "$(mac 2)" \
		192.0.2.1 192.0.2.2 5 >/dev/null &
done
wait
for _ in $(seq 50); do
	[ "$(kcount)" = "$(tracked)" ] && break
	sleep 0.2
done
expect "flow limit 20: the module holds 20 flows ($(kcount))" [ "$(kcount)" = 20 ]
expect "upcalld tracks the module's flows, no refused one ($(tracked))" \
	[ "$(tracked)" = "$(kcount)" ]
vsctl remove open . other_config flow-limit
appctl revalidator/purge >/dev/null
appctl upcall/enable-megaflows >/dev/null

# Busy flows stay: 3 s of UDP from h1 as fast as swgen sends hit the IPv4
# megaflow all the time, and upcalld's idle expiry (a dump every second)
# must not delete it.  It did when a hit during the dump was later than
# the "now" it had read before: every busy flow went each second, and the
# packets behind it missed (out of order for TCP).
expect "the megaflows again (ping)" pings 1 1
missed() { $K show ovs-system | sed -n 's/.*missed:\([0-9]*\).*/\1/p'; }
m0=$(missed)
in_ns 1 "$B/bench/switch/swgen" h1 "$(mac 2)" 192.0.2.1 192.0.2.2 3
m1=$(missed)
$K dump-flows ovs-system
expect "3 s of UDP through the megaflow: no miss ($m0 -> $m1)" [ "$m0" = "$m1" ]

# One dump of the module's flows per revalidation round serves idle
# expiry too: with flows installed and nothing else asking, upcalld dumps
# exactly once per round.  Expiry had a dump of its own every second, a
# third more of them (each a copy of every flow, under TCG a stall in
# which misses pile up).
ucov() { # NAME...: upcalld's coverage totals of NAMEs, at one moment
	local cov n
	cov=$(appctl -t upcalld coverage/show)
	for n in "$@"; do
		n=$(sed -n "s/^$n .*total: \([0-9]*\)$/\1/p" <<<"$cov")
		echo "${n:-0}"
	done
}
one_dump_per_round() { # up to one more (a round that waited)
	[ $((r1 - r0)) -ge 2 ] && [ $((d1 - d0)) -le $((r1 - r0 + 1)) ]
}
# (The guest has no /dev/fd for "read < <(...)".)
set -- $(ucov kmod_flow_dump reval_round)
d0=$1 r0=$2
sleep 4
set -- $(ucov kmod_flow_dump reval_round)
d1=$1 r1=$2
expect "flows present during the count ($(kcount))" [ "$(kcount)" -gt 0 ]
expect "one dump per revalidation round ($((d1 - d0)) dumps, $((r1 - r0)) rounds)" \
	one_dump_per_round

# A burst of misses while upcalld is not reading waits in its port's
# socket: 1,000 of them (about 1.2 MB of socket memory) are all upcalled,
# none lost.  The socket's buffer was capped at net.core.rmem_max (208 KB,
# doubled), which held about 340.
lost() { $K show ovs-system | sed -n 's/.*lost:\([0-9]*\).*/\1/p'; }
appctl revalidator/purge >/dev/null
m0=$(missed) l0=$(lost)
kill -STOP "$(cat "$R/upcalld.pid")"
in_ns 1 "$B/bench/switch/swgen" -f -i 100000 -c 1000 -r 4000 h1 "$(mac 2)" \
	192.0.2.1 192.0.2.2 3 >/dev/null
m1=$(missed) l1=$(lost)
kill -CONT "$(cat "$R/upcalld.pid")"
expect "1,000 misses while upcalld was stopped ($((m1 + l1 - m0 - l0)))" \
	[ $((m1 + l1 - m0 - l0)) -ge 1000 ]
expect "... none lost ($((l1 - l0)))" [ "$l1" = "$l0" ]
expect "upcalld handles them once resumed (ping)" pings 1 1

# Installed flows forward while vswitchd, then upcalld, are killed -9
# (the supervisor restarts them).
for role in vswitchd upcalld; do
	in_ns 1 ping -c 200 -i 0.01 -W 1 192.0.2.2 >"$T/ping-$role" &
	# The kill once the ping's flows are installed (and at least 0.5 s
	# into the ping), however slow the guest runs.
	sleep 0.5
	for _ in $(seq 100); do
		both_ways "$($K dump-flows ovs-system)" && break
		sleep 0.1
	done
	kill -9 "$(cat "$R/$role.pid")"
	wait
	tail -2 "$T/ping-$role"
	loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$T/ping-$role")
	expect "kill -9 $role during a 10 ms ping: at most 1 % lost ($loss %)" \
		awk -v l="$loss" 'BEGIN { exit !(l <= 1) }'
done
for _ in $(seq 100); do
	vsctl --timeout=5 set bridge br0 other_config:k11=1 2>/dev/null && break
	sleep 0.2
done
expect "after both restarts the switch still pings" pings 1 3
stop_all
finish
