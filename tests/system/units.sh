#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The committed systemd units are what the role table generates, and
# `systemd-analyze verify` passes on each.  Prints each unit's exposure
# (systemd-analyze security --offline=true) beside Debian's Open vSwitch.
. "$(dirname "$0")/lib.sh"
S=${MICROVS_SRC:?}
command -v systemd-analyze >/dev/null || { echo "skip: no systemd-analyze"; exit 77; }
T=$(mktemp -d /tmp/microvs-units.XXXXXX)
trap 'rm -rf "$T"' EXIT
$CTL --bindir=/usr/local/bin systemd-units "$T/committed"
check "systemd/ is up to date with lib/roles.c" diff -r "$S/systemd" "$T/committed"
for u in "$S"/systemd/*.service; do
	check "$(basename "$u") raises the open-file limit" \
		grep -qx "LimitNOFILE=1048576" "$u"
done
check "run and log directories are sticky" \
	eval 'test "$(grep -c "^d .* 3770 root microvs" "$S/systemd/microvs-tmpfiles.conf")" = 2'
mkdir "$T/bin"
for r in $ROLES; do ln -s "$B/procs/$r/microvs-$r" "$T/bin/"; done
$CTL --bindir="$T/bin" systemd-units "$T/u"
for u in "$T"/u/*.service "$T/u/microvs.target"; do
	out=$(cd "$T/u" && systemd-analyze verify "./$(basename "$u")" 2>&1)
	check "verify $(basename "$u") ${out:+($out)}" test -z "$out"
done
for u in "$T"/u/*.service; do
	echo "exposure $(basename "$u"): $(systemd-analyze security --offline=true "$u" 2>/dev/null | tail -1 | sed 's/.*: //')"
done
for u in ovs-vswitchd ovsdb-server; do
	f=/lib/systemd/system/$u.service
	[ -f "$f" ] && echo "exposure $u.service (Debian): $(systemd-analyze security --offline=true "$f" 2>/dev/null | tail -1 | sed 's/.*: //')"
done
finish
