// SPDX-License-Identifier: GPL-2.0
/*
 * The megaflow table of flow_table.h: a masks array, one
 * rhashtable per mask keyed by the masked key (hashing and comparing only
 * the words the mask uses), a per-CPU mask cache, an index by ufid and an
 * xarray that gives dumps a stable order.
 */
#include <linux/jhash.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "mvs.h"

static struct workqueue_struct *mvs_wq;

/* The lookup key of a mask's hash table: a key and the mask to apply. */
struct mask_arg {
	const struct mvs_key *key;
	const struct mvs_mask *mask;
};

static const u64 *key_words(const struct mvs_key *key)
{
	return (const u64 *)key;
}

static u32 masked_hash(const struct mvs_key *key, const struct mvs_mask *mask,
		       u32 seed)
{
	const u64 *k = key_words(key), *m = key_words(&mask->key);
	u32 h = seed;
	int i;

	for (i = 0; i < mask->n_words; i++) {
		u64 v = k[mask->words[i]] & m[mask->words[i]];

		h = jhash_2words((u32)v, (u32)(v >> 32), h);
	}
	return h;
}

static u32 arg_hashfn(const void *data, u32 len, u32 seed)
{
	const struct mask_arg *a = data;

	return masked_hash(a->key, a->mask, seed);
}

static u32 flow_hashfn(const void *data, u32 len, u32 seed)
{
	const struct mvs_flow *flow = data;

	return masked_hash(&flow->key, flow->mask, seed);
}

static int flow_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct mask_arg *a = arg->key;
	const struct mvs_flow *flow = obj;
	const u64 *k = key_words(a->key), *m = key_words(&a->mask->key);
	const u64 *f = key_words(&flow->key);
	u64 diff = 0;
	int i;

	for (i = 0; i < a->mask->n_words; i++) {
		int w = a->mask->words[i];

		diff |= (k[w] & m[w]) ^ f[w];
	}
	return diff != 0;
}

static const struct rhashtable_params mask_params = {
	.head_offset = offsetof(struct mvs_flow, node),
	.key_len = sizeof(struct mask_arg),
	.hashfn = arg_hashfn,
	.obj_hashfn = flow_hashfn,
	.obj_cmpfn = flow_cmpfn,
	.automatic_shrinking = true,
};

static const struct rhashtable_params ufid_params = {
	.head_offset = offsetof(struct mvs_flow, ufid_node),
	.key_offset = offsetof(struct mvs_flow, ufid),
	.key_len = sizeof(struct mvs_ufid),
	.automatic_shrinking = true,
};

static void mask_free_work(struct work_struct *work);

static struct mvs_mask_array *masks_locked(struct mvs_flow_table *tbl)
{
	return rcu_dereference_protected(tbl->masks,
					 lockdep_is_held(&mvs_mutex));
}

static struct mvs_mask_cache *cache_alloc(u32 size)
{
	struct mvs_mask_cache *mc = kzalloc(sizeof(*mc), GFP_KERNEL);

	if (!mc)
		return NULL;
	mc->size = size;
	if (size) {
		mc->entries = __alloc_percpu(size * sizeof(*mc->entries),
					     __alignof__(*mc->entries));
		if (!mc->entries) {
			kfree(mc);
			return NULL;
		}
	}
	return mc;
}

static void cache_free_rcu(struct rcu_head *rcu)
{
	struct mvs_mask_cache *mc = container_of(rcu, struct mvs_mask_cache,
						 rcu);

	free_percpu(mc->entries);
	kfree(mc);
}

int mvs_flow_tbl_init(struct mvs_flow_table *tbl, u32 cache_size)
{
	struct mvs_mask_array *ma;
	struct mvs_mask_cache *mc;
	int err;

	ma = kzalloc(sizeof(*ma), GFP_KERNEL);
	mc = cache_alloc(cache_size);
	if (!ma || !mc) {
		err = -ENOMEM;
		goto err_free;
	}
	err = rhashtable_init(&tbl->ufids, &ufid_params);
	if (err)
		goto err_free;
	xa_init_flags(&tbl->flows, XA_FLAGS_ALLOC);
	RCU_INIT_POINTER(tbl->masks, ma);
	RCU_INIT_POINTER(tbl->cache, mc);
	tbl->next_id = 0;
	tbl->count = 0;
	tbl->max_flows = MVS_DEFAULT_MAX_FLOWS;
	return 0;

err_free:
	if (mc)
		cache_free_rcu(&mc->rcu);
	kfree(ma);
	return err;
}

void mvs_flow_tbl_destroy(struct mvs_flow_table *tbl)
{
	struct mvs_mask_cache *mc;

	struct mvs_mask_array *ma;
	u32 i;

	mvs_assert_locked();
	mvs_flow_tbl_flush(tbl);
	/* The ufid index is read only under mvs_mutex; the rest is read by
	 * the packet path and goes after a grace period.
	 */
	rhashtable_destroy(&tbl->ufids);
	xa_destroy(&tbl->flows);
	/* Masks are left only when a smaller array could not be had. */
	ma = masks_locked(tbl);
	for (i = 0; i < ma->count; i++) {
		struct mvs_mask *mask = rcu_dereference_protected(ma->masks[i],
			lockdep_is_held(&mvs_mutex));

		INIT_RCU_WORK(&mask->rwork, mask_free_work);
		queue_rcu_work(mvs_wq, &mask->rwork);
	}
	kfree_rcu(ma, rcu);
	mc = rcu_dereference_protected(tbl->cache, lockdep_is_held(&mvs_mutex));
	call_rcu(&mc->rcu, cache_free_rcu);
}

static struct mvs_flow *masked_lookup(struct mvs_mask *mask,
				      const struct mvs_key *key)
{
	struct mask_arg arg = { .key = key, .mask = mask };

	return rhashtable_lookup(&mask->ht, &arg, mask_params);
}

struct mvs_flow *mvs_flow_tbl_lookup(struct mvs_flow_table *tbl,
				     const struct mvs_key *key, u32 hash,
				     u32 *n_mask_hit, bool *cache_hit)
{
	struct mvs_mask_array *ma = rcu_dereference(tbl->masks);
	struct mvs_mask_cache *mc = rcu_dereference(tbl->cache);
	struct mvs_mask_cache_entry *e = NULL;
	u32 i, tried = U32_MAX;
	struct mvs_flow *flow;

	*cache_hit = false;
	if (hash && mc->size) {
		e = this_cpu_ptr(mc->entries) + (hash & (mc->size - 1));
		if (e->hash == hash && e->index < ma->count) {
			tried = e->index;
			(*n_mask_hit)++;
			flow = masked_lookup(rcu_dereference(ma->masks[tried]),
					     key);
			if (flow) {
				*cache_hit = true;
				return flow;
			}
		}
	}
	for (i = 0; i < ma->count; i++) {
		if (i == tried)
			continue;
		(*n_mask_hit)++;
		flow = masked_lookup(rcu_dereference(ma->masks[i]), key);
		if (flow) {
			if (e) {
				e->hash = hash;
				e->index = i;
			}
			return flow;
		}
	}
	return NULL;
}

struct mvs_flow *mvs_flow_tbl_find_ufid(struct mvs_flow_table *tbl,
					const struct mvs_ufid *ufid)
{
	return rhashtable_lookup_fast(&tbl->ufids, ufid, ufid_params);
}

/* Replaces the masks array with a copy that has @add appended or @del
 * taken out (order kept).
 */
static int masks_replace(struct mvs_flow_table *tbl, struct mvs_mask *add,
			 struct mvs_mask *del)
{
	struct mvs_mask_array *old = masks_locked(tbl), *new;
	u32 i, n = 0;

	new = kzalloc(struct_size(new, masks, old->count + 1), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	for (i = 0; i < old->count; i++) {
		struct mvs_mask *m = rcu_dereference_protected(old->masks[i],
			lockdep_is_held(&mvs_mutex));

		if (m != del)
			RCU_INIT_POINTER(new->masks[n++], m);
	}
	if (add)
		RCU_INIT_POINTER(new->masks[n++], add);
	new->count = n;
	rcu_assign_pointer(tbl->masks, new);
	kfree_rcu(old, rcu);
	return 0;
}

static void mask_free_work(struct work_struct *work)
{
	struct mvs_mask *mask = container_of(to_rcu_work(work), struct mvs_mask,
					     rwork);

	rhashtable_destroy(&mask->ht);
	kfree(mask);
	mvs_obj_gone(MVS_OBJ_MASK);
}

/* The mask equal to @key with one more reference, created if new. */
static struct mvs_mask *mask_get(struct mvs_flow_table *tbl,
				 const struct mvs_key *key)
{
	struct mvs_mask_array *ma = masks_locked(tbl);
	const u64 *w = key_words(key);
	struct mvs_mask *mask;
	u32 i;

	for (i = 0; i < ma->count; i++) {
		mask = rcu_dereference_protected(ma->masks[i],
						 lockdep_is_held(&mvs_mutex));
		if (!memcmp(&mask->key, key, sizeof(*key))) {
			mask->ref++;
			return mask;
		}
	}
	mask = kzalloc(sizeof(*mask), GFP_KERNEL);
	if (!mask)
		return NULL;
	mask->key = *key;
	for (i = 0; i < MVS_KEY_WORDS; i++)
		if (w[i])
			mask->words[mask->n_words++] = i;
	mask->ref = 1;
	if (rhashtable_init(&mask->ht, &mask_params))
		goto err_free;
	if (masks_replace(tbl, mask, NULL))
		goto err_destroy;
	mvs_obj_new(MVS_OBJ_MASK);
	return mask;

err_destroy:
	rhashtable_destroy(&mask->ht);
err_free:
	kfree(mask);
	return NULL;
}

static void mask_put(struct mvs_flow_table *tbl, struct mvs_mask *mask)
{
	if (--mask->ref)
		return;
	/* Without memory for a smaller array the mask stays, empty; it
	 * goes with the table.
	 */
	if (masks_replace(tbl, NULL, mask)) {
		mask->ref = 1;
		return;
	}
	INIT_RCU_WORK(&mask->rwork, mask_free_work);
	queue_rcu_work(mvs_wq, &mask->rwork);
}

static void flow_free_rcu(struct rcu_head *rcu)
{
	struct mvs_flow *flow = container_of(rcu, struct mvs_flow, rcu);

	mvs_actions_free(rcu_dereference_raw(flow->acts));
	kfree(flow);
	mvs_obj_gone(MVS_OBJ_FLOW);
}

int mvs_flow_tbl_insert(struct mvs_flow_table *tbl,
			const struct mvs_ufid *ufid,
			const struct mvs_key *key, const struct mvs_key *mask,
			struct mvs_flow_actions *acts)
{
	const u64 *k = key_words(key), *m = key_words(mask);
	struct mask_arg arg;
	struct mvs_flow *flow;
	u64 *fk;
	int err, i;

	mvs_assert_locked();
	if (tbl->count >= tbl->max_flows) {
		err = -EFBIG;
		goto err_acts;
	}
	if (mvs_flow_tbl_find_ufid(tbl, ufid)) {
		err = -EEXIST;
		goto err_acts;
	}
	flow = kzalloc(sizeof(*flow), GFP_KERNEL);
	if (!flow) {
		err = -ENOMEM;
		goto err_acts;
	}
	mvs_obj_new(MVS_OBJ_FLOW);
	flow->mask = mask_get(tbl, mask);
	if (!flow->mask) {
		err = -ENOMEM;
		goto err_flow;
	}
	fk = (u64 *)&flow->key;
	for (i = 0; i < MVS_KEY_WORDS; i++)
		fk[i] = k[i] & m[i];
	flow->unmasked = *key;
	flow->ufid = *ufid;
	spin_lock_init(&flow->stats.lock);
	RCU_INIT_POINTER(flow->acts, acts);

	/* The packet path sees the flow from the moment it enters its
	 * mask's table, so that comes last.
	 */
	err = xa_alloc_cyclic(&tbl->flows, &flow->id, flow, xa_limit_32b,
			      &tbl->next_id, GFP_KERNEL);
	if (err < 0)
		goto err_mask;
	err = rhashtable_insert_fast(&tbl->ufids, &flow->ufid_node,
				     ufid_params);
	if (err)
		goto err_xa;
	arg.key = &flow->key;
	arg.mask = flow->mask;
	err = rhashtable_lookup_insert_key(&flow->mask->ht, &arg, &flow->node,
					   mask_params);
	if (err)
		goto err_ufid;
	tbl->count++;
	return 0;

err_ufid:
	rhashtable_remove_fast(&tbl->ufids, &flow->ufid_node, ufid_params);
err_xa:
	xa_erase(&tbl->flows, flow->id);
err_mask:
	mask_put(tbl, flow->mask);
	/* A dump may have seen it in the xarray. */
	call_rcu(&flow->rcu, flow_free_rcu);
	return err;
err_flow:
	kfree(flow);
	mvs_obj_gone(MVS_OBJ_FLOW);
err_acts:
	mvs_actions_free(acts);
	return err;
}

void mvs_flow_tbl_remove(struct mvs_flow_table *tbl, struct mvs_flow *flow)
{
	mvs_assert_locked();
	rhashtable_remove_fast(&flow->mask->ht, &flow->node, mask_params);
	rhashtable_remove_fast(&tbl->ufids, &flow->ufid_node, ufid_params);
	xa_erase(&tbl->flows, flow->id);
	tbl->count--;
	mask_put(tbl, flow->mask);
	call_rcu(&flow->rcu, flow_free_rcu);
}

void mvs_flow_tbl_flush(struct mvs_flow_table *tbl)
{
	struct mvs_flow *flow;
	unsigned long id;

	mvs_assert_locked();
	xa_for_each(&tbl->flows, id, flow)
		mvs_flow_tbl_remove(tbl, flow);
}

int mvs_flow_tbl_set_cache_size(struct mvs_flow_table *tbl, u32 size)
{
	struct mvs_mask_cache *old, *new;

	mvs_assert_locked();
	if (size > MVS_MASK_CACHE_MAX || (size & (size - 1)))
		return -EINVAL;
	old = rcu_dereference_protected(tbl->cache,
					lockdep_is_held(&mvs_mutex));
	if (old->size == size)
		return 0;
	new = cache_alloc(size);
	if (!new)
		return -ENOMEM;
	rcu_assign_pointer(tbl->cache, new);
	call_rcu(&old->rcu, cache_free_rcu);
	return 0;
}

u32 mvs_flow_tbl_cache_size(struct mvs_flow_table *tbl)
{
	return rcu_dereference_check(tbl->cache,
				     lockdep_is_held(&mvs_mutex))->size;
}

u32 mvs_flow_tbl_n_masks(struct mvs_flow_table *tbl)
{
	return rcu_dereference_check(tbl->masks,
				     lockdep_is_held(&mvs_mutex))->count;
}

void mvs_flow_set_actions(struct mvs_flow *flow, struct mvs_flow_actions *acts)
{
	struct mvs_flow_actions *old;

	mvs_assert_locked();
	old = rcu_replace_pointer(flow->acts, acts,
				  lockdep_is_held(&mvs_mutex));
	mvs_actions_free_rcu(old);
}

void mvs_flow_stats_update(struct mvs_flow *flow, unsigned int len,
			   __be16 tcp_flags)
{
	struct mvs_flow_stats_acc *s = &flow->stats;

	spin_lock(&s->lock);
	s->n_packets++;
	s->n_bytes += len;
	s->used = jiffies;
	s->tcp_flags |= ntohs(tcp_flags);
	spin_unlock(&s->lock);
}

void mvs_flow_stats_get(struct mvs_flow *flow, struct mvs_flow_stats *stats,
			bool clear)
{
	struct mvs_flow_stats_acc *s = &flow->stats;
	unsigned long used;

	memset(stats, 0, sizeof(*stats));
	spin_lock_bh(&s->lock);
	stats->n_packets = s->n_packets;
	stats->n_bytes = s->n_bytes;
	stats->tcp_flags = s->tcp_flags;
	used = s->used;
	if (clear) {
		s->n_packets = 0;
		s->n_bytes = 0;
		s->tcp_flags = 0;
		s->used = 0;
	}
	spin_unlock_bh(&s->lock);
	if (used) {
		struct timespec64 now;
		u64 now_ms;

		ktime_get_ts64(&now);
		now_ms = now.tv_sec * MSEC_PER_SEC + now.tv_nsec / NSEC_PER_MSEC;
		stats->used_ms = now_ms - jiffies_to_msecs(jiffies - used);
	}
}

int mvs_flow_tbl_module_init(void)
{
	mvs_wq = alloc_workqueue("microvs", 0, 0);
	return mvs_wq ? 0 : -ENOMEM;
}

void mvs_flow_tbl_exit(void)
{
	destroy_workqueue(mvs_wq);
}
