/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hix: an open-addressing index from 32-bit hashes to 32-bit ids (linear
 * probing, deletion by backward shift), for large tables of records that
 * live elsewhere and are found by number (upcalld's megaflows in their
 * memfd slots).  A slot is 8 bytes, the hash beside the id, so a lookup
 * that misses, the common case when every packet is a new flow, reads one
 * or two adjacent cache lines and no record; a chained map walks its
 * bucket's records, a cache miss each.  At most three quarters full, so it
 * costs no more memory per entry than a chained map's buckets.
 *
 * Ids are the caller's (any value but HIX_NONE); several entries may have
 * one hash, and the caller tells them apart.  Not thread-safe.
 */
#ifndef MICROVS_HIX_H
#define MICROVS_HIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIX_NONE UINT32_MAX

struct hix_slot {
	uint32_t hash;
	uint32_t id1; /* id + 1; 0: empty */
};

struct hix {
	struct hix_slot *slots;
	size_t mask; /* slots - 1, a power of 2 minus 1 */
	size_t n;    /* entries */
};

/* Makes @ix empty (64 slots). */
void hix_init(struct hix *ix);
/* Frees the slots. */
void hix_destroy(struct hix *ix);
/* Adds (@hash, @id) (@id != HIX_NONE); an equal entry may already be
 * there (then it is there twice). */
void hix_insert(struct hix *ix, uint32_t hash, uint32_t id);
/* Removes one entry (@hash, @id); false if there is none. */
bool hix_remove(struct hix *ix, uint32_t hash, uint32_t id);

/* Lookup: the ids with @hash, each once, in no particular order:
 *	size_t pos = hix_start(ix, hash);
 *	for (uint32_t id; (id = hix_next(ix, hash, &pos)) != HIX_NONE;)
 *		...
 * @ix must not change during the loop. */
static inline size_t
hix_start(const struct hix *ix, uint32_t hash)
{
	return hash & ix->mask;
}

static inline uint32_t
hix_next(const struct hix *ix, uint32_t hash, size_t *pos)
{
	for (;;) {
		const struct hix_slot *s = &ix->slots[*pos];

		if (!s->id1)
			return HIX_NONE;
		*pos = (*pos + 1) & ix->mask;
		if (s->hash == hash)
			return s->id1 - 1;
	}
}

/* Asks the processor to fetch the slots a lookup of @hash starts at:
 * a batch of lookups prefetched first waits on memory once, not once a
 * lookup. */
static inline void
hix_prefetch(const struct hix *ix, uint32_t hash)
{
	__builtin_prefetch(&ix->slots[hash & ix->mask]);
}

/* Every id: for (size_t i = 0; i <= ix->mask; i++) if (HIX_AT(ix, i) !=
 * HIX_NONE) ...  (@ix must not change during the loop.) */
#define HIX_AT(IX, I) ((IX)->slots[I].id1 - 1)

#endif
