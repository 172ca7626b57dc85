/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow: the flow key of a packet (flow_extract, the reference both fast
 * paths follow) and the masked hashing and comparison the megaflow table
 * is built on.
 *
 * Masked operations work on the key as MVS_KEY_WORDS 64-bit words.  A
 * mask's struct flow_words lists the words it leaves non-zero, so hashing
 * and comparing a key under that mask costs only those words (an L2 flow:
 * 3 or 4 of the 34).
 */
#ifndef MICROVS_FLOW_H
#define MICROVS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_packet.h"
#include "microvs_dp.h"

#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_IPV6 0x86dd
#define ETH_HDR_LEN 14
#define VLAN_HDR_LEN 4

/* A 16-bit big-endian field at @p, in host order (any alignment). */
static inline uint16_t
flow_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
flow_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Adds @n bytes at @p to a one's-complement sum (not folded). */
static inline uint32_t
flow_csum_add(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += flow_get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* The Internet checksum of a sum: folded and inverted. */
static inline uint16_t
flow_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* What flow_extract() says about the packet: 0 when every header it
 * announced was whole and consistent; otherwise the packet was still
 * classified as far as it goes (fields stop where the trouble starts). */
enum flow_status {
	FLOW_OK = 0,
	FLOW_TRUNCATED = 1, /* the packet ends inside a header it announces */
	FLOW_MALFORMED = 2, /* a header contradicts itself (IHL < 5, ...) */
};

/* Fills @key->hdr from the frame in @p (key->meta and key->tun are the
 * caller's: in_port, recirculation and tunnel metadata are not in the
 * bytes), and sets p->l3_ofs/l4_ofs.  Never reads past p->len.  Follows
 * Open vSwitch's flow.c: ICMP type/code in tp_src/tp_dst, ARP opcode in
 * nw_proto, 802.3 frames MVS_ETH_TYPE_NONE, later fragments have no L4,
 * nw_tos keeps DSCP and ECN.  Returns an enum flow_status. */
enum flow_status flow_extract(struct dp_packet *p, struct mvs_key *key);

/* The words a mask uses. */
struct flow_words {
	uint8_t n;
	uint8_t idx[MVS_KEY_WORDS];
};

static inline const uint64_t *
flow_key_u64(const struct mvs_key *k)
{
	return (const uint64_t *)(const void *)k;
}

/* Lists the non-zero words of @mask in @w. */
void flow_words_init(struct flow_words *w, const struct mvs_key *mask);

/* Hash of @key & @mask over the words @w lists. */
uint32_t flow_hash_masked(const struct mvs_key *key, const struct mvs_key *mask,
			  const struct flow_words *w, uint32_t basis);

/* True if @a and @b agree on every bit @mask sets, over @w's words
 * (neither needs to be masked). */
bool flow_equal_masked(const struct mvs_key *a, const struct mvs_key *b,
		       const struct mvs_key *mask, const struct flow_words *w);

/* @dst = @key & @mask, word by word. */
void flow_key_and(struct mvs_key *dst, const struct mvs_key *key,
		  const struct mvs_key *mask);

/* True if every bit set in @key is set in @mask (key & mask == key). */
bool flow_key_is_masked(const struct mvs_key *key, const struct mvs_key *mask);

/* The 5-tuple hash of an extracted key (addresses, ports, protocol),
 * cheap and stable: what the mask cache and MVS_HASH_ALG_L4 use. */
uint32_t flow_hash_5tuple(const struct mvs_key *key, uint32_t basis);

static inline uint32_t
flow_hash_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static inline uint64_t
flow_hash_add64(uint64_t h, uint64_t v)
{
	v *= 0x87c37b91114253d5ull;
	v = (v << 31) | (v >> 33);
	v *= 0x4cf5ad432745937full;
	h ^= v;
	h = (h << 27) | (h >> 37);
	return h * 5 + 0x52dce729;
}

#endif
