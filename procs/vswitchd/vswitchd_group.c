/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_group: a bridge's group table (OpenFlow groups: all, select,
 * indirect, fast failover) and the group-mod semantics of Open vSwitch
 * 3.1: which commands refuse what with which error, where inserted
 * buckets go, and that deleting a group deletes the flows that use it.
 * Translation of the group action is in vswitchd_xlate_group.c, the
 * OpenFlow messages in vswitchd_ofgroup.c.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

#include "ofp_group.h"

static uint32_t
group_hash(uint32_t id)
{
	return hash_bytes(&id, sizeof id, 0);
}

void
ofgroup_ref(struct ofgroup *g)
{
	g->refcnt++;
}

void
ofgroup_unref(struct ofgroup *g)
{
	if (!g || --g->refcnt)
		return;
	for (size_t i = 0; i < g->n_buckets; i++)
		ofpacts_free(&g->buckets[i].acts);
	free(g->buckets);
	free(g->dp_hash_map);
	free(g);
}

void
groups_init(struct bridge *br)
{
	hmap_init(&br->groups);
}

/* Takes @g out of @br's table and drops the table's reference. */
static void
group_remove(struct bridge *br, struct ofgroup *g)
{
	hmap_remove(&br->groups, &g->node);
	g->removed = true;
	ofgroup_unref(g);
}

void
groups_destroy(struct bridge *br)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &br->groups)
		group_remove(br, HMAP_CONTAINER(n, struct ofgroup, node));
	hmap_destroy(&br->groups);
}

struct ofgroup *
groups_find(const struct bridge *br, uint32_t id)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&br->groups, group_hash(id)); n;
	     n = hmap_next_with_hash(n)) {
		struct ofgroup *g = HMAP_CONTAINER(n, struct ofgroup, node);
		if (g->id == id)
			return g;
	}
	return NULL;
}

/* Copies @n buckets of a group mod to @dst (zero counters). */
static void
copy_buckets(struct ofgroup_bucket *dst, const struct ofp_bucket *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&dst[i], 0, sizeof dst[i]);
		dst[i].bucket_id = src[i].bucket_id;
		dst[i].weight = src[i].weight;
		dst[i].watch_port = src[i].watch_port;
		dst[i].watch_group = src[i].watch_group;
		ofpacts_clone(&dst[i].acts, &src[i].acts);
	}
}

/* A new group (not in a table) of @gm's id and type, with @n_buckets
 * room for buckets. */
static struct ofgroup *
group_new(const struct ofp_group_mod *gm, uint8_t type, size_t n_buckets,
	  uint64_t created_ms)
{
	struct ofgroup *g = xzalloc(sizeof *g);

	g->id = gm->group_id;
	g->type = type;
	g->buckets = n_buckets ? xcalloc(n_buckets, sizeof *g->buckets) : NULL;
	g->created_ms = created_ms;
	g->refcnt = 1;
	return g;
}

/* Open vSwitch's bound on a dp_hash group's hash values
 * (MAX_SELECT_GROUP_HASH_VALUES). */
#define DP_HASH_MAX 256

/* Open vSwitch's group_setup_dp_hash_table(): the hash values of a
 * dp_hash group (a power of 2, at least 16, enough that the lightest
 * bucket gets one) shared among the buckets by their weights with
 * Webster's method, into @map (bucket indexes); the mask of the values,
 * or 0 if the weights need more than DP_HASH_MAX values or are all 0
 * (Open vSwitch then uses the default method). */
static uint32_t
dp_hash_map(const struct ofgroup *g, uint16_t map[DP_HASH_MAX])
{
	uint64_t total = 0, slots, n = 16;
	uint32_t min = UINT16_MAX;
	double value[g->n_buckets ? g->n_buckets : 1];
	uint32_t divisor[g->n_buckets ? g->n_buckets : 1];

	for (size_t i = 0; i < g->n_buckets; i++) {
		uint32_t w = g->buckets[i].weight;

		if (w && w < min)
			min = w;
		total += w;
		value[i] = w;
		divisor[i] = 1;
	}
	if (!total)
		return 0;
	slots = (total + min - 1) / min;
	while (n < slots)
		n *= 2;
	if (n > DP_HASH_MAX)
		return 0;
	for (uint32_t h = 0; h < n; h++) {
		size_t win = 0;

		for (size_t i = 1; i < g->n_buckets; i++)
			if (value[i] > value[win])
				win = i;
		divisor[win] += 2;
		value[win] = (double)g->buckets[win].weight / divisor[win];
		map[h] = (uint16_t)win;
	}
	return (uint32_t)(n - 1);
}

/* Puts @g in @br's table in @old's place (NULL: none); a dp_hash group
 * gets its table of hash values here, once, not at each translation. */
static void
group_install(struct bridge *br, struct ofgroup *g, struct ofgroup *old)
{
	if (g->type == OFPGT_SELECT &&
	    !strcmp(g->selection_method, "dp_hash")) {
		uint16_t map[DP_HASH_MAX];

		g->dp_hash_mask = dp_hash_map(g, map);
		if (g->dp_hash_mask) {
			size_t n = g->dp_hash_mask + 1;

			g->dp_hash_map = xmalloc(n * sizeof *map);
			memcpy(g->dp_hash_map, map, n * sizeof *map);
		}
	}
	if (old)
		group_remove(br, old);
	hmap_insert(&br->groups, &g->node, group_hash(g->id));
	br->tables.version++;
}

static enum ofperr
add_or_modify(struct bridge *br, const struct ofp_group_mod *gm,
	      uint64_t now_ms)
{
	struct ofgroup *old, *g;

	old = groups_find(br, gm->group_id);
	if (old && gm->command == OFPGC_ADD)
		return OFPERR_OFPGMFC_GROUP_EXISTS;
	/* Modifying a reserved id finds no group, as in Open vSwitch;
	 * adding one is refused. */
	if (!old && gm->command == OFPGC_MODIFY)
		return OFPERR_OFPGMFC_UNKNOWN_GROUP;
	if (!old && gm->group_id > OFPG_MAX)
		return OFPERR_OFPGMFC_INVALID_GROUP;
	/* A modify starts the counters again; the duration goes on. */
	g = group_new(gm, gm->type, gm->n_buckets,
		      old ? old->created_ms : now_ms);
	g->n_buckets = gm->n_buckets;
	copy_buckets(g->buckets, gm->buckets, gm->n_buckets);
	memcpy(g->selection_method, gm->selection_method,
	       sizeof g->selection_method);
	g->selection_method_param = gm->selection_method_param;
	g->fields = gm->fields;
	group_install(br, g, old);
	return 0;
}

static void
delete_group(struct bridge *br, struct ofgroup *g,
	     void (*removed)(struct rule *, enum rule_removed_reason, void *),
	     void *aux)
{
	struct rule **rules;
	size_t n;

	/* The flows that use it go first, as in Open vSwitch. */
	rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL, OFPP_NONE,
			       g->id, 0, 0, &n);
	tables_remove_rules(&br->tables, rules, n, RULE_REMOVED_GROUP_DELETE,
			    removed, aux);
	for (size_t i = 0; i < n; i++)
		rule_unref(rules[i]);
	free(rules);
	group_remove(br, g);
	br->tables.version++;
}

static ssize_t
bucket_index(const struct ofgroup *g, uint32_t bucket_id)
{
	for (size_t i = 0; i < g->n_buckets; i++)
		if (g->buckets[i].bucket_id == bucket_id)
			return (ssize_t)i;
	return -1;
}

/* Copies @n buckets of @src (counters and all) to @dst. */
static void
clone_buckets(struct ofgroup_bucket *dst, const struct ofgroup_bucket *src,
	      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[i] = src[i];
		ofpacts_clone(&dst[i].acts, &src[i].acts);
	}
}

/* Installs @g in @old's place with @old's selection method and the
 * group's counters: a bucket command changes only buckets. */
static void
replace_keeping(struct bridge *br, struct ofgroup *g, struct ofgroup *old)
{
	memcpy(g->selection_method, old->selection_method,
	       sizeof g->selection_method);
	g->selection_method_param = old->selection_method_param;
	g->fields = old->fields;
	g->n_packets = old->n_packets;
	g->n_bytes = old->n_bytes;
	group_install(br, g, old);
}

/* Open vSwitch's insert-bucket: the new buckets go first, last, or after
 * the bucket named; no bucket id may repeat. */
static enum ofperr
insert_buckets(struct bridge *br, struct ofgroup *old,
	       const struct ofp_group_mod *gm)
{
	uint32_t where = gm->command_bucket_id;
	size_t at, n = old->n_buckets + gm->n_buckets;
	struct ofgroup *g;

	if (where <= OFPG15_BUCKET_MAX) {
		ssize_t i = bucket_index(old, where);
		if (i < 0)
			return OFPERR_OFPGMFC_UNKNOWN_BUCKET;
		at = (size_t)i + 1;
	} else if (where == OFPG15_BUCKET_FIRST) {
		at = 0;
	} else {
		at = old->n_buckets;
	}
	for (size_t i = 0; i < gm->n_buckets; i++)
		if (bucket_index(old, gm->buckets[i].bucket_id) >= 0)
			return OFPERR_OFPGMFC_BUCKET_EXISTS;
	g = group_new(gm, old->type, n, old->created_ms);
	clone_buckets(g->buckets, old->buckets, at);
	copy_buckets(g->buckets + at, gm->buckets, gm->n_buckets);
	clone_buckets(g->buckets + at + gm->n_buckets, old->buckets + at,
		      old->n_buckets - at);
	g->n_buckets = n;
	replace_keeping(br, g, old);
	return 0;
}

/* Open vSwitch's remove-bucket: the first, the last, all, or the bucket
 * named (which must exist); first and last of no buckets remove
 * nothing. */
static enum ofperr
remove_buckets(struct bridge *br, struct ofgroup *old,
	       const struct ofp_group_mod *gm)
{
	uint32_t which = gm->command_bucket_id;
	size_t from = 0, count = 0;
	struct ofgroup *g;

	if (which == OFPG15_BUCKET_ALL) {
		count = old->n_buckets;
	} else if (which == OFPG15_BUCKET_FIRST) {
		count = old->n_buckets ? 1 : 0;
	} else if (which == OFPG15_BUCKET_LAST) {
		from = old->n_buckets ? old->n_buckets - 1 : 0;
		count = old->n_buckets ? 1 : 0;
	} else {
		ssize_t i = bucket_index(old, which);
		if (i < 0)
			return OFPERR_OFPGMFC_UNKNOWN_BUCKET;
		from = (size_t)i;
		count = 1;
	}
	g = group_new(gm, old->type, old->n_buckets - count, old->created_ms);
	clone_buckets(g->buckets, old->buckets, from);
	clone_buckets(g->buckets + from, old->buckets + from + count,
		      old->n_buckets - from - count);
	g->n_buckets = old->n_buckets - count;
	replace_keeping(br, g, old);
	return 0;
}

enum ofperr
groups_mod(struct bridge *br, const struct ofp_group_mod *gm, uint64_t now_ms,
	   void (*removed)(struct rule *, enum rule_removed_reason, void *aux),
	   void *aux)
{
	struct ofgroup *g;

	switch (gm->command) {
	case OFPGC_ADD:
	case OFPGC_MODIFY:
	case OFPGC_ADD_OR_MOD:
		return add_or_modify(br, gm, now_ms);
	case OFPGC_DELETE:
		if (gm->group_id == OFPG_ALL) {
			struct hnode *n, *next;

			HMAP_FOR_EACH_SAFE (n, next, &br->groups)
				delete_group(
					br,
					HMAP_CONTAINER(n, struct ofgroup, node),
					removed, aux);
		} else if ((g = groups_find(br, gm->group_id))) {
			delete_group(br, g, removed, aux);
		}
		return 0;
	case OFPGC_INSERT_BUCKET:
	case OFPGC_REMOVE_BUCKET:
		g = groups_find(br, gm->group_id);
		if (!g)
			return OFPERR_OFPGMFC_UNKNOWN_GROUP;
		return gm->command == OFPGC_INSERT_BUCKET
			       ? insert_buckets(br, g, gm)
			       : remove_buckets(br, g, gm);
	default:
		return OFPERR_OFPGMFC_BAD_COMMAND;
	}
}

void
groups_restore(struct bridge *br, struct ofgroup **groups, size_t n)
{
	struct hnode *node, *next;

	HMAP_FOR_EACH_SAFE (node, next, &br->groups)
		group_remove(br, HMAP_CONTAINER(node, struct ofgroup, node));
	for (size_t i = 0; i < n; i++) {
		groups[i]->removed = false;
		hmap_insert(&br->groups, &groups[i]->node,
			    group_hash(groups[i]->id));
	}
	free(groups);
	br->tables.version++;
}

static int
cmp_groups(const void *a_, const void *b_)
{
	const struct ofgroup *a = *(struct ofgroup *const *)a_;
	const struct ofgroup *b = *(struct ofgroup *const *)b_;

	return a->id < b->id ? -1 : a->id > b->id;
}

struct ofgroup **
groups_collect(const struct bridge *br, uint32_t id, size_t *n)
{
	struct ofgroup **v = NULL;
	struct hnode *node;

	*n = 0;
	if (id != OFPG_ALL) {
		struct ofgroup *g = groups_find(br, id);
		if (!g)
			return NULL;
		v = xmalloc(sizeof *v);
		ofgroup_ref(g);
		v[(*n)++] = g;
		return v;
	}
	v = xmalloc((br->groups.n + 1) * sizeof *v);
	HMAP_FOR_EACH (node, &br->groups) {
		struct ofgroup *g = HMAP_CONTAINER(node, struct ofgroup, node);
		ofgroup_ref(g);
		v[(*n)++] = g;
	}
	qsort(v, *n, sizeof *v, cmp_groups);
	return v;
}

uint32_t
groups_ref_count(const struct bridge *br, uint32_t id)
{
	size_t n;
	struct rule **rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL,
					     OFPP_NONE, id, 0, 0, &n);

	for (size_t i = 0; i < n; i++)
		rule_unref(rules[i]);
	free(rules);
	return (uint32_t)n;
}

static enum ofperr
check_actions(const struct bridge *br, const void *data, size_t size)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, data, size)
	{
		if (a->type == OFPACT_GROUP &&
		    !groups_find(br, OFPACT_CAST(struct ofpact_u32, a)->value))
			return OFPERR_OFPBAC_BAD_OUT_GROUP;
		if (a->type == OFPACT_WRITE_ACTIONS) {
			size_t len;
			const void *in = ofpact_nested(a, &len);
			enum ofperr e = check_actions(br, in, len);
			if (e)
				return e;
		}
	}
	return 0;
}

enum ofperr
groups_check_actions(const struct bridge *br, const struct ofpacts *acts)
{
	return check_actions(br, acts->data, acts->size);
}
