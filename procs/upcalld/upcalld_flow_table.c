/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_flow_table: the megaflow table of the userspace datapath, as the
 * Linux datapath's flow_table.c and the seeds describe it: tuple-space
 * search over an array of masks, one hash table per mask, and a mask cache
 * in front indexed by the packet's hash.
 *
 * A flow keeps the key it was installed with (not necessarily masked) and
 * is found by the hash of key & mask; comparisons mask both sides.
 *
 * The flows themselves live in the memfd of upcalld_ft_store.c; what is
 * here is this process's index of them (rebuilt by ft_adopt).
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
ft_init(struct flow_table *ft)
{
	memset(ft, 0, sizeof *ft);
	hix_init(&ft->by_ufid);
	ft->limit = FT_DEFAULT_LIMIT;
	return fts_open(ft, -1);
}

int
ft_fd(const struct flow_table *ft)
{
	return fts_fd(ft);
}

static uint32_t
ufid_hash(const struct mvs_ufid *u)
{
	return u->w[0] ^ u->w[1] ^ u->w[2] ^ u->w[3];
}

void
ft_destroy(struct flow_table *ft)
{
	hix_destroy(&ft->by_ufid);
	for (size_t i = 0; i < ft->n_masks; i++) {
		hix_destroy(&ft->masks[i]->flows);
		free(ft->masks[i]);
	}
	free(ft->masks);
	fts_close(ft);
	memset(ft, 0, sizeof *ft);
}

static struct ft_flow *
flow_at(const struct flow_table *ft, uint32_t n)
{
	return (struct ft_flow *)(void *)(ft->flow_slots + (size_t)n * FT_SLOT);
}

static uint32_t
flow_no(const struct flow_table *ft, const struct ft_flow *f)
{
	return (uint32_t)(((const uint8_t *)f - ft->flow_slots) / FT_SLOT);
}

static struct ft_flow *
mask_lookup(const struct flow_table *ft, const struct ft_mask *m,
	    const struct mvs_key *key)
{
	uint32_t h = flow_hash_masked(key, &m->mask, &m->words, 0);
	size_t pos = hix_start(&m->flows, h);
	uint32_t n;

	while ((n = hix_next(&m->flows, h, &pos)) != HIX_NONE) {
		struct ft_flow *f = flow_at(ft, n);

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
		f = mask_lookup(ft, ft->masks[ce->mask_idx], key);
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
		f = mask_lookup(ft, ft->masks[i], key);
		if (f) {
			ce->hash = hash;
			ce->mask_idx = (uint16_t)i;
			ce->valid = 1;
			return f;
		}
	}
	return NULL;
}

/* Appends mask @mask (kept in slot @slot) to the array. */
static size_t
mask_push(struct flow_table *ft, const struct mvs_key *mask, uint32_t slot)
{
	if (ft->n_masks == ft->cap_masks) {
		ft->cap_masks = ft->cap_masks ? ft->cap_masks * 2 : 16;
		ft->masks =
			xrealloc(ft->masks, ft->cap_masks * sizeof *ft->masks);
	}
	struct ft_mask *m = xzalloc(sizeof *m);
	m->mask = *mask;
	m->slot = slot;
	flow_words_init(&m->words, mask);
	hix_init(&m->flows);
	ft->masks[ft->n_masks] = m;
	return ft->n_masks++;
}

/* The index of @mask, added (and kept) if new; SIZE_MAX when no mask
 * slot is free. */
static size_t
mask_find_or_add(struct flow_table *ft, const struct mvs_key *mask)
{
	struct ft_mask tmp;

	for (size_t i = 0; i < ft->n_masks; i++)
		if (!memcmp(&ft->masks[i]->mask, mask, sizeof *mask))
			return i;
	tmp.mask = *mask;
	if (fts_mask_alloc(ft, &tmp))
		return SIZE_MAX;
	return mask_push(ft, mask, tmp.slot);
}

/* Drops mask @i (now without flows): the last mask takes its slot.  Mask
 * cache entries that named either slot only cost a wasted probe. */
static void
mask_drop(struct flow_table *ft, size_t i)
{
	struct ft_mask *m = ft->masks[i];
	size_t last = --ft->n_masks;

	fts_mask_free(ft, m);
	hix_destroy(&m->flows);
	free(m);
	if (i != last) {
		const struct hix *ix = &ft->masks[last]->flows;

		ft->masks[i] = ft->masks[last];
		for (size_t j = 0; j <= ix->mask; j++)
			if (HIX_AT(ix, j) != HIX_NONE)
				flow_at(ft, HIX_AT(ix, j))->mask_idx =
					(uint16_t)i;
	}
}

/* Copies @actions into @f (uncommitted, with room for them). */
static void
set_actions(struct ft_flow *f, const struct nlattr *actions, size_t actions_len)
{
	f->actions_len = (uint16_t)actions_len;
	if (actions_len)
		memcpy(f->acts, actions, actions_len);
	f->actions = actions_len ? (const void *)f->acts : NULL;
}

/* Puts @f, of mask @m, in the indexes. */
static void
link_flow(struct flow_table *ft, struct ft_flow *f, struct ft_mask *m)
{
	f->hash = flow_hash_masked(&f->key, &m->mask, &m->words, 0);
	hix_insert(&m->flows, f->hash, flow_no(ft, f));
	hix_insert(&ft->by_ufid, ufid_hash(&f->ufid), flow_no(ft, f));
	ft->n_flows++;
}

static void
unlink_flow(struct flow_table *ft, struct ft_flow *f)
{
	hix_remove(&ft->masks[f->mask_idx]->flows, f->hash, flow_no(ft, f));
	hix_remove(&ft->by_ufid, ufid_hash(&f->ufid), flow_no(ft, f));
	ft->n_flows--;
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
	if (mi == SIZE_MAX)
		return -EFBIG;
	struct ft_mask *m = ft->masks[mi];
	if (mask_lookup(ft, m, key)) {
		if (!m->flows.n)
			mask_drop(ft, mi);
		return -EEXIST;
	}
	if (mi > UINT16_MAX) {
		mask_drop(ft, mi);
		return -EFBIG;
	}

	struct ft_flow *f = fts_flow_alloc(ft, actions_len);
	if (!f) {
		if (!m->flows.n)
			mask_drop(ft, mi);
		return -EFBIG;
	}
	f->ufid = *ufid;
	f->key = *key;
	f->mask_idx = (uint16_t)mi;
	f->mask_slot = m->slot;
	f->created_ms = now_ms;
	set_actions(f, actions, actions_len);
	fts_flow_commit(f);
	link_flow(ft, f, m);
	if (flowp)
		*flowp = f;
	return 0;
}

struct ft_flow *
ft_set_actions(struct flow_table *ft, struct ft_flow *f,
	       const struct nlattr *actions, size_t actions_len)
{
	struct ft_flow *g, tmp;

	if (actions_len > UINT16_MAX)
		return NULL;
	if (sizeof *f + actions_len <= (size_t)f->n_slots * FT_SLOT) {
		/* In place: not whole while it changes. */
		fts_flow_uncommit(f);
		set_actions(f, actions, actions_len);
		fts_flow_commit(f);
		return f;
	}
	/* Moves to slots of its new size: the new copy is whole before the
	 * old one goes (a crash between keeps one of them). */
	g = fts_flow_alloc(ft, actions_len);
	if (!g)
		return NULL;
	/* A copy of @f that is not whole: its commit word comes last. */
	tmp = *f;
	tmp.commit = 0;
	tmp.n_slots = g->n_slots;
	*g = tmp;
	set_actions(g, actions, actions_len);
	fts_flow_commit(g);
	unlink_flow(ft, f);
	link_flow(ft, g, ft->masks[g->mask_idx]);
	fts_flow_free(ft, f);
	return g;
}

struct ft_flow *
ft_find(const struct flow_table *ft, const struct mvs_ufid *ufid)
{
	uint32_t h = ufid_hash(ufid);
	size_t pos = hix_start(&ft->by_ufid, h);
	uint32_t n;

	while ((n = hix_next(&ft->by_ufid, h, &pos)) != HIX_NONE) {
		struct ft_flow *f = flow_at(ft, n);

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

	unlink_flow(ft, f);
	fts_flow_free(ft, f);
	if (!m->flows.n)
		mask_drop(ft, mi);
}

struct each_ctx {
	ft_flow_fn *fn;
	void *aux;
};

static void
each_one(struct flow_table *ft, struct ft_flow *f, void *aux)
{
	struct each_ctx *c = aux;

	(void)ft;
	c->fn(c->aux, f);
}

void
ft_for_each(struct flow_table *ft, ft_flow_fn *fn, void *aux)
{
	struct each_ctx c = { fn, aux };

	fts_walk(ft, each_one, &c);
}

bool
ft_for_each_part(struct flow_table *ft, uint64_t *cursor, size_t max,
		 ft_flow_fn *fn, void *aux)
{
	struct each_ctx c = { fn, aux };
	uint32_t slot = *cursor > UINT32_MAX ? UINT32_MAX : (uint32_t)*cursor;
	bool more = fts_walk_part(ft, &slot, max, each_one, &c);

	*cursor = slot;
	return more;
}

struct expire_ctx {
	uint64_t now_ms, max_idle_ms;
	ft_flow_fn *fn;
	void *aux;
	size_t gone;
};

static void
expire_one(struct flow_table *ft, struct ft_flow *f, void *aux)
{
	struct expire_ctx *c = aux;
	uint64_t last = f->stats.used_ms ? f->stats.used_ms : f->created_ms;

	if (c->now_ms - last < c->max_idle_ms)
		return;
	if (c->fn)
		c->fn(c->aux, f);
	ft_remove(ft, f);
	c->gone++;
}

size_t
ft_expire(struct flow_table *ft, uint64_t now_ms, uint64_t max_idle_ms,
	  ft_flow_fn *fn, void *aux)
{
	struct expire_ctx c = { now_ms, max_idle_ms, fn, aux, 0 };

	fts_walk(ft, expire_one, &c);
	return c.gone;
}

size_t
ft_flow_size(size_t actions_len)
{
	/* Its slots, and its share of the two indexes: a slot each, at
	 * least 3/8 full while the table grows (lib/hix.c). */
	size_t slots =
		(sizeof(struct ft_flow) + actions_len + FT_SLOT - 1) / FT_SLOT;

	return slots * FT_SLOT + 2 * (sizeof(struct hix_slot) * 8 + 2) / 3;
}

/* fts_scan's callback: indexes a whole flow of a taken-over table. */
static bool
adopt_flow(struct flow_table *ft, struct ft_flow *f, const struct mvs_key *mask,
	   uint32_t mask_slot)
{
	size_t mi;

	if (ft_find(ft, &f->ufid))
		return false; /* moved (ft_set_actions) as it crashed */
	for (mi = 0; mi < ft->n_masks; mi++)
		if (ft->masks[mi]->slot == mask_slot)
			break;
	if (mi == ft->n_masks) {
		if (mi > UINT16_MAX)
			return false;
		mask_push(ft, mask, mask_slot);
	}
	f->mask_idx = (uint16_t)mi;
	f->actions = f->actions_len ? (const void *)f->acts : NULL;
	link_flow(ft, f, ft->masks[mi]);
	return true;
}

int
ft_adopt(struct flow_table *ft, int fd, size_t *n_dropped)
{
	int r;

	memset(ft, 0, sizeof *ft);
	hix_init(&ft->by_ufid);
	ft->limit = FT_DEFAULT_LIMIT;
	r = fts_open(ft, fd);
	if (r) {
		hix_destroy(&ft->by_ufid);
		return r;
	}
	*n_dropped = fts_scan(ft, adopt_flow);
	return 0;
}
