# SPDX-License-Identifier: Apache-2.0
# The kernel's flow keys equal lib/flow's flow_extract() on the same
# frames (kctl_keys.c has the corpus), sent through a veth pair whose one
# end is a port.
. "$(dirname "$0")/lib.sh"
new_dp
ip link add k11-kp type veth peer name k11-kc
for d in k11-kp k11-kc; do
	sysctl -qw net.ipv6.conf.$d.disable_ipv6=1
	ip link set $d up
done
$K add-if $DP k11-kp >/dev/null
expect "kernel keys equal lib/flow's on every frame" $K keycheck $DP k11-kc
ip link del k11-kp
finish
