/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pool: fixed-size objects carved from large chunks, named by number.
 * For records made and dropped by the hundred thousand (vswitchd's
 * megaflow records): an allocation or a free is a few stores, with no
 * per-object malloc header and no glibc consolidation of freed small
 * chunks, and a 32-bit number names an object where a pointer would take
 * 64 bits (an index can hold the number: lib/hix.h).  Memory goes back to
 * malloc at pool_destroy(); an emptied pool keeps its chunks for the next
 * objects (what it held at its largest: after a purge of all megaflows,
 * new ones take the same memory again without page faults).  Not
 * thread-safe.
 */
#ifndef MICROVS_POOL_H
#define MICROVS_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool {
	size_t obj_size; /* rounded up to 16 bytes */
	unsigned shift;	 /* a chunk holds 1 << shift objects */
	uint32_t free;	 /* first free object's number + 1; 0: none */
	char **chunks;
	size_t n_chunks, cap_chunks;
	size_t n_used; /* objects handed out and not freed */
};

/* Makes @p hand out objects of @obj_size bytes, 16-byte aligned, taken
 * from chunks of about @chunk_bytes (0: 64 kB; at least one object).
 * Allocates nothing yet. */
void pool_init(struct pool *p, size_t obj_size, size_t chunk_bytes);

/* Frees every chunk.  Objects still in use become invalid. */
void pool_destroy(struct pool *p);

/* Makes a zeroed object and returns its number (for pool_at and
 * pool_free).  Never fails (aborts when out of memory, as xmalloc). */
uint32_t pool_alloc(struct pool *p);

/* The object numbered @n, which is in use. */
static inline void *
pool_at(const struct pool *p, uint32_t n)
{
	return p->chunks[n >> p->shift] +
	       (size_t)(n & ((1u << p->shift) - 1)) * p->obj_size;
}

/* Gives back the object numbered @n (in use; its number may be handed
 * out again).  The memory stays the pool's. */
void pool_free(struct pool *p, uint32_t n);

/* Objects handed out and not freed. */
static inline size_t
pool_n_used(const struct pool *p)
{
	return p->n_used;
}

#endif
