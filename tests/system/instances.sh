#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Several complete instances on one machine (--instance NAME), one of them
# inside its own network namespace as the two-host scenarios run them:
# each answers on its own bus, and stopping one leaves the other running.
. "$(dirname "$0")/lib.sh"
need_root
a=mvtest-a-$$ b=mvtest-b-$$ ns=mvtest-ns-$$
cleanup() {
	$CTL --instance=$a stop >/dev/null 2>&1
	ip netns exec $ns $CTL --instance=$b stop >/dev/null 2>&1
	ip netns del $ns 2>/dev/null
	rm -rf /run/microvs-$a /var/lib/microvs-$a /var/log/microvs-$a \
	       /run/microvs-$b /var/lib/microvs-$b /var/log/microvs-$b
}
trap cleanup EXIT
ip netns add $ns || { echo "skip: cannot create a network namespace"; exit 77; }

check "start instance $a" eval '$CTL --instance=$a start >/dev/null'
check "start instance $b in netns $ns" \
	eval 'ip netns exec $ns $CTL --instance=$b start >/dev/null'
pa=$(cat /run/microvs-$a/vswitchd.pid) pb=$(cat /run/microvs-$b/vswitchd.pid)
check "two different vswitchd processes" test "$pa" != "$pb"
check "$b's vswitchd is in $ns" \
	test "$(readlink /proc/$pb/ns/net)" = "$(ip netns exec $ns readlink /proc/self/ns/net)"
check "$a's vswitchd is not" \
	test "$(readlink /proc/$pa/ns/net)" != "$(readlink /proc/$pb/ns/net)"
for i in $a $b; do
	check "$i answers on its own bus" \
		eval '$APPCTL --rundir /run/microvs-$i -t vswitchd version >/dev/null'
	check "$i directories exist" test -d /var/lib/microvs-$i -a -d /var/log/microvs-$i
done
check "stop $a" eval '$CTL --instance=$a stop >/dev/null'
check "$a is gone" eval '! $APPCTL --rundir /run/microvs-$a -t vswitchd version 2>/dev/null'
check "$b still answers" eval '$APPCTL --rundir /run/microvs-$b -t vswitchd version >/dev/null'
check "$b's vswitchd kept its pid" test "$(cat /run/microvs-$b/vswitchd.pid)" = "$pb"
finish
