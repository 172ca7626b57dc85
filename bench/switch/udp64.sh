# SPDX-License-Identifier: Apache-2.0
# Sourced by dp_veth.sh and dp_xsk.sh.
# udp64_conf FILE DST_MAC A B C: writes to FILE the trafgen configuration of
# one 60-byte IPv4/UDP frame (64 on a wire with FCS) from A.B.C.1 to
# A.B.C.2, UDP port 9 to 9, checksum 0, for DST_MAC.
udp64_conf() {
	local m; m=$(echo "$2" | sed 's/\([0-9a-f][0-9a-f]\)/0x\1/g; s/:/, /g')
	cat >"$1" <<CFG
{ $m, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x08, 0x00,
  0x45, 0x00, const16(46), const16(1), const16(0x4000), 0x40, 0x11,
  csumip(14, 33), $3, $4, $5, 1, $3, $4, $5, 2,
  const16(9), const16(9), const16(26), const16(0),
  fill(0x00, 18) }
CFG
}
