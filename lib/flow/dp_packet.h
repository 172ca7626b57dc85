/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dp_packet: one packet in the userspace datapath, with room in front for
 * headers that actions push (VLAN tags, tunnel headers) and the offload
 * state it arrived with (struct mvs_offload: partial checksum, GSO), which
 * travels with it to the port it leaves by.
 *
 * Packets are owned by whoever holds them; a batch (struct dp_batch) is a
 * fixed array of pointers, the unit of every receive, lookup and send.
 */
#ifndef MICROVS_DP_PACKET_H
#define MICROVS_DP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microvs_dp.h"

#define DP_PACKET_HEADROOM 128 /* room for a VXLAN/Geneve outer header */
#define DP_BATCH_MAX 64	       /* packets per receive, lookup and send */
#define DP_OFS_NONE 0xffff

struct dp_packet_pool;

struct dp_packet {
	uint8_t *base;	/* the allocation */
	uint8_t *data;	/* the frame: base + headroom */
	uint32_t len;	/* bytes at data */
	uint32_t alloc; /* bytes at base */
	struct mvs_offload offload;
	/* Set by flow_extract(): offsets from data of the network and
	 * transport headers, DP_OFS_NONE when absent. */
	uint16_t l3_ofs, l4_ofs;
	uint32_t hash;		     /* flow hash (0: not computed) */
	uint32_t in_port;	     /* datapath port it arrived on */
	struct dp_packet_pool *pool; /* dp_packet_free returns it there */
};

struct dp_batch {
	unsigned n;
	struct dp_packet *pkts[DP_BATCH_MAX];
};

/* A packet with room for @size bytes of frame after DP_PACKET_HEADROOM;
 * len 0.  Aborts on exhaustion (like xmalloc). */
struct dp_packet *dp_packet_new(size_t size);
/* A copy of @len bytes at @data (headroom added). */
struct dp_packet *dp_packet_clone_data(const void *data, size_t len);
struct dp_packet *dp_packet_clone(const struct dp_packet *p);
void dp_packet_free(struct dp_packet *p);

/* A pool of packets of one size, for receive paths that must offer a
 * buffer as large as the largest packet (64 KB with GSO) before they know
 * the size: dp_packet_free() hands a pooled packet back instead of
 * freeing it, so receiving allocates nothing in the steady state. */
struct dp_packet_pool *dp_packet_pool_new(size_t size, unsigned max_free);
/* A packet of the pool's size, len 0 (reused or allocated). */
struct dp_packet *dp_packet_pool_get(struct dp_packet_pool *pool);
/* The owner lets go of @pool: it is freed once its last packet is. */
void dp_packet_pool_release(struct dp_packet_pool *pool);

/* Makes room for @n bytes in front of data (taking them from the headroom,
 * or reallocating) and returns the new start.  The offsets from
 * flow_extract() move with the data. */
uint8_t *dp_packet_push(struct dp_packet *p, size_t n);
/* Removes @n bytes from the front (n <= len) and returns the new start. */
uint8_t *dp_packet_pull(struct dp_packet *p, size_t n);

static inline uint8_t *
dp_packet_l3(const struct dp_packet *p)
{
	return p->l3_ofs == DP_OFS_NONE ? NULL : p->data + p->l3_ofs;
}

static inline uint8_t *
dp_packet_l4(const struct dp_packet *p)
{
	return p->l4_ofs == DP_OFS_NONE ? NULL : p->data + p->l4_ofs;
}

#endif
