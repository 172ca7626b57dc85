# SPDX-License-Identifier: Apache-2.0
# The switching scenarios S2, S5, S10 and S11 (tests/scenarios/) on the
# kernel datapath (S10 and S11 unless KMOD_SCENARIOS says otherwise): each as it runs in the suite (its own instance in its
# own switch namespace, hosts on veths), with MICROVS_DP_TYPE=system, so
# its bridges are datapath_type=system: vswitchd drives upcalld's system
# class, which drives microvs.ko in the switch's namespace.  Deleting the
# namespace at the end takes its datapath along (run.sh's unload check
# finds any object left).
. "$(dirname "$0")/lib.sh"
S=${MVS_SRC:?}/tests/scenarios
ip netns add kmod11-ns
ip netns exec kmod11-ns $K add-dp k11ns >/dev/null
refuse "a datapath made in a namespace is not seen from another" $K show k11ns
expect "... but in its own" ip netns exec kmod11-ns $K show k11ns
# Deleting the namespace takes the datapath along (else the core warns
# that devices remain, which run.sh's dmesg check catches).
ip netns del kmod11-ns
# By default S10 and S11, whose packets exercise the module most (VLAN
# push/pop; misses, megaflows, revalidation, flow limit): a scenario costs
# about a minute in the guest.  KMOD_SCENARIOS=all runs the four.
list=${KMOD_SCENARIOS:-s10_datapath_vlan s11_packet_walk}
[ "$list" = all ] && list="s02_two_nics s05_patch s10_datapath_vlan s11_packet_walk"
for s in $list; do
	MICROVS_BUILD=${MVS_BUILD:?} MICROVS_DP_TYPE=system \
		bash "$S/$s.sh" >/tmp/k11-$s.log 2>&1
	rc=$?
	sed 's/^/  /' /tmp/k11-$s.log
	expect "scenario $s on the system datapath (rc=$rc)" [ $rc = 0 ]
done
expect "their datapaths lived in the switch namespaces, none here" \
	[ -z "$($K show 2>/dev/null)" ]
finish
