/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet's flow key (struct mvs_key of the uAPI) and the 5-tuple
 * hash, computed exactly as userspace's lib/flow does.
 */
#ifndef MVS_FLOW_KEY_H
#define MVS_FLOW_KEY_H

#include <linux/skbuff.h>

#include "microvs_dp.h"

struct mvs_pkt;

/* What mvs_flow_extract() says about the packet, as userspace's
 * enum flow_status: 0 when every header it announced was whole.
 */
enum mvs_flow_status {
	MVS_FLOW_OK = 0,
	MVS_FLOW_TRUNCATED = 1,
	MVS_FLOW_MALFORMED = 2,
};

/*
 * Fills @pkt->key.hdr from @skb, whose data starts at the Ethernet header
 * (an accelerated VLAN tag counts as the outer tag, as if it were in the
 * bytes), and sets the skb's network header and, when @pkt->l4 comes back
 * true, its transport header.  key.meta and key.tun are the caller's.
 * Never reads past skb->len and does not change the packet.
 */
enum mvs_flow_status mvs_flow_extract(struct sk_buff *skb, struct mvs_pkt *pkt);

/* The symmetric 5-tuple hash of @key (userspace's flow_hash_5tuple()):
 * what MVS_ACTION_ATTR_HASH puts in dp_hash.
 */
u32 mvs_flow_hash_5tuple(const struct mvs_key *key, u32 basis);

#endif /* MVS_FLOW_KEY_H */
