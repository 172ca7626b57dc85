/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hmap: a small intrusive chained hash map (rows by UUID in the OVSDB
 * engine, flows and ports in the data plane).  The caller embeds a
 * struct hnode in its element and supplies the hash; lookups walk one
 * bucket and compare with the caller's own key test.
 */
#ifndef MICROVS_HMAP_H
#define MICROVS_HMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct hmap {
	struct hnode **buckets;
	size_t mask;
	size_t n;
};

#define HMAP_CONTAINER(PTR, TYPE, MEMBER) \
	((TYPE *)(void *)((char *)(PTR)-offsetof(TYPE, MEMBER)))

static inline void
hmap_init(struct hmap *m)
{
	m->mask = 7;
	m->n = 0;
	m->buckets = xcalloc(m->mask + 1, sizeof *m->buckets);
}

/* Frees the bucket array only; the elements belong to the caller. */
static inline void
hmap_destroy(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->n = 0;
}

static inline void
hmap_resize_(struct hmap *m, size_t new_mask)
{
	struct hnode **nb = xcalloc(new_mask + 1, sizeof *nb);
	for (size_t i = 0; i <= m->mask; i++) {
		struct hnode *node = m->buckets[i];
		while (node) {
			struct hnode *next = node->next;
			node->next = nb[node->hash & new_mask];
			nb[node->hash & new_mask] = node;
			node = next;
		}
	}
	free(m->buckets);
	m->buckets = nb;
	m->mask = new_mask;
}

static inline void
hmap_insert(struct hmap *m, struct hnode *node, uint32_t hash)
{
	node->hash = hash;
	node->next = m->buckets[hash & m->mask];
	m->buckets[hash & m->mask] = node;
	if (++m->n > 2 * (m->mask + 1))
		hmap_resize_(m, m->mask * 4 + 3);
}

static inline void
hmap_remove(struct hmap *m, struct hnode *node)
{
	struct hnode **p = &m->buckets[node->hash & m->mask];
	while (*p != node)
		p = &(*p)->next;
	*p = node->next;
	m->n--;
}

/* First node of the bucket for @hash (the caller checks node->hash and its
 * key), then hmap_next_in_bucket. */
static inline struct hnode *
hmap_first_with_hash(const struct hmap *m, uint32_t hash)
{
	struct hnode *node = m->buckets[hash & m->mask];
	while (node && node->hash != hash)
		node = node->next;
	return node;
}

static inline struct hnode *
hmap_next_with_hash(struct hnode *node)
{
	uint32_t hash = node->hash;
	for (node = node->next; node && node->hash != hash; node = node->next)
		;
	return node;
}

/* Iteration in bucket order; safe against removal of the current node if
 * the caller fetched the next one first. */
static inline struct hnode *
hmap_first_from_(const struct hmap *m, size_t start)
{
	for (size_t i = start; i <= m->mask; i++)
		if (m->buckets[i])
			return m->buckets[i];
	return NULL;
}

static inline struct hnode *
hmap_first(const struct hmap *m)
{
	return hmap_first_from_(m, 0);
}

static inline struct hnode *
hmap_next(const struct hmap *m, const struct hnode *node)
{
	if (node->next)
		return node->next;
	return hmap_first_from_(m, (node->hash & m->mask) + 1);
}

#define HMAP_FOR_EACH_SAFE(NODE, NEXT, MAP)                \
	for ((NODE) = hmap_first(MAP),                     \
	    (NEXT) = (NODE) ? hmap_next(MAP, NODE) : NULL; \
	     (NODE);                                       \
	     (NODE) = (NEXT), (NEXT) = (NODE) ? hmap_next(MAP, NODE) : NULL)

#define HMAP_FOR_EACH(NODE, MAP) \
	for ((NODE) = hmap_first(MAP); (NODE); (NODE) = hmap_next(MAP, NODE))

static inline uint32_t
hash_bytes(const void *p, size_t n, uint32_t basis)
{
	/* FNV-1a, then a final avalanche. */
	const unsigned char *s = p;
	uint32_t h = 2166136261u ^ basis;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

#endif
