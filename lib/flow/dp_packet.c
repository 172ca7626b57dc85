/* SPDX-License-Identifier: Apache-2.0 */
/* dp_packet: packet buffers with headroom for pushed headers. */
#include "dp_packet.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct dp_packet *
dp_packet_new(size_t size)
{
	struct dp_packet *p = xzalloc(sizeof *p);

	p->alloc = (uint32_t)(DP_PACKET_HEADROOM + size);
	p->base = xmalloc(p->alloc);
	p->data = p->base + DP_PACKET_HEADROOM;
	p->l3_ofs = p->l4_ofs = DP_OFS_NONE;
	p->in_port = MVS_PORT_NONE;
	return p;
}

struct dp_packet *
dp_packet_clone_data(const void *data, size_t len)
{
	struct dp_packet *p = dp_packet_new(len);

	memcpy(p->data, data, len);
	p->len = (uint32_t)len;
	return p;
}

struct dp_packet *
dp_packet_clone(const struct dp_packet *src)
{
	struct dp_packet *p = dp_packet_clone_data(src->data, src->len);

	p->offload = src->offload;
	p->l3_ofs = src->l3_ofs;
	p->l4_ofs = src->l4_ofs;
	p->hash = src->hash;
	p->in_port = src->in_port;
	return p;
}

struct dp_packet_pool {
	size_t size;
	unsigned max_free, n_free;
	unsigned long n_out; /* packets handed out and not yet back */
	bool released;
	struct dp_packet **free;
};

struct dp_packet_pool *
dp_packet_pool_new(size_t size, unsigned max_free)
{
	struct dp_packet_pool *pool = xzalloc(sizeof *pool);

	pool->size = size;
	pool->max_free = max_free;
	pool->free = xcalloc(max_free, sizeof *pool->free);
	return pool;
}

static void
pool_free(struct dp_packet_pool *pool)
{
	for (unsigned i = 0; i < pool->n_free; i++) {
		free(pool->free[i]->base);
		free(pool->free[i]);
	}
	free(pool->free);
	free(pool);
}

struct dp_packet *
dp_packet_pool_get(struct dp_packet_pool *pool)
{
	struct dp_packet *p;

	if (pool->n_free) {
		p = pool->free[--pool->n_free];
		p->data = p->base + DP_PACKET_HEADROOM;
		p->len = 0;
		memset(&p->offload, 0, sizeof p->offload);
		p->l3_ofs = p->l4_ofs = DP_OFS_NONE;
		p->hash = 0;
		p->in_port = MVS_PORT_NONE;
	} else {
		p = dp_packet_new(pool->size);
	}
	p->pool = pool;
	pool->n_out++;
	return p;
}

void
dp_packet_pool_release(struct dp_packet_pool *pool)
{
	if (!pool)
		return;
	pool->released = true;
	if (!pool->n_out)
		pool_free(pool);
}

/* Takes @p back if it still has the pool's size; true if it did. */
static bool
pool_put(struct dp_packet *p)
{
	struct dp_packet_pool *pool = p->pool;

	pool->n_out--;
	p->pool = NULL;
	if (pool->released) {
		if (!pool->n_out)
			pool_free(pool);
		return false;
	}
	if (pool->n_free == pool->max_free ||
	    p->alloc != DP_PACKET_HEADROOM + pool->size)
		return false;
	p->pool = pool;
	pool->free[pool->n_free++] = p;
	return true;
}

void
dp_packet_free(struct dp_packet *p)
{
	if (!p || (p->pool && pool_put(p)))
		return;
	free(p->base);
	free(p);
}

static void
shift_ofs(uint16_t *ofs, long delta)
{
	if (*ofs == DP_OFS_NONE)
		return;
	long v = (long)*ofs + delta;
	*ofs = v < 0 || v >= DP_OFS_NONE ? DP_OFS_NONE : (uint16_t)v;
}

static void
shift_offload(struct dp_packet *p, long delta)
{
	if (p->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM) {
		long v = (long)p->offload.csum_start + delta;
		p->offload.csum_start = v < 0 ? 0 : (uint16_t)v;
	}
	if (p->offload.gso_type != MVS_GSO_NONE && p->offload.hdr_len) {
		long v = (long)p->offload.hdr_len + delta;
		p->offload.hdr_len = v < 0 ? 0 : (uint16_t)v;
	}
}

uint8_t *
dp_packet_push(struct dp_packet *p, size_t n)
{
	size_t head = (size_t)(p->data - p->base);

	if (head < n) {
		size_t new_alloc = DP_PACKET_HEADROOM + n + p->len;
		uint8_t *nb = xmalloc(new_alloc);

		memcpy(nb + DP_PACKET_HEADROOM + n, p->data, p->len);
		free(p->base);
		p->base = nb;
		p->alloc = (uint32_t)new_alloc;
		p->data = nb + DP_PACKET_HEADROOM;
	} else {
		p->data -= n;
	}
	p->len += (uint32_t)n;
	shift_ofs(&p->l3_ofs, (long)n);
	shift_ofs(&p->l4_ofs, (long)n);
	shift_offload(p, (long)n);
	return p->data;
}

uint8_t *
dp_packet_pull(struct dp_packet *p, size_t n)
{
	assert(n <= p->len);
	p->data += n;
	p->len -= (uint32_t)n;
	shift_ofs(&p->l3_ofs, -(long)n);
	shift_ofs(&p->l4_ofs, -(long)n);
	shift_offload(p, -(long)n);
	return p->data;
}
