/* SPDX-License-Identifier: Apache-2.0 */
/* pool: fixed-size objects from large chunks, named by number (pool.h). */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define POOL_ALIGN 16
#define POOL_CHUNK_BYTES 65536

void
pool_init(struct pool *p, size_t obj_size, size_t chunk_bytes)
{
	memset(p, 0, sizeof *p);
	if (obj_size < sizeof(uint32_t))
		obj_size = sizeof(uint32_t);
	p->obj_size = (obj_size + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
	if (!chunk_bytes)
		chunk_bytes = POOL_CHUNK_BYTES;
	/* The largest power of 2 of objects that fits, at least one. */
	while (p->shift < 20 && p->obj_size << (p->shift + 1) <= chunk_bytes)
		p->shift++;
}

void
pool_destroy(struct pool *p)
{
	for (size_t i = 0; i < p->n_chunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	p->chunks = NULL;
	p->n_chunks = p->cap_chunks = 0;
	p->free = 0;
	p->n_used = 0;
}

/* A free object's first word: the next free object's number + 1. */
static uint32_t *
link_of(const struct pool *p, uint32_t n)
{
	return pool_at(p, n);
}

/* Adds a chunk and puts its objects on the free list, the first one
 * first (so that consecutive allocations are adjacent in memory). */
static void
grow(struct pool *p)
{
	size_t per = (size_t)1 << p->shift;
	uint32_t first = (uint32_t)(p->n_chunks << p->shift);

	if (p->n_chunks >= (UINT32_MAX >> p->shift) - 1)
		abort(); /* numbers would not fit */
	ARRAY_GROW(p->chunks, p->n_chunks, p->cap_chunks);
	/* malloc's alignment is 16 on our targets. */
	p->chunks[p->n_chunks++] = xmalloc(p->obj_size * per);
	for (size_t i = per; i-- > 0;) {
		*link_of(p, first + (uint32_t)i) = p->free;
		p->free = first + (uint32_t)i + 1;
	}
}

uint32_t
pool_alloc(struct pool *p)
{
	uint32_t n;

	if (!p->free)
		grow(p);
	n = p->free - 1;
	p->free = *link_of(p, n);
	p->n_used++;
	memset(pool_at(p, n), 0, p->obj_size);
	return n;
}

void
pool_free(struct pool *p, uint32_t n)
{
	*link_of(p, n) = p->free;
	p->free = n + 1;
	p->n_used--;
}
