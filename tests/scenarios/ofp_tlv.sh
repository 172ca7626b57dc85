#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The TLV mapping table (Geneve options to tun_metadata0..63): the same
# add-tlv-map / del-tlv-map / dump-tlv-map sequence (mappings, the
# errors NXTTMFC_ALREADY_MAPPED, _DUP_ENTRY, _BAD_OPT_LEN, _BAD_FIELD_IDX,
# _TABLE_FULL with nothing applied, deletes, clear, OpenFlow 1.0, 1.3 and
# 1.5, the mapping syntax's errors) against microvs-vswitchd and against
# real Open vSwitch 3.1 (netdev bridge, own namespace): every output and
# exit status the same, twice: with Debian's ovs-ofctl on microvs, then
# with ours.
P=oftlv$$
. "$(dirname "$0")/swlib.sh"
sw_start
ovs_ref_start
ovs ovs-vsctl --db=unix:$O/db.sock --timeout=20 add-br br0 -- \
	set bridge br0 datapath_type=netdev || fail "real Open vSwitch: br0"
check "microvs: br0 (netdev)" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev

# Error replies are printed with a timestamped warning first.
ofdiff_filter() { sed -e 's/^[0-9T:.-]*Z|[0-9]*|/TIME|/'; }
# same WHO DESC ARGS...: ovs-ofctl ARGS on Open vSwitch (Debian's) and
# on microvs (WHO: m Debian's, u ours) print the same, exit the same.
same() {
	local who=$1 d=$2
	shift 2
	ofdiff_run o "$@"
	ofdiff_run "$who" "$@"
	check "$d ($who)" diff -u "$T/out.o" "$T/out.$who"
}
sequence() {
	local w=$1
	same $w "dump-tlv-map, empty" dump-tlv-map br0
	same $w "add-tlv-map" add-tlv-map br0 "{class=0xffff,type=0,len=4}->tun_metadata0"
	same $w "add-tlv-map, two at once" add-tlv-map br0 \
		"{class=0x0102,type=0x80,len=124}->tun_metadata63,{class=1,type=2,len=8}->tun_metadata5"
	same $w "dump-tlv-map" dump-tlv-map br0
	same $w "dump-tlv-map (OpenFlow 1.3)" -O OpenFlow13 dump-tlv-map br0
	same $w "dump-tlv-map (OpenFlow 1.5)" -O OpenFlow15 dump-tlv-map br0
	same $w "index taken: NXTTMFC_ALREADY_MAPPED" add-tlv-map br0 \
		"{class=0xffff,type=9,len=4}->tun_metadata0"
	same $w "option mapped: NXTTMFC_DUP_ENTRY" add-tlv-map br0 \
		"{class=0xffff,type=0,len=4}->tun_metadata1"
	same $w "length 5: NXTTMFC_BAD_OPT_LEN" add-tlv-map br0 \
		"{class=1,type=3,len=5}->tun_metadata6"
	same $w "length 128: NXTTMFC_BAD_OPT_LEN" add-tlv-map br0 \
		"{class=1,type=3,len=128}->tun_metadata6"
	same $w "index 64: NXTTMFC_BAD_FIELD_IDX" add-tlv-map br0 \
		"{class=1,type=3,len=4}->tun_metadata64"
	same $w "over 256 bytes: NXTTMFC_TABLE_FULL, nothing added" \
		add-tlv-map br0 "{class=2,type=0,len=4}->tun_metadata10,{class=2,type=1,len=124}->tun_metadata11"
	same $w "a mod that fails changes nothing" dump-tlv-map br0
	same $w "a lone mapping's own duplicate" add-tlv-map br0 \
		"{class=3,type=0,len=4}->tun_metadata20,{class=3,type=0,len=4}->tun_metadata21"
	same $w "syntax: a space before the comma" add-tlv-map br0 \
		"{class=4,type=0,len=4}->tun_metadata30 ,{class=4,type=1,len=4}->tun_metadata31"
	same $w "syntax: a space after the comma" add-tlv-map br0 \
		"{class=4,type=0,len=4}->tun_metadata30, {class=4,type=1,len=4}->tun_metadata31"
	same $w "syntax: trailing space" add-tlv-map br0 \
		"{class=4,type=0,len=4}->tun_metadata30 "
	same $w "syntax: no field" add-tlv-map br0 "{class=4,type=0,len=4}"
	same $w "syntax: no comma, space before the index, class wraps" \
		add-tlv-map br0 \
		"{class=0x10004,type=7,len=4}->tun_metadata 32{class=4,type=8,len=4}->tun_metadata33"
	same $w "syntax: numbers wrap, length 0" -O OpenFlow10 add-tlv-map br0 \
		"{class=-1,type=300,len=0}->tun_metadata40"
	same $w "add-tlv-map with no mapping" add-tlv-map br0 ""
	same $w "dump-tlv-map after the adds" dump-tlv-map br0
	same $w "del-tlv-map one, one never mapped" del-tlv-map br0 \
		"{class=0xffff,type=0,len=4}->tun_metadata0,{class=9,type=9,len=4}->tun_metadata9"
	same $w "dump-tlv-map after del-tlv-map" dump-tlv-map br0
	same $w "del-tlv-map (clear)" del-tlv-map br0
	same $w "dump-tlv-map after clear" dump-tlv-map br0
}
# Flows on tun_metadata: matches (masked, present only, longer than the
# mapping), set_field, load and move, the errors for unmapped fields and
# for deleting a mapping in use.
flows() {
	local w=$1 f
	same $w "add-tlv-map for flows" add-tlv-map br0 \
		"{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=1,len=8}->tun_metadata1"
	same $w "match unmapped: NXFMFC_INVALID_TLV_FIELD" add-flow br0 \
		"tun_metadata3=1,actions=drop"
	same $w "set_field unmapped" add-flow br0 "actions=set_field:1->tun_metadata4"
	same $w "move unmapped" add-flow br0 \
		"actions=move:tun_metadata5[0..7]->NXM_NX_REG0[0..7]"
	same $w "match" add-flow br0 "tun_metadata0=0x1234,actions=drop"
	same $w "longer than the mapping" add-flow br0 \
		"priority=5,tun_metadata0=0x1122334455667788,actions=drop"
	f="tun_metadata1=0x10/0xf0,tun_metadata0=0x1,actions=set_field:0x99->tun_metadata1,load:0x7->tun_metadata0[0..7],move:tun_metadata0[0..15]->NXM_NX_REG0[0..15],move:NXM_NX_REG1[]->tun_metadata1[0..31],output:1"
	same $w "set_field, load, move" add-flow br0 "$f"
	same $w "present only" add-flow br0 "priority=6,tun_metadata0=0/0,actions=drop"
	same $w "zero; set_field longer than the mapping" add-flow br0 \
		"priority=7,tun_metadata1=0,actions=set_field:0x1234567890->tun_metadata0"
	same $w "OpenFlow 1.3, an exact byte mask" -O OpenFlow13 add-flow br0 \
		"priority=8,tun_metadata1=0x5/0xff,actions=drop"
	same $w "dump-flows" --sort --no-stats dump-flows br0
	same $w "dump-flows (OpenFlow 1.5)" -O OpenFlow15 --sort --no-stats dump-flows br0
	same $w "mapping in use: NXTTMFC_INVALID_TLV_DEL" del-tlv-map br0 \
		"{class=0xffff,type=0,len=4}->tun_metadata0"
	same $w "del-flows on a match" del-flows br0 "tun_metadata0=0x1234"
	same $w "del-flows unmapped" del-flows br0 "tun_metadata6=1"
	same $w "dump-flows after" --sort --no-stats dump-flows br0
	same $w "del-flows" del-flows br0
	same $w "del-tlv-map once unused" del-tlv-map br0
}
sequence m
sequence u
flows m
flows u
finish
