/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The megaflow table.  Flows are (key & mask, mask,
 * actions); every distinct mask has its own hash table of the flows that
 * use it, and the masks sit in an array that a lookup walks in order.  A
 * small per-CPU cache in front remembers, by the packet's hash, which
 * mask last matched, so most packets probe one hash table.
 *
 * Readers (the packet path) hold rcu_read_lock; writers hold mvs_mutex.
 * The masks array is copied on change; a mask's hash table is destroyed
 * after a grace period once its last flow went.
 */
#ifndef MVS_FLOW_TABLE_H
#define MVS_FLOW_TABLE_H

#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "microvs_dp.h"

#define MVS_MASK_CACHE_DEFAULT 256 /* entries per CPU */
#define MVS_MASK_CACHE_MAX 4096

/* A flow's actions, replaced as a whole (RCU) when they change. */
struct mvs_flow_actions {
	struct rcu_head rcu;
	u32 len;		/* bytes of attributes in @actions */
	struct nlattr actions[];
};

/**
 * struct mvs_mask - one megaflow mask and the flows that use it
 * @key: the mask
 * @n_words: number of non-zero 64-bit words of @key, listed in @words
 * @ref: flows using the mask (mvs_mutex)
 * @ht: the flows, by key & mask
 * @rwork: destroys @ht after a grace period
 */
struct mvs_mask {
	struct mvs_key key;
	u8 n_words;
	u8 words[MVS_KEY_WORDS];
	int ref;
	struct rhashtable ht;
	struct rcu_work rwork;
};

struct mvs_mask_array {
	struct rcu_head rcu;
	u32 count;
	struct mvs_mask __rcu *masks[];
};

/* One entry of the mask cache: packets of hash @hash last matched the
 * mask at index @index of the masks array.
 */
struct mvs_mask_cache_entry {
	u32 hash;
	u32 index;
};

struct mvs_mask_cache {
	struct rcu_head rcu;
	u32 size; /* a power of two; 0: no cache */
	struct mvs_mask_cache_entry __percpu *entries;
};

struct mvs_flow_stats_acc {
	spinlock_t lock; /* the packet path of every CPU updates it */
	u64 n_packets;
	u64 n_bytes;
	unsigned long used; /* jiffies of the last hit; 0: never */
	u16 tcp_flags;
};

/**
 * struct mvs_flow - one megaflow
 * @node: in @mask's hash table
 * @ufid_node: in the table's ufid index
 * @id: index in the table's xarray (the dump order)
 * @mask: its mask (holds a reference)
 * @key: the key as installed, masked
 * @unmasked: the key as userspace gave it, returned by dumps
 * @ufid: the identifier userspace chose
 * @acts: the actions (RCU)
 * @stats: hits
 * @rcu: frees the flow after readers are done
 */
struct mvs_flow {
	struct rhash_head node;
	struct rhash_head ufid_node;
	u32 id;
	struct mvs_mask *mask;
	struct mvs_key key;
	struct mvs_key unmasked;
	struct mvs_ufid ufid;
	struct mvs_flow_actions __rcu *acts;
	struct mvs_flow_stats_acc stats;
	struct rcu_head rcu;
};

struct mvs_flow_table {
	struct mvs_mask_array __rcu *masks;
	struct mvs_mask_cache __rcu *cache;
	struct rhashtable ufids;
	struct xarray flows;	/* id -> flow, for dumps */
	u32 next_id;
	u32 count;
	u32 max_flows;	/* MVS_DP_ATTR_FLOW_LIMIT */
};

/* Sets up an empty table with a mask cache of @cache_size entries per
 * CPU.  -ENOMEM.  Process context.
 */
int mvs_flow_tbl_init(struct mvs_flow_table *tbl, u32 cache_size);
/* Removes every flow and frees the table after a grace period's worth of
 * deferred work (mvs_mutex held).
 */
void mvs_flow_tbl_destroy(struct mvs_flow_table *tbl);

/* The flow matching @key, or NULL.  @hash is the packet's hash for the
 * mask cache (0: skip the cache).  Adds the masks probed to
 * *@n_mask_hit and sets *@cache_hit when the cache answered.  RCU.
 */
struct mvs_flow *mvs_flow_tbl_lookup(struct mvs_flow_table *tbl,
				     const struct mvs_key *key, u32 hash,
				     u32 *n_mask_hit, bool *cache_hit);

/* The flow named @ufid, or NULL (mvs_mutex or RCU). */
struct mvs_flow *mvs_flow_tbl_find_ufid(struct mvs_flow_table *tbl,
					const struct mvs_ufid *ufid);

/* Installs a flow: @key (masked here), @mask, @acts (taken on success).
 * -EEXIST when the ufid or the same key and mask exists, -EFBIG at the
 * flow limit, -ENOMEM.  mvs_mutex held.
 */
int mvs_flow_tbl_insert(struct mvs_flow_table *tbl,
			const struct mvs_ufid *ufid,
			const struct mvs_key *key, const struct mvs_key *mask,
			struct mvs_flow_actions *acts);

/* Removes @flow and frees it after a grace period.  mvs_mutex held. */
void mvs_flow_tbl_remove(struct mvs_flow_table *tbl, struct mvs_flow *flow);

/* Removes every flow.  mvs_mutex held. */
void mvs_flow_tbl_flush(struct mvs_flow_table *tbl);

/* Replaces the mask cache with one of @size entries per CPU (a power of
 * two up to MVS_MASK_CACHE_MAX, or 0).  -EINVAL, -ENOMEM.  mvs_mutex.
 */
int mvs_flow_tbl_set_cache_size(struct mvs_flow_table *tbl, u32 size);
u32 mvs_flow_tbl_cache_size(struct mvs_flow_table *tbl);
u32 mvs_flow_tbl_n_masks(struct mvs_flow_table *tbl);

/* Replaces @flow's actions with @acts (taken); the old ones are freed
 * after a grace period.  mvs_mutex held.
 */
void mvs_flow_set_actions(struct mvs_flow *flow, struct mvs_flow_actions *acts);

/* Counts a hit of @len bytes with TCP flags @tcp_flags. */
void mvs_flow_stats_update(struct mvs_flow *flow, unsigned int len,
			   __be16 tcp_flags);
/* Reads (and, with @clear, zeroes) the statistics, with used_ms in
 * CLOCK_MONOTONIC milliseconds as the uAPI says.
 */
void mvs_flow_stats_get(struct mvs_flow *flow, struct mvs_flow_stats *stats,
			bool clear);

/* Frees what the table's deferred work still holds; module exit, after
 * rcu_barrier().
 */
void mvs_flow_tbl_exit(void);
int mvs_flow_tbl_module_init(void);

#endif /* MVS_FLOW_TABLE_H */
