/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_cls: the classifier.  Tuple space search: one subtable (a hash
 * table) per distinct mask, visited in descending order of the highest
 * priority each holds, so a lookup stops as soon as no later subtable can
 * beat the rule it found.
 *
 * A lookup reports the bits it looked at (the megaflow wildcards), and
 * three techniques keep those few, as in Open vSwitch:
 *  - staged lookup: a subtable's mask is split into stages (metadata, L2,
 *    L3, L4); each stage but the last has a counting index of the hashes
 *    of the rules' fields up to that stage, so a packet that differs in
 *    an early stage is ruled out having un-wildcarded that stage only;
 *  - prefix tries on nw_dst and nw_src (all rules of the classifier): a
 *    subtable with a prefix on the field is skipped when no rule has a
 *    matching prefix of its length, un-wildcarding only the bits the trie
 *    needed to tell;
 *  - a ports trie per subtable for the transport ports of its last stage.
 */
#include "vswitchd.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- path-compressed binary tries over 32-bit values ---- */

struct trie_node {
	uint32_t bits;	  /* this edge's bits, left-aligned */
	uint8_t n_bits;	  /* 1-32 */
	unsigned n_rules; /* prefixes that end here */
	struct trie_node *edges[2];
};

static unsigned
bit_at(uint32_t value, unsigned ofs)
{
	return ofs < 32 ? (value >> (31 - ofs)) & 1 : 0;
}

/* @value's bits [ofs, ofs + n) left-aligned. */
static uint32_t
bits_from(uint32_t value, unsigned ofs, unsigned n)
{
	uint32_t v = ofs < 32 ? value << ofs : 0;
	return n >= 32 ? v : v & ~(0xffffffffu >> n);
}

/* How many leading bits of @node's edge equal @value's bits from @ofs,
 * looking at no more than @max. */
static unsigned
edge_equal_bits(const struct trie_node *node, uint32_t value, unsigned ofs,
		unsigned max)
{
	uint32_t diff = node->bits ^ bits_from(value, ofs, 32);
	unsigned n = diff ? (unsigned)__builtin_clz(diff) : 32;

	if (n > node->n_bits)
		n = node->n_bits;
	return n < max ? n : max;
}

static struct trie_node *
trie_leaf(uint32_t value, unsigned ofs, unsigned plen)
{
	struct trie_node *n = xzalloc(sizeof *n);

	n->bits = bits_from(value, ofs, plen - ofs);
	n->n_bits = (uint8_t)(plen - ofs);
	n->n_rules = 1;
	return n;
}

static void
trie_insert(struct trie_node **root, uint32_t value, unsigned plen)
{
	struct trie_node **np = root, *node;
	unsigned ofs = 0;

	while ((node = *np)) {
		unsigned eq = edge_equal_bits(node, value, ofs, plen - ofs);

		if (eq < node->n_bits) {
			/* Split @node after its first @eq bits. */
			struct trie_node *head = xzalloc(sizeof *head);
			head->bits = eq ? node->bits & ~(0xffffffffu >> eq) : 0;
			head->n_bits = (uint8_t)eq;
			node->bits <<= eq;
			node->n_bits -= (uint8_t)eq;
			head->edges[node->bits >> 31] = node;
			*np = head;
			if (ofs + eq == plen)
				head->n_rules = 1;
			else
				head->edges[bit_at(value, ofs + eq)] =
					trie_leaf(value, ofs + eq, plen);
			return;
		}
		ofs += node->n_bits;
		if (ofs == plen) {
			node->n_rules++;
			return;
		}
		np = &node->edges[bit_at(value, ofs)];
	}
	*np = trie_leaf(value, ofs, plen);
}

static void
trie_remove(struct trie_node **root, uint32_t value, unsigned plen)
{
	struct trie_node **path[33], **np = root, *node;
	unsigned ofs = 0, depth = 0;

	while ((node = *np)) {
		path[depth++] = np;
		ofs += node->n_bits;
		if (ofs >= plen)
			break;
		np = &node->edges[bit_at(value, ofs)];
	}
	if (!node || ofs != plen || !node->n_rules)
		return; /* not there: a caller's bug, harmless here */
	node->n_rules--;
	/* Prune nodes left with no rules and no children: a trie must not
	 * keep leaves that stand for no prefix. */
	while (depth > 0) {
		np = path[--depth];
		node = *np;
		if (node->n_rules || node->edges[0] || node->edges[1])
			break;
		free(node);
		*np = NULL;
	}
}

static void
trie_destroy(struct trie_node *node)
{
	if (node) {
		trie_destroy(node->edges[0]);
		trie_destroy(node->edges[1]);
		free(node);
	}
}

/* Walks @value's path through the trie.  Sets bit L-1 of *@plens for
 * each prefix length L with rules that match @value, and returns how
 * many leading bits of @value a mask needs to tell @value from every
 * longer prefix in the trie (Open vSwitch's trie_lookup_value). */
static unsigned
trie_lookup(const struct trie_node *node, uint32_t value, unsigned n_bits,
	    uint64_t *plens)
{
	const struct trie_node *prev = NULL;
	unsigned ofs = 0;

	while (node) {
		unsigned eq = edge_equal_bits(node, value, ofs, 32);
		ofs += eq;
		if (eq < node->n_bits)
			return ofs + 1; /* includes the first differing bit */
		if (node->n_rules)
			*plens |= 1ull << (ofs - 1);
		if (ofs >= n_bits)
			return n_bits;
		prev = node;
		node = node->edges[bit_at(value, ofs)];
	}
	return !prev || (!prev->edges[0] && !prev->edges[1]) ? ofs : ofs + 1;
}

/* ---- subtables ---- */

struct cls_index_entry {
	struct hnode node;
	unsigned count;
};

struct cls_subtable {
	struct hnode node; /* in classifier->subtables, by mask hash */
	struct flow mask;
	struct hmap rules; /* struct cls_rule, by masked hash */
	size_t n_rules;
	int max_priority;
	unsigned max_count; /* rules at max_priority */
	bool max_stale;	    /* max_priority to recompute (a batch removed it) */
	/* The mask's non-zero words, grouped by stage: words[begin[s]] up
	 * to words[begin[s + 1]] belong to stage s. */
	uint8_t words[FLOW_WORDS];
	uint8_t begin[FLOW_N_STAGES + 1];
	/* Staged lookup: stages with an index, then the final stage. */
	uint8_t n_indices;
	uint8_t index_stage[FLOW_N_STAGES]; /* [n_indices] is the final */
	struct hmap indices[FLOW_N_STAGES - 1];
	unsigned trie_plen[CLS_N_TRIES]; /* prefix length of the mask */
	unsigned ports_plen;		 /* tp_src:tp_dst prefix length */
	struct trie_node *ports_trie;
};

static const size_t trie_ofs[CLS_N_TRIES] = {
	[CLS_TRIE_NW_DST] = offsetof(struct flow, hdr.ipv4_dst),
	[CLS_TRIE_NW_SRC] = offsetof(struct flow, hdr.ipv4_src),
};
#define PORTS_OFS offsetof(struct flow, hdr.tp_src)

static uint32_t
be32_at(const struct flow *f, size_t ofs)
{
	uint32_t v;
	memcpy(&v, (const char *)f + ofs, 4);
	return ntohl(v);
}

static void
or_be32_at(struct flow *f, size_t ofs, uint32_t host)
{
	uint32_t v;
	memcpy(&v, (char *)f + ofs, 4);
	v |= htonl(host);
	memcpy((char *)f + ofs, &v, 4);
}

static uint32_t
prefix_mask(unsigned n)
{
	return n ? 0xffffffffu << (32 - n) : 0;
}

/* The number of leading ones of @mask if it is a prefix, else 0. */
static unsigned
prefix_len(uint32_t mask)
{
	unsigned n;

	/* Before __builtin_clz(~mask): it is undefined for 0 (UBSan in
	 * vswitchd_ofp_fuzz found it on a /32). */
	if (mask == 0xffffffffu)
		return 32;
	n = mask ? (unsigned)__builtin_clz(~mask) : 0;
	return mask == prefix_mask(n) ? n : 0;
}

static inline uint64_t
hash_add(uint64_t h, uint64_t w)
{
	w *= 0x87c37b91114253d5ull;
	w = (w << 31) | (w >> 33);
	h ^= w * 0x4cf5ad432745937full;
	return ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
}

static inline uint32_t
hash_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* Hashes @flow under the subtable's mask over the words of stages
 * [from, to), continuing from *@h. */
static uint32_t
hash_stages(const struct cls_subtable *st, const struct flow *flow,
	    unsigned from, unsigned to, uint64_t *h)
{
	const uint64_t *f = flow_u64(flow), *m = flow_u64(&st->mask);

	for (unsigned i = st->begin[from]; i < st->begin[to]; i++) {
		unsigned w = st->words[i];
		*h = hash_add(*h, f[w] & m[w]);
	}
	return hash_finish(*h);
}

static uint32_t
hash_rule(const struct cls_subtable *st, const struct flow *flow)
{
	uint64_t h = 0;
	return hash_stages(st, flow, 0, FLOW_N_STAGES, &h);
}

static uint32_t
hash_mask(const struct flow *mask)
{
	uint64_t h = 0;
	const uint64_t *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		h = hash_add(h, m[i]);
	return hash_finish(h);
}

/* ORs into @wc the subtable's mask bits of the stages in @stages (a
 * bitmap of enum flow_stage). */
static void
fold_stages(const struct cls_subtable *st, unsigned stages, struct flow *wc)
{
	const uint64_t *m = flow_u64(&st->mask);
	uint64_t *w = flow_u64_rw(wc);

	for (unsigned s = 0; s < FLOW_N_STAGES; s++)
		if (stages & (1u << s))
			for (unsigned i = st->begin[s]; i < st->begin[s + 1];
			     i++)
				w[st->words[i]] |= m[st->words[i]];
}

static struct cls_subtable *
subtable_create(struct classifier *cls, const struct flow *mask)
{
	struct cls_subtable *st = xzalloc(sizeof *st);
	const uint64_t *m = flow_u64(mask);
	unsigned n = 0, nonzero[FLOW_N_STAGES], n_nonzero = 0;

	st->mask = *mask;
	hmap_init(&st->rules);
	st->max_priority = INT_MIN;
	for (unsigned s = 0; s < FLOW_N_STAGES; s++) {
		st->begin[s] = (uint8_t)n;
		for (size_t w = flow_stage_start(s);
		     w < flow_stage_start(s + 1); w++)
			if (m[w])
				st->words[n++] = (uint8_t)w;
		if (n > st->begin[s])
			nonzero[n_nonzero++] = s;
	}
	st->begin[FLOW_N_STAGES] = (uint8_t)n;
	/* Every non-empty stage but the last gets an index; the last is
	 * the final stage, matched against the rules themselves. */
	st->n_indices = n_nonzero ? (uint8_t)(n_nonzero - 1) : 0;
	for (unsigned i = 0; i < n_nonzero; i++)
		st->index_stage[i] = (uint8_t)nonzero[i];
	if (!n_nonzero)
		st->index_stage[0] = FLOW_STAGE_L4;
	for (unsigned i = 0; i < st->n_indices; i++)
		hmap_init(&st->indices[i]);
	for (unsigned t = 0; t < CLS_N_TRIES; t++)
		st->trie_plen[t] = prefix_len(be32_at(mask, trie_ofs[t]));
	{
		uint32_t pm = be32_at(mask, PORTS_OFS);
		st->ports_plen = pm ? 32 - (unsigned)__builtin_ctz(pm) : 0;
	}
	hmap_insert(&cls->subtables, &st->node, hash_mask(mask));
	if (cls->n_vec == cls->vec_cap) {
		cls->vec_cap = cls->vec_cap ? cls->vec_cap * 2 : 8;
		cls->vec = xrealloc(cls->vec, cls->vec_cap * sizeof *cls->vec);
	}
	cls->vec[cls->n_vec++] = st;
	return st;
}

static void
subtable_destroy(struct classifier *cls, struct cls_subtable *st)
{
	size_t i;

	for (i = 0; i < cls->n_vec && cls->vec[i] != st; i++)
		;
	memmove(&cls->vec[i], &cls->vec[i + 1],
		(cls->n_vec - i - 1) * sizeof *cls->vec);
	cls->n_vec--;
	hmap_remove(&cls->subtables, &st->node);
	for (unsigned k = 0; k < st->n_indices; k++) {
		struct hnode *n, *next;
		HMAP_FOR_EACH_SAFE (n, next, &st->indices[k])
			free(HMAP_CONTAINER(n, struct cls_index_entry, node));
		hmap_destroy(&st->indices[k]);
	}
	hmap_destroy(&st->rules);
	trie_destroy(st->ports_trie);
	free(st);
}

/* Keeps classifier->vec sorted by max_priority, highest first, after
 * @st's max priority changed. */
static void
resort(struct classifier *cls, struct cls_subtable *st)
{
	size_t i;

	for (i = 0; cls->vec[i] != st; i++)
		;
	while (i > 0 && cls->vec[i - 1]->max_priority < st->max_priority) {
		cls->vec[i] = cls->vec[i - 1];
		cls->vec[--i] = st;
	}
	while (i + 1 < cls->n_vec &&
	       cls->vec[i + 1]->max_priority > st->max_priority) {
		cls->vec[i] = cls->vec[i + 1];
		cls->vec[++i] = st;
	}
}

/* Recomputes @st's max priority after its last rule of that priority
 * went, and its place in the vector. */
static void
settle(struct classifier *cls, struct cls_subtable *st)
{
	struct hnode *n;

	st->max_priority = INT_MIN;
	st->max_count = 0;
	HMAP_FOR_EACH (n, &st->rules) {
		const struct cls_rule *r =
			HMAP_CONTAINER(n, struct cls_rule, node);
		if (r->priority > st->max_priority) {
			st->max_priority = r->priority;
			st->max_count = 1;
		} else if (r->priority == st->max_priority) {
			st->max_count++;
		}
	}
	st->max_stale = false;
	resort(cls, st);
}

void
cls_batch_begin(struct classifier *cls)
{
	cls->batch++;
}

void
cls_batch_end(struct classifier *cls)
{
	if (--cls->batch)
		return;
	for (size_t i = 0; i < cls->n_vec; i++)
		if (cls->vec[i]->max_stale)
			settle(cls, cls->vec[i]);
}

static struct cls_subtable *
subtable_find(const struct classifier *cls, const struct flow *mask)
{
	uint32_t h = hash_mask(mask);
	struct hnode *n;

	for (n = hmap_first_with_hash(&cls->subtables, h); n;
	     n = hmap_next_with_hash(n)) {
		struct cls_subtable *st =
			HMAP_CONTAINER(n, struct cls_subtable, node);
		if (flow_equal(&st->mask, mask))
			return st;
	}
	return NULL;
}

static struct cls_index_entry *
index_find(const struct hmap *index, uint32_t h)
{
	struct hnode *n = hmap_first_with_hash(index, h);
	return n ? HMAP_CONTAINER(n, struct cls_index_entry, node) : NULL;
}

static void
index_update(struct cls_subtable *st, const struct flow *flow, int delta)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < st->n_indices; i++) {
		unsigned s = st->index_stage[i];
		unsigned from = i ? st->index_stage[i - 1] + 1 : 0;
		uint32_t hash = hash_stages(st, flow, from, s + 1, &h);
		struct cls_index_entry *e = index_find(&st->indices[i], hash);

		if (delta > 0) {
			if (!e) {
				e = xzalloc(sizeof *e);
				hmap_insert(&st->indices[i], &e->node, hash);
			}
			e->count++;
		} else if (e && !--e->count) {
			hmap_remove(&st->indices[i], &e->node);
			free(e);
		}
	}
}

/* ---- the classifier ---- */

void
cls_init(struct classifier *cls)
{
	memset(cls, 0, sizeof *cls);
	hmap_init(&cls->subtables);
}

void
cls_destroy(struct classifier *cls)
{
	while (cls->n_vec)
		subtable_destroy(cls, cls->vec[0]);
	hmap_destroy(&cls->subtables);
	for (unsigned t = 0; t < CLS_N_TRIES; t++)
		trie_destroy(cls->tries[t]);
	free(cls->vec);
	memset(cls, 0, sizeof *cls);
}

/* ---- rules and their interned masks ---- */

static struct hmap masks; /* struct cls_mask, by hash; buckets made lazily */

static struct cls_mask *
mask_intern(const struct flow *mask)
{
	uint32_t h = hash_bytes(mask, sizeof *mask, 0);
	struct cls_mask *cm;

	if (!masks.buckets)
		hmap_init(&masks);
	for (struct hnode *n = hmap_first_with_hash(&masks, h); n;
	     n = hmap_next_with_hash(n)) {
		cm = HMAP_CONTAINER(n, struct cls_mask, node);
		if (flow_equal(&cm->mask, mask)) {
			cm->refcnt++;
			return cm;
		}
	}
	cm = xmalloc(sizeof *cm);
	cm->refcnt = 1;
	cm->mask = *mask;
	hmap_insert(&masks, &cm->node, h);
	return cm;
}

void
cls_rule_init(struct cls_rule *rule, const struct match *match, int priority)
{
	memset(rule, 0, sizeof *rule);
	rule->flow = match->flow;
	rule->mask = mask_intern(&match->mask);
	rule->priority = priority;
}

void
cls_rule_destroy(struct cls_rule *rule)
{
	struct cls_mask *cm = rule->mask;

	if (cm && !--cm->refcnt) {
		hmap_remove(&masks, &cm->node);
		free(cm);
	}
	rule->mask = NULL;
}

void
cls_rule_match(const struct cls_rule *rule, struct match *match)
{
	match->flow = rule->flow;
	match->mask = rule->mask->mask;
}

static struct cls_rule *
find_in_subtable(const struct cls_subtable *st, const struct flow *flow,
		 uint32_t hash, int priority)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&st->rules, hash); n;
	     n = hmap_next_with_hash(n)) {
		struct cls_rule *r = HMAP_CONTAINER(n, struct cls_rule, node);
		if (r->priority == priority && flow_equal(&r->flow, flow))
			return r;
	}
	return NULL;
}

struct cls_rule *
cls_find_exact(const struct classifier *cls, const struct match *match,
	       int priority)
{
	const struct cls_subtable *st = subtable_find(cls, &match->mask);

	return st ? find_in_subtable(st, &match->flow,
				     hash_rule(st, &match->flow), priority)
		  : NULL;
}

struct cls_rule *
cls_insert(struct classifier *cls, struct cls_rule *rule)
{
	struct cls_subtable *st = subtable_find(cls, &rule->mask->mask);
	struct cls_rule *old;
	uint32_t hash;

	if (!st)
		st = subtable_create(cls, &rule->mask->mask);
	hash = hash_rule(st, &rule->flow);
	old = find_in_subtable(st, &rule->flow, hash, rule->priority);
	if (old)
		return old;
	hmap_insert(&st->rules, &rule->node, hash);
	rule->subtable = st;
	st->n_rules++;
	cls->n_rules++;
	index_update(st, &rule->flow, 1);
	for (unsigned t = 0; t < CLS_N_TRIES; t++)
		if (st->trie_plen[t])
			trie_insert(&cls->tries[t],
				    be32_at(&rule->flow, trie_ofs[t]),
				    st->trie_plen[t]);
	if (st->ports_plen)
		trie_insert(&st->ports_trie, be32_at(&rule->flow, PORTS_OFS),
			    st->ports_plen);
	if (rule->priority > st->max_priority) {
		st->max_priority = rule->priority;
		st->max_count = 1;
		resort(cls, st);
	} else if (rule->priority == st->max_priority) {
		st->max_count++;
	}
	return NULL;
}

void
cls_remove(struct classifier *cls, struct cls_rule *rule)
{
	struct cls_subtable *st = rule->subtable;

	hmap_remove(&st->rules, &rule->node);
	rule->subtable = NULL;
	st->n_rules--;
	cls->n_rules--;
	index_update(st, &rule->flow, -1);
	for (unsigned t = 0; t < CLS_N_TRIES; t++)
		if (st->trie_plen[t])
			trie_remove(&cls->tries[t],
				    be32_at(&rule->flow, trie_ofs[t]),
				    st->trie_plen[t]);
	if (st->ports_plen)
		trie_remove(&st->ports_trie, be32_at(&rule->flow, PORTS_OFS),
			    st->ports_plen);
	if (!st->n_rules) {
		subtable_destroy(cls, st);
		return;
	}
	if (rule->priority == st->max_priority && !--st->max_count) {
		st->max_stale = true;
		if (!cls->batch)
			settle(cls, st);
	}
}

/* Per-lookup state of the classifier-wide tries, looked up on demand. */
struct trie_ctx {
	bool done;
	unsigned maskbits;
	uint64_t plens;
};

static bool
prefix_bits_set(const struct flow *wc, size_t ofs, unsigned n)
{
	uint32_t m = prefix_mask(n);
	return (be32_at(wc, ofs) & m) == m;
}

/* True if the tries prove that no rule of @st can match @flow, given
 * the fields of @stage; then @wc has the bits that proof needed. */
static bool
check_tries(const struct classifier *cls, const struct cls_subtable *st,
	    unsigned stage, const struct flow *flow, struct trie_ctx *ctx,
	    struct flow *wc)
{
	if (stage != FLOW_STAGE_L3)
		return false;
	for (unsigned t = 0; t < CLS_N_TRIES; t++) {
		struct trie_ctx *c = &ctx[t];
		unsigned plen = st->trie_plen[t];

		if (!plen)
			continue;
		if (!c->done) {
			c->done = true;
			c->plens = 0;
			if (flow_is_ip(flow)) {
				c->maskbits =
					trie_lookup(cls->tries[t],
						    be32_at(flow, trie_ofs[t]),
						    32, &c->plens);
			} else {
				/* The field means nothing here: no skipping. */
				c->plens = ~0ull;
				c->maskbits = 0;
			}
		}
		if (c->plens & (1ull << (plen - 1)))
			continue;
		/* Never un-wildcard more than the subtable itself would. */
		if (c->maskbits <= plen) {
			or_be32_at(wc, trie_ofs[t], prefix_mask(c->maskbits));
			return true;
		}
		if (prefix_bits_set(wc, trie_ofs[t], c->maskbits))
			return true;
	}
	return false;
}

static const struct cls_rule *
find_best(const struct cls_subtable *st, const struct flow *flow, uint32_t hash)
{
	const struct cls_rule *best = NULL;
	struct hnode *n;

	for (n = hmap_first_with_hash(&st->rules, hash); n;
	     n = hmap_next_with_hash(n)) {
		const struct cls_rule *r =
			HMAP_CONTAINER(n, struct cls_rule, node);
		if (flow_equal_masked(&r->flow, flow, &st->mask) &&
		    (!best || r->priority > best->priority))
			best = r;
	}
	return best;
}

/* Open vSwitch's find_match_wc: the best rule of @st for @flow, folding
 * into @wc what the staged lookup examined. */
static const struct cls_rule *
find_match_wc(const struct classifier *cls, const struct cls_subtable *st,
	      const struct flow *flow, struct trie_ctx *tctx, struct flow *wc)
{
	unsigned stages = 0, from = 0;
	uint64_t h = 0;
	uint32_t hash;
	const struct cls_rule *rule;
	unsigned final = st->index_stage[st->n_indices];

	for (unsigned i = 0; i < st->n_indices; i++) {
		unsigned s = st->index_stage[i];

		if (check_tries(cls, st, s, flow, tctx, wc))
			goto no_match;
		stages |= 1u << s;
		hash = hash_stages(st, flow, from, s + 1, &h);
		from = s + 1;
		if (!index_find(&st->indices[i], hash))
			goto no_match;
	}
	if (check_tries(cls, st, final, flow, tctx, wc))
		goto no_match;
	hash = hash_stages(st, flow, from, FLOW_N_STAGES, &h);
	rule = find_best(st, flow, hash);
	if (!rule && st->ports_plen) {
		/* Un-wildcard only the port bits the ports trie needed. */
		uint32_t mask = be32_at(&st->mask, PORTS_OFS);
		uint64_t plens = 0;
		unsigned mbits = trie_lookup(st->ports_trie,
					     be32_at(flow, PORTS_OFS) & mask,
					     32, &plens);
		or_be32_at(wc, PORTS_OFS, mask & prefix_mask(mbits));
		goto no_match;
	}
	fold_stages(st, (1u << FLOW_N_STAGES) - 1, wc);
	return rule;

no_match:
	fold_stages(st, stages, wc);
	return NULL;
}

const struct cls_rule *
cls_lookup(const struct classifier *cls, const struct flow *flow,
	   struct flow *wc)
{
	struct trie_ctx tctx[CLS_N_TRIES] = { { 0 } };
	const struct cls_rule *best = NULL;
	struct flow scratch;

	if (!wc) {
		memset(&scratch, 0, sizeof scratch);
		wc = &scratch;
	}
	for (size_t i = 0; i < cls->n_vec; i++) {
		const struct cls_subtable *st = cls->vec[i];
		const struct cls_rule *r;

		if (best && st->max_priority <= best->priority)
			break;
		r = find_match_wc(cls, st, flow, tctx, wc);
		if (r && (!best || r->priority > best->priority))
			best = r;
	}
	return best;
}

bool
cls_rule_is_loose_match(const struct cls_rule *rule,
			const struct match *criteria)
{
	const uint64_t *rf = flow_u64(&rule->flow);
	const uint64_t *rm = flow_u64(&rule->mask->mask);
	const uint64_t *cf = flow_u64(&criteria->flow);
	const uint64_t *cm = flow_u64(&criteria->mask);

	for (size_t i = 0; i < FLOW_WORDS; i++)
		if ((cm[i] & ~rm[i]) || ((rf[i] ^ cf[i]) & cm[i]))
			return false;
	return true;
}

void
cls_for_each(const struct classifier *cls,
	     void (*fn)(struct cls_rule *, void *aux), void *aux)
{
	/* Collect first: @fn may remove rules (and so subtables). */
	size_t n = 0, i = 0;
	struct cls_rule **all = xmalloc((cls->n_rules + 1) * sizeof *all);

	for (size_t s = 0; s < cls->n_vec; s++) {
		struct hnode *node;
		HMAP_FOR_EACH (node, &cls->vec[s]->rules)
			all[n++] = HMAP_CONTAINER(node, struct cls_rule, node);
	}
	for (i = 0; i < n; i++)
		fn(all[i], aux);
	free(all);
}

size_t
cls_n_subtables(const struct classifier *cls)
{
	return cls->n_vec;
}
