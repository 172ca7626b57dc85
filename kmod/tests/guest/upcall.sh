# SPDX-License-Identifier: Apache-2.0
# Misses reach userspace: a listener sees them with the port they came
# from; as a hub controller (install a flow per miss, execute the packet)
# it makes two namespaces ping each other, after which the flows forward
# without it.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
bg /tmp/k11-up $K listen $DP -n 1 -t 10
in_ns 1 ping -c 1 -W 1 -q 192.0.2.2 >/dev/null
wait
cat /tmp/k11-up
expect "a miss from port 1 reached userspace" \
	grep -q 'upcall miss port=1 len=42 eth_type=0x0806' /tmp/k11-up
expect "counted as missed" [ "$(dp_counter missed)" -ge 1 ]

# The hub stays until killed (its 30 s without an upcall only ends a
# hang): a slow guest can take seconds to start the ping.
bg /tmp/k11-hub $K listen $DP --hub -t 30
hub=$!
expect "ping through the hub controller (upcall, install, execute)" \
	in_ns 1 ping -c 3 -i 0.3 -W 3 -q 192.0.2.2
kill $hub
wait
cat /tmp/k11-hub
dump=$($K dump-flows $DP)
echo "$dump"
expect "the controller installed a flow per port" [ "$(grep -c actions <<<"$dump")" = 2 ]
expect "the controller is gone and the flows still forward" \
	in_ns 2 ping -c 3 -i 0.2 -W 2 -q 192.0.2.1
finish
