#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Restart without loss (issue 8, acceptance 6): with a ping every 10 ms
# across the switch, kill -9 in turn dbserver, vswitchd, tunneld and
# vtepd; the supervisor restarts each.  Established megaflows keep
# forwarding: at most 1 % of the pings are lost (the figure is printed).
# The restarted vswitchd resynchronises from dbserver and upcalld without
# reinstalling the flows (the same ufids, their counters still growing,
# no new install of them in upcalld) and no statistics go backwards
# (Interface statistics in the database).
P=rsx$$
. "$(dirname "$0")/swlib.sh"
sw_start
host h1 10.83.0.1 && host h2 10.83.0.2 || { fail "hosts"; finish; }
check "br0 with h1 and h2" eval 'netdev_br br0 && vsctl add-port br0 h1 && vsctl add-port br0 h2'
ns h1 ip neigh replace 10.83.0.2 lladdr "$(mac h2)" dev eth0
ns h2 ip neigh replace 10.83.0.1 lladdr "$(mac h1)" dev eth0
check "warm-up ping" pings h1 10.83.0.2 3
rx() { vsctl get interface h1 statistics:rx_packets; }
u0=$(sw_ufids) p0=$(sw_pkts 2) i0=$(sw_installs)
sleep 5.5 # one statistics refresh (5 s) writes rx_packets
r0=$(rx)

ns h1 ping -i 0.01 -c 1000 -W 1 -q 10.83.0.2 >"$T/ping.out" 2>&1 &
pinger=$!
sleep 0.5
for role in dbserver vswitchd tunneld vtepd; do
	sw_kill $role
done
wait $pinger
cat "$T/ping.out"
ping_loss "$T/ping.out"
echo "restart: $lost of $sent pings lost"
check "at most 1 % of the pings lost ($lost of $sent)" [ $((lost * 100)) -le "$sent" ]
check "vswitchd is switching again" eval \
	'grep -q "configuration applied" "$T/log/microvs-vswitchd.log"'
check "the ping's megaflows are the ones from before the restarts" \
	eval '[ "$(sw_ufids)" = "$u0" ]'
p1=$(sw_pkts 2)
check "their counters kept growing ($p0 -> $p1)" [ "$p1" -ge $((p0 + got)) ]
i1=$(sw_installs)
check "upcalld installed no flow again ($i0 -> $i1)" [ "$i1" = "$i0" ]
sleep 5.5
r1=$(rx)
check "Interface statistics did not go backwards (rx_packets $r0 -> $r1)" \
	[ "$r1" -ge $((r0 + got)) ]
check "the new vswitchd sets flows up (purged, then a ping)" eval \
	'oappctl revalidator/purge && pings h2 10.83.0.1 1 && [ "$(sw_installs)" -ge $((i1 + 2)) ]'
finish
