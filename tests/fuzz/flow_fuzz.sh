#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds lib/flow/flow_fuzz.c with clang's libFuzzer, ASan and UBSan and runs
# it for MICROVS_FLOW_FUZZ_SECONDS (default 30): packets into flow_extract,
# action lists into odp_actions_check, dpctl text into the parsers, tunnel
# packets into tnl_parse (the decapsulation of TUNNEL_POP, IPv4 and IPv6
# outer headers).
# Skipped (77) without clang/libFuzzer.
# Usage: flow_fuzz.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
secs=${MICROVS_FLOW_FUZZ_SECONDS:-30}
. "$(dirname "$0")/fuzzlib.sh"
fuzz_init
f=$src/lib/flow
fuzz_build flow_fuzz -fno-sanitize-recover=undefined \
	-I"$f" -I"$src/lib" -I"$src/include/uapi" -I"$build" \
	"$f/flow_fuzz.c" "$f/flow_extract.c" "$f/flow_mask.c" "$f/dp_packet.c" \
	"$f/nlattr.c" "$f/tnl.c" "$f/odp_format.c" "$f/odp_parse.c" "$f/odp_actions.c" \
	"$f/flow_hash.c" \
	"$src/lib/util.c"
# Seed corpus: an IPv4/TCP frame, a VLAN-tagged ARP, actions, a key.
printf '\000\002\000\000\000\000\013\002\000\000\000\000\012\010\000\105\000\000\050\000\001\000\000\100\006\000\000\012\000\000\001\012\000\000\002\004\322\000\120\000\000\000\001\000\000\000\000\120\022\377\377\000\000\000\000' >"$work/corpus/tcp"
printf '\000\377\377\377\377\377\377\002\000\000\000\000\012\201\000\000\012\010\006\000\001\010\000\006\004\000\001\002\000\000\000\000\012\012\000\000\001\000\000\000\000\000\000\012\000\000\002' >"$work/corpus/arp"
printf '\001\010\000\001\000\002\000\000\000\004\000\012\000' >"$work/corpus/actions"
printf '\002in_port(1),eth(src=00:00:00:00:00:01/ff:ff:ff:00:00:00),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(src=10.0.0.1/255.255.255.0,proto=6,frag=no),tcp(src=1,dst=2),tcp_flags(+syn-ack))' >"$work/corpus/key"
printf '\002push_vlan(tpid=0x88a8,vid=5,pcp=0),clone(pop_vlan,1),sample(sample=50.0%%,actions(1)),userspace(pid=0,userdata(0102)),set(tcp(src=5/0xff)),2' >"$work/corpus/acts"
# A VXLAN frame (selector 3: VXLAN) and a Geneve one with an option
# (selector 11: Geneve).
printf '\003\004\004\004\004\004\004\002\002\002\002\002\002\010\000\105\000\000\136\000\007\100\000\100\021\000\000\300\250\115\001\300\250\115\002\224\066\022\265\000\112\000\000\010\000\000\000\000\000\041\000\000\001\002\003\004\005\006\007\010\011\012\013\010\000\105\000\000\050\000\001\000\000\100\006\000\000\012\000\000\001\012\000\000\002\004\322\000\120\000\000\000\001\000\000\000\000\120\022\377\377\000\000\000\000' >"$work/corpus/vxlan"
printf '\013\004\004\004\004\004\004\002\002\002\002\002\002\010\000\105\000\000\106\000\007\100\000\100\021\000\000\300\250\115\001\300\250\115\002\224\066\027\301\000\062\000\000\002\000\145\130\000\000\041\000\001\002\003\001\336\255\276\357\000\001\002\003\004\005\006\007\010\011\012\013\010\000' >"$work/corpus/geneve"
# VXLAN over IPv6 (selector 3).
printf '\003\004\004\004\004\004\004\002\002\002\002\002\002\206\335\140\001\043\105\000\106\021\100\375\167\000\000\000\000\000\000\000\000\000\000\000\000\000\001\375\167\000\000\000\000\000\000\000\000\000\000\000\000\000\002\224\066\022\265\000\106\000\000\010\000\000\000\000\000\041\000\004\004\004\004\004\004\002\002\002\002\002\002\010\000\105\000\000\050\000\001\000\000\100\006\000\000\012\000\000\001\012\000\000\002\004\322\000\120\000\000\000\001\000\000\000\000\120\032\377\377\000\000\000\000' >"$work/corpus/vxlan6"
fuzz_run flow_fuzz "$secs" 2048
