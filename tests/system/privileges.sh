#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Each process runs with exactly its role's uid and capability set:
# /proc/PID/status (Uid, CapEff, CapPrm, CapBnd, CapAmb, NoNewPrivs,
# Seccomp, and every thread's CapEff and Seccomp)
# against the role table (microvs-ctl roles) and against the literal
# expectations of DESIGN.md.
. "$(dirname "$0")/lib.sh"
need_root
start_instance

declare -A design=( [dbserver]=0 [vswitchd]=0 [vtepd]=0
		    [upcalld]=0x3000 [tunneld]=0 )
while read -r name binary user mask; do
	pid=$(pidof_role "$name")
	st=/proc/$pid/status
	[ -r "$st" ] || { fail "$name has no live pid"; continue; }
	uid=$(id -u "$user")
	read -r _ ru eu su fu < <(grep '^Uid:' "$st")
	check "$name uid is $user ($uid) in all four slots" \
		test "$ru $eu $su $fu" = "$uid $uid $uid $uid"
	gid=$(getent group microvs | cut -d: -f3)
	read -r _ rg eg sg fg < <(grep '^Gid:' "$st")
	check "$name gid is microvs" test "$rg $eg $sg $fg" = "$gid $gid $gid $gid"
	groups=$(awk '/^Groups:/ {print $2}' "$st")
	check "$name has no supplementary group but microvs" \
		test "${groups:-$gid}" = "$gid"
	for f in CapEff CapPrm CapBnd; do
		v=$(awk "/^$f:/ {print \$2}" "$st")
		check "$name $f = table $mask" test $((16#$v)) -eq $((mask))
		check "$name $f = DESIGN.md ${design[$name]}" \
			test $((16#$v)) -eq $((design[$name]))
	done
	v=$(awk '/^CapAmb:/ {print $2}' "$st")
	check "$name CapAmb empty" test $((16#$v)) -eq 0
	check "$name NoNewPrivs" grep -q '^NoNewPrivs:[[:space:]]*1' "$st"
	check "$name seccomp filter on (mode 2)" grep -q '^Seccomp:[[:space:]]*2' "$st"
	for tid in /proc/$pid/task/*; do
		grep -q '^Seccomp:[[:space:]]*2' "$tid/status" ||
			fail "$name thread ${tid##*/} has no seccomp filter"
		v=$(awk '/^CapEff:/ {print $2}' "$tid/status")
		[ $((16#$v)) -le $((mask)) ] ||
			fail "$name thread ${tid##*/} has CapEff $v"
	done
done < <($CTL roles)
finish
