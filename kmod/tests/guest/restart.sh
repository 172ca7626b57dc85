# SPDX-License-Identifier: Apache-2.0
# Installed flows do not depend on the process that installed them: the
# controller that set them up is killed (-9) in the middle of a 10 ms
# ping, and at most 1 % of the pings are lost.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 2
bg /tmp/k11-hub $K listen $DP --hub -t 60
hub=$!
expect "the controller sets the flows up" in_ns 1 ping -c 2 -i 0.2 -W 2 -q 192.0.2.2
in_ns 1 ping -c 300 -i 0.01 -W 1 192.0.2.2 >/tmp/k11-ping &
sleep 1
kill -9 $hub
wait
cat /tmp/k11-ping | tail -3
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' /tmp/k11-ping)
expect "at most 1 % of 300 pings lost across kill -9 ($loss %)" \
	awk -v l="$loss" 'BEGIN { exit !(l <= 1) }'
finish
