/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow_hash: the 5-tuple hash of a key, on its own so that the
 * datapath's hash(l4) action and vswitchd's dp_hash selection (through
 * odp_hash_l4()) share it without the rest of the mask code.
 */
#include "flow.h"

#include <string.h>

uint32_t
flow_hash_5tuple(const struct mvs_key *key, uint32_t basis)
{
	const struct mvs_key_hdr *h = &key->hdr;
	uint64_t s6[2], d6[2], x = basis;

	/* Symmetric: the two directions of a connection hash alike. */
	memcpy(s6, h->ipv6_src, 16);
	memcpy(d6, h->ipv6_dst, 16);
	uint32_t a = h->ipv4_src < h->ipv4_dst ? h->ipv4_src : h->ipv4_dst;
	uint32_t b = h->ipv4_src ^ h->ipv4_dst ^ a;
	uint16_t p = h->tp_src < h->tp_dst ? h->tp_src : h->tp_dst;
	uint16_t q = (uint16_t)(h->tp_src ^ h->tp_dst ^ p);
	x = flow_hash_add64(x, (s6[0] ^ d6[0]) + (s6[1] ^ d6[1]));
	x = flow_hash_add64(x, (s6[0] + d6[0]) ^ (s6[1] + d6[1]));
	x = flow_hash_add64(x, (uint64_t)a << 32 | b);
	x = flow_hash_add64(x, (uint64_t)p << 32 | (uint64_t)q << 16 |
				       h->nw_proto);
	return flow_hash_finish(x);
}
