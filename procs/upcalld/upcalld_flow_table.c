/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_flow_table: the megaflow table of the userspace datapath, as the
 * Linux datapath's flow_table.c and the seeds describe it: tuple-space
 * search over an array of masks, one hash table per mask, and a mask cache
 * in front indexed by the packet's hash.
 *
 * A flow keeps the key it was installed with (not necessarily masked) and
 * is found by the hash of key & mask; comparisons mask both sides.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void
ft_init(struct flow_table *ft)
{
	memset(ft, 0, sizeof *ft);
	hmap_init(&ft->by_ufid);
	ft->limit = FT_DEFAULT_LIMIT;
}

static uint32_t
ufid_hash(const struct mvs_ufid *u)
{
	return u->w[0] ^ u->w[1] ^ u->w[2] ^ u->w[3];
}

static void
flow_free(struct ft_flow *f)
{
	free(f->actions);
	free(f);
}

void
ft_destroy(struct flow_table *ft)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &ft->by_ufid)
		flow_free(HMAP_CONTAINER(n, struct ft_flow, ufid_node));
	hmap_destroy(&ft->by_ufid);
	for (size_t i = 0; i < ft->n_masks; i++) {
		hmap_destroy(&ft->masks[i]->flows);
		free(ft->masks[i]);
	}
	free(ft->masks);
	memset(ft, 0, sizeof *ft);
}

static struct ft_flow *
mask_lookup(const struct ft_mask *m, const struct mvs_key *key)
{
	uint32_t h = flow_hash_masked(key, &m->mask, &m->words, 0);

	for (struct hnode *n = hmap_first_with_hash(&m->flows, h); n;
	     n = hmap_next_with_hash(n)) {
		struct ft_flow *f = HMAP_CONTAINER(n, struct ft_flow, node);

		if (flow_equal_masked(&f->key, key, &m->mask, &m->words))
			return f;
	}
	return NULL;
}

struct ft_flow *
ft_lookup(struct flow_table *ft, const struct mvs_key *key, uint32_t hash,
	  unsigned *n_probed)
{
	struct ft_cache_entry *ce = &ft->cache[hash & (FT_MASK_CACHE - 1)];
	struct ft_flow *f;
	size_t skip = SIZE_MAX;

	if (ce->valid && ce->hash == hash && ce->mask_idx < ft->n_masks) {
		++*n_probed;
		f = mask_lookup(ft->masks[ce->mask_idx], key);
		if (f) {
			ft->n_cache_hit++;
			return f;
		}
		skip = ce->mask_idx;
	}
	for (size_t i = 0; i < ft->n_masks; i++) {
		if (i == skip)
			continue;
		++*n_probed;
		f = mask_lookup(ft->masks[i], key);
		if (f) {
			ce->hash = hash;
			ce->mask_idx = (uint16_t)i;
			ce->valid = 1;
			return f;
		}
	}
	return NULL;
}

static size_t
mask_find_or_add(struct flow_table *ft, const struct mvs_key *mask)
{
	for (size_t i = 0; i < ft->n_masks; i++)
		if (!memcmp(&ft->masks[i]->mask, mask, sizeof *mask))
			return i;
	if (ft->n_masks == ft->cap_masks) {
		ft->cap_masks = ft->cap_masks ? ft->cap_masks * 2 : 16;
		ft->masks =
			xrealloc(ft->masks, ft->cap_masks * sizeof *ft->masks);
	}
	struct ft_mask *m = xzalloc(sizeof *m);
	m->mask = *mask;
	flow_words_init(&m->words, mask);
	hmap_init(&m->flows);
	ft->masks[ft->n_masks] = m;
	return ft->n_masks++;
}

/* Drops mask @i (now without flows): the last mask takes its slot.  Mask
 * cache entries that named either slot only cost a wasted probe. */
static void
mask_drop(struct flow_table *ft, size_t i)
{
	struct ft_mask *m = ft->masks[i];
	size_t last = --ft->n_masks;

	hmap_destroy(&m->flows);
	free(m);
	if (i != last) {
		struct hnode *n;

		ft->masks[i] = ft->masks[last];
		HMAP_FOR_EACH (n, &ft->masks[i]->flows)
			HMAP_CONTAINER(n, struct ft_flow, node)->mask_idx =
				(uint16_t)i;
	}
}

int
ft_insert(struct flow_table *ft, const struct mvs_ufid *ufid,
	  const struct mvs_key *key, const struct mvs_key *mask,
	  const struct nlattr *actions, size_t actions_len, uint64_t now_ms,
	  struct ft_flow **flowp)
{
	if (ft_find(ft, ufid))
		return -EEXIST;
	if (ft->n_flows >= ft->limit)
		return -EFBIG;
	if (actions_len > UINT16_MAX)
		return -EINVAL;
	size_t mi = mask_find_or_add(ft, mask);
	struct ft_mask *m = ft->masks[mi];
	if (mask_lookup(m, key)) {
		if (!m->flows.n)
			mask_drop(ft, mi);
		return -EEXIST;
	}
	if (mi > UINT16_MAX) {
		mask_drop(ft, mi);
		return -EFBIG;
	}

	struct ft_flow *f = xzalloc(sizeof *f);
	f->ufid = *ufid;
	f->key = *key;
	f->mask_idx = (uint16_t)mi;
	f->created_ms = now_ms;
	ft_set_actions(f, actions, actions_len);
	hmap_insert(&m->flows, &f->node,
		    flow_hash_masked(key, &m->mask, &m->words, 0));
	hmap_insert(&ft->by_ufid, &f->ufid_node, ufid_hash(ufid));
	ft->n_flows++;
	if (flowp)
		*flowp = f;
	return 0;
}

void
ft_set_actions(struct ft_flow *f, const struct nlattr *actions,
	       size_t actions_len)
{
	free(f->actions);
	f->actions = NULL;
	if (actions_len) {
		f->actions = xmalloc(actions_len);
		memcpy(f->actions, actions, actions_len);
	}
	f->actions_len = (uint16_t)actions_len;
}

struct ft_flow *
ft_find(const struct flow_table *ft, const struct mvs_ufid *ufid)
{
	uint32_t h = ufid_hash(ufid);

	for (struct hnode *n = hmap_first_with_hash(&ft->by_ufid, h); n;
	     n = hmap_next_with_hash(n)) {
		struct ft_flow *f =
			HMAP_CONTAINER(n, struct ft_flow, ufid_node);

		if (!memcmp(&f->ufid, ufid, sizeof *ufid))
			return f;
	}
	return NULL;
}

void
ft_remove(struct flow_table *ft, struct ft_flow *f)
{
	size_t mi = f->mask_idx;
	struct ft_mask *m = ft->masks[mi];

	hmap_remove(&m->flows, &f->node);
	hmap_remove(&ft->by_ufid, &f->ufid_node);
	ft->n_flows--;
	flow_free(f);
	if (!m->flows.n)
		mask_drop(ft, mi);
}

void
ft_for_each(struct flow_table *ft, ft_flow_fn *fn, void *aux)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &ft->by_ufid)
		fn(aux, HMAP_CONTAINER(n, struct ft_flow, ufid_node));
}

size_t
ft_expire(struct flow_table *ft, uint64_t now_ms, uint64_t max_idle_ms,
	  ft_flow_fn *fn, void *aux)
{
	struct hnode *n, *next;
	size_t gone = 0;

	HMAP_FOR_EACH_SAFE (n, next, &ft->by_ufid) {
		struct ft_flow *f =
			HMAP_CONTAINER(n, struct ft_flow, ufid_node);
		uint64_t last =
			f->stats.used_ms ? f->stats.used_ms : f->created_ms;

		if (now_ms - last < max_idle_ms)
			continue;
		if (fn)
			fn(aux, f);
		ft_remove(ft, f);
		gone++;
	}
	return gone;
}

size_t
ft_flow_size(size_t actions_len)
{
	/* malloc's header and rounding (16 bytes), and per flow about two
	 * bucket pointers in each of the two hash tables (they grow at a load
	 * of 2 to 4 per bucket, so one pointer on average; count two). */
	size_t flow = (sizeof(struct ft_flow) + 8 + 15) & ~(size_t)15;
	size_t acts = actions_len ? (actions_len + 8 + 15) & ~(size_t)15 : 0;

	return flow + acts + 4 * sizeof(void *);
}
