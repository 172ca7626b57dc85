/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_table: the OpenFlow tables 0-254 of a bridge: rules with
 * priority, cookie, timeouts and counters, changed by flow-mods with
 * OpenFlow's add/modify/delete semantics (loose and strict), expired by
 * idle and hard timeouts.  Each table is a classifier.
 *
 * A rule is reference-counted: the table holds one reference, and a
 * translation that used the rule holds one until its megaflow goes, so
 * the rule's counters can still be credited after a delete.
 */
#include "vswitchd.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct rule *
rule_from_cls(const struct cls_rule *cr)
{
	return (struct rule *)(void *)((char *)(uintptr_t)cr -
				       offsetof(struct rule, cr));
}

void
rule_ref(struct rule *rule)
{
	rule->refcnt++;
}

void
rule_unref(struct rule *rule)
{
	if (rule && !--rule->refcnt) {
		ofpacts_free(&rule->actions);
		cls_rule_destroy(&rule->cr);
		free(rule);
	}
}

void
rule_credit_stats(struct rule *rule, uint64_t n_packets, uint64_t n_bytes,
		  uint64_t used_ms)
{
	if (!(rule->flags & OFPFF_NO_PKT_COUNTS))
		rule->n_packets += n_packets;
	if (!(rule->flags & OFPFF_NO_BYT_COUNTS))
		rule->n_bytes += n_bytes;
	if (n_packets && used_ms > rule->used_ms)
		rule->used_ms = used_ms;
}

static bool
rule_timed(const struct rule *r)
{
	return r->idle_timeout || r->hard_timeout;
}

static struct rule *
rule_new(const struct ofp_flow_mod *fm, uint8_t table_id, uint64_t now_ms)
{
	struct rule *r = xzalloc(sizeof *r);
	struct match m = fm->match;

	match_canonicalize(&m);
	cls_rule_init(&r->cr, &m, fm->priority);
	r->table_id = table_id;
	r->cookie = fm->new_cookie;
	r->idle_timeout = fm->idle_timeout;
	r->hard_timeout = fm->hard_timeout;
	r->importance = fm->importance;
	r->flags = fm->flags;
	r->created_ms = r->modified_ms = r->used_ms = now_ms;
	ofpacts_clone(&r->actions, &fm->ofpacts);
	r->refcnt = 1;
	return r;
}

/* ---- the journal of an atomic commit (tables_undo_begin) ---- */

enum undo_kind {
	UNDO_ADDED,    /* the rule went into its table */
	UNDO_REMOVED,  /* the rule left its table */
	UNDO_MODIFIED, /* the rule's actions, cookie or counters changed */
};

struct undo_entry {
	enum undo_kind kind;
	struct rule *rule;	      /* referenced by the entry */
	enum rule_removed_reason why; /* UNDO_REMOVED */
	bool report;		      /* UNDO_REMOVED: a removal to report */
	/* UNDO_MODIFIED: what the rule had before (actions owned). */
	struct ofpacts actions;
	uint64_t cookie, n_packets, n_bytes, modified_ms;
};

struct tables_undo {
	struct undo_entry *v;
	size_t n, cap;
	uint64_t version; /* the tables' at tables_undo_begin() */
};

/* A new entry of @kind about @rule; the caller gives it a reference. */
static struct undo_entry *
undo_push(struct flow_tables *t, enum undo_kind kind, struct rule *rule)
{
	struct tables_undo *u = t->undo;
	struct undo_entry *e;

	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 16;
		u->v = xrealloc(u->v, u->cap * sizeof *u->v);
	}
	e = &u->v[u->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->rule = rule;
	return e;
}

/* Records that @rule went into its table (a reference of its own). */
static void
undo_added(struct flow_tables *t, struct rule *rule)
{
	if (t->undo) {
		rule_ref(rule);
		undo_push(t, UNDO_ADDED, rule);
	}
}

/* Undoes @e: the newest change not yet undone. */
static void
undo_one(struct flow_tables *t, struct undo_entry *e)
{
	struct rule *r = e->rule;
	struct classifier *cls = &t->cls[r->table_id];
	struct ofpacts acts;

	switch (e->kind) {
	case UNDO_ADDED:
		cls_remove(cls, &r->cr);
		r->removed = true;
		t->n_rules--;
		t->n_timed -= rule_timed(r);
		rule_unref(r); /* the table's */
		break;
	case UNDO_REMOVED:
		if (cls_insert(cls, &r->cr))
			abort(); /* newer changes are undone: its place is free
				  */
		r->removed = false;
		t->n_rules++;
		t->n_timed += rule_timed(r);
		rule_ref(r); /* the table's again */
		break;
	case UNDO_MODIFIED:
		acts = r->actions;
		r->actions = e->actions;
		e->actions = acts;
		r->cookie = e->cookie;
		r->n_packets = e->n_packets;
		r->n_bytes = e->n_bytes;
		r->modified_ms = e->modified_ms;
		break;
	}
}

void
tables_undo_begin(struct flow_tables *t)
{
	assert(!t->undo);
	t->undo = xzalloc(sizeof *t->undo);
	t->undo->version = t->version;
}

void
tables_undo_end(struct flow_tables *t, bool keep,
		void (*removed)(struct rule *, enum rule_removed_reason,
				void *aux),
		void *aux)
{
	struct tables_undo *u = t->undo;

	t->undo = NULL;
	if (keep) {
		for (size_t i = 0; i < u->n; i++)
			if (u->v[i].kind == UNDO_REMOVED && u->v[i].report &&
			    removed)
				removed(u->v[i].rule, u->v[i].why, aux);
	} else {
		for (size_t i = u->n; i-- > 0;)
			undo_one(t, &u->v[i]);
	}
	for (size_t i = 0; i < u->n; i++) {
		if (u->v[i].kind == UNDO_MODIFIED)
			ofpacts_free(&u->v[i].actions);
		rule_unref(u->v[i].rule);
	}
	/* Undone, the tables are what they were at that version: nothing
	 * saw them in between (all on the loop thread), so nothing need be
	 * revalidated. */
	t->version = keep ? t->version + 1 : u->version;
	free(u->v);
	free(u);
}

static void
rule_remove(struct flow_tables *t, struct rule *rule,
	    enum rule_removed_reason why,
	    void (*removed)(struct rule *, enum rule_removed_reason, void *),
	    void *aux)
{
	if (t->undo) {
		/* The journal takes over the table's reference. */
		struct undo_entry *e = undo_push(t, UNDO_REMOVED, rule);

		e->why = why;
		e->report = removed != NULL;
	} else if (removed) {
		removed(rule, why, aux);
	}
	cls_remove(&t->cls[rule->table_id], &rule->cr);
	rule->removed = true;
	t->n_rules--;
	t->n_timed -= rule_timed(rule);
	t->version++;
	if (!t->undo)
		rule_unref(rule);
}

void
tables_init(struct flow_tables *t, uint64_t now_ms)
{
	struct ofp_flow_mod fm;
	char *err;

	memset(t, 0, sizeof *t);
	for (int i = 0; i < OFTABLE_N; i++)
		cls_init(&t->cls[i]);
	err = ofp_flow_mod_parse(&fm, "priority=0,actions=NORMAL", OFPFC_ADD,
				 NULL);
	if (!err) {
		tables_flow_mod(t, &fm, false, now_ms, NULL, NULL);
		ofp_flow_mod_uninit(&fm);
	}
	free(err);
}

static void
drop_rule(struct cls_rule *cr, void *aux)
{
	struct flow_tables *t = aux;
	struct rule *rule = rule_from_cls(cr);

	cls_remove(&t->cls[rule->table_id], cr);
	rule->removed = true;
	rule_unref(rule);
}

void
tables_destroy(struct flow_tables *t)
{
	for (int i = 0; i < OFTABLE_N; i++) {
		cls_for_each(&t->cls[i], drop_rule, t);
		cls_destroy(&t->cls[i]);
	}
	t->n_rules = t->n_timed = 0;
}

/* ---- collecting the rules a flow-mod addresses ---- */

struct collect {
	const struct match *criteria; /* NULL: all */
	int priority;		      /* strict: this priority, else -1 */
	uint32_t out_port;
	uint32_t out_group; /* OFP_GROUP_ANY: no filter */
	uint64_t cookie, cookie_mask;
	bool timed_only; /* only rules with a timeout */
	struct rule **rules;
	size_t n, cap;
};

static void
collect_one(struct cls_rule *cr, void *aux)
{
	struct collect *c = aux;
	struct rule *r = rule_from_cls(cr);

	if (c->timed_only && !rule_timed(r))
		return;
	if (c->criteria && !cls_rule_is_loose_match(cr, c->criteria))
		return;
	if ((r->cookie ^ c->cookie) & c->cookie_mask)
		return;
	if (!ofpacts_output_to_port(r->actions.data, r->actions.size,
				    c->out_port) ||
	    !ofpacts_output_to_group(r->actions.data, r->actions.size,
				     c->out_group))
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rules = xrealloc(c->rules, c->cap * sizeof *c->rules);
	}
	rule_ref(r);
	c->rules[c->n++] = r;
}

/* A rule's place in a reply: table, then priority (highest first), then
 * age, then the order the tables gave it (the sort is stable). */
struct rule_key {
	uint64_t created_ms;
	uint32_t table_pri; /* table_id << 16 | (65535 - priority) */
	uint32_t idx;	    /* in the collected array */
};

static int
cmp_keys(const void *a_, const void *b_)
{
	const struct rule_key *a = a_, *b = b_;

	if (a->table_pri != b->table_pri)
		return a->table_pri < b->table_pri ? -1 : 1;
	if (a->created_ms != b->created_ms)
		return a->created_ms < b->created_ms ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Sorts @rules (@n of them) in reply order.  The keys are sorted apart
 * from the rules: comparing them then reads no rule (100,000 rules
 * sorted through their pointers cost more than encoding them). */
static void
sort_rules(struct rule **rules, size_t n)
{
	struct rule_key *keys = xmalloc(n * sizeof *keys);
	struct rule **sorted = xmalloc(n * sizeof *sorted);

	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules[i];

		keys[i].created_ms = r->created_ms;
		keys[i].table_pri = (uint32_t)r->table_id << 16 |
				    (uint32_t)(65535 - r->cr.priority);
		keys[i].idx = (uint32_t)i;
	}
	qsort(keys, n, sizeof *keys, cmp_keys);
	for (size_t i = 0; i < n; i++)
		sorted[i] = rules[keys[i].idx];
	memcpy(rules, sorted, n * sizeof *rules);
	free(sorted);
	free(keys);
}

/* The rules of table @table_id (or all) that @c accepts, referenced, in
 * table, priority and age order; their number in *@n. */
static struct rule **
collect_run(const struct flow_tables *t, uint8_t table_id, struct collect *c,
	    size_t *n)
{
	for (int i = 0; i < OFTABLE_N; i++)
		if (table_id == OFP_TABLE_ANY || table_id == i)
			cls_for_each(&t->cls[i], collect_one, c);
	if (c->n > 1)
		sort_rules(c->rules, c->n);
	*n = c->n;
	return c->rules;
}

struct rule **
tables_collect(const struct flow_tables *t, uint8_t table_id,
	       const struct match *criteria, uint32_t out_port,
	       uint32_t out_group, uint64_t cookie, uint64_t cookie_mask,
	       size_t *n)
{
	struct collect c = {
		/* A match on nothing accepts every rule: no need to test. */
		.criteria = criteria && !ofp_is_zero(&criteria->mask,
						     sizeof criteria->mask)
				    ? criteria
				    : NULL,
		.out_port = out_port,
		.out_group = out_group,
		.cookie = cookie,
		.cookie_mask = cookie_mask,
	};

	return collect_run(t, table_id, &c, n);
}

/* The rules a strict or loose modify/delete addresses. */
static struct rule **
collect_for(const struct flow_tables *t, const struct ofp_flow_mod *fm,
	    bool strict, size_t *n)
{
	if (!strict)
		return tables_collect(t, fm->table_id, &fm->match, fm->out_port,
				      fm->out_group, fm->cookie,
				      fm->cookie_mask, n);

	/* Strict: the one rule per table with exactly this match and
	 * priority. */
	struct rule **rules = xmalloc(OFTABLE_N * sizeof *rules);
	*n = 0;
	for (int i = 0; i < OFTABLE_N; i++) {
		struct cls_rule *cr;
		struct rule *r;

		if (fm->table_id != OFP_TABLE_ANY && fm->table_id != i)
			continue;
		cr = cls_find_exact(&t->cls[i], &fm->match, fm->priority);
		if (!cr)
			continue;
		r = rule_from_cls(cr);
		if (((r->cookie ^ fm->cookie) & fm->cookie_mask) ||
		    !ofpacts_output_to_port(r->actions.data, r->actions.size,
					    fm->out_port) ||
		    !ofpacts_output_to_group(r->actions.data, r->actions.size,
					     fm->out_group))
			continue;
		rule_ref(r);
		rules[(*n)++] = r;
	}
	return rules;
}

/* Brackets removals from any table (cls_batch_begin/end on each). */
static void
batch(struct flow_tables *t, bool begin)
{
	for (int i = 0; i < OFTABLE_N; i++) {
		if (begin)
			cls_batch_begin(&t->cls[i]);
		else
			cls_batch_end(&t->cls[i]);
	}
}

static void
unref_all(struct rule **rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rule_unref(rules[i]);
	free(rules);
}

/* True if some rule of priority @priority in @cls overlaps @match: some
 * packet could match both (they agree wherever both masks have bits). */
struct overlap {
	const struct match *match;
	int priority;
	bool found;
};

static void
overlap_one(struct cls_rule *cr, void *aux)
{
	struct overlap *o = aux;
	const uint64_t *af = flow_u64(&cr->flow);
	const uint64_t *am = flow_u64(cls_rule_mask(cr));
	const uint64_t *bf = flow_u64(&o->match->flow);
	const uint64_t *bm = flow_u64(&o->match->mask);

	if (cr->priority != o->priority)
		return;
	for (size_t i = 0; i < FLOW_WORDS; i++)
		if ((af[i] ^ bf[i]) & am[i] & bm[i])
			return;
	o->found = true;
}

static int
add_flow(struct flow_tables *t, const struct ofp_flow_mod *fm, uint64_t now_ms)
{
	uint8_t table_id = fm->table_id == OFP_TABLE_ANY ? 0 : fm->table_id;
	struct classifier *cls = &t->cls[table_id];
	struct rule *rule, *old;
	struct cls_rule *old_cr;

	if (table_id >= OFTABLE_N)
		return -EINVAL;
	/* Open vSwitch checks overlaps only when no rule has the same match
	 * and priority: that one is replaced. */
	if ((fm->flags & OFPFF_CHECK_OVERLAP) &&
	    !cls_find_exact(cls, &fm->match, fm->priority)) {
		struct overlap o = { &fm->match, fm->priority, false };
		cls_for_each(cls, overlap_one, &o);
		if (o.found)
			return -EEXIST;
	}
	rule = rule_new(fm, table_id, now_ms);
	old_cr = cls_insert(cls, &rule->cr);
	t->n_timed += rule_timed(rule);
	if (!old_cr) {
		t->n_rules++;
		t->version++;
		undo_added(t, rule);
		return 0;
	}
	/* Replace the rule with the same match and priority: as in Open
	 * vSwitch, counters and duration start again, the time of the last
	 * hit (idle_age) carries over. */
	old = rule_from_cls(old_cr);
	t->n_timed -= rule_timed(old);
	rule->used_ms = old->used_ms;
	cls_remove(cls, old_cr);
	old->removed = true;
	if (t->undo)
		undo_push(t, UNDO_REMOVED, old); /* takes the table's ref */
	else
		rule_unref(old);
	cls_insert(cls, &rule->cr);
	undo_added(t, rule);
	t->version++;
	return 0;
}

static int
modify_flows(struct flow_tables *t, const struct ofp_flow_mod *fm, bool strict,
	     bool may_add, uint64_t now_ms)
{
	size_t n;
	struct rule **rules = collect_for(t, fm, strict, &n);

	if (!n) {
		free(rules);
		return may_add ? add_flow(t, fm, now_ms) : 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct rule *r = rules[i];

		if (t->undo) {
			struct undo_entry *e = undo_push(t, UNDO_MODIFIED, r);

			rule_ref(r);
			e->actions = r->actions; /* kept until the end */
			e->cookie = r->cookie;
			e->n_packets = r->n_packets;
			e->n_bytes = r->n_bytes;
			e->modified_ms = r->modified_ms;
		} else {
			ofpacts_free(&r->actions);
		}
		ofpacts_clone(&r->actions, &fm->ofpacts);
		if (fm->modify_cookie)
			r->cookie = fm->new_cookie;
		if (fm->flags & OFPFF_RESET_COUNTS)
			r->n_packets = r->n_bytes = 0;
		r->modified_ms = now_ms;
	}
	t->version++;
	unref_all(rules, n);
	return 0;
}

static void
delete_flows(struct flow_tables *t, const struct ofp_flow_mod *fm, bool strict,
	     void (*removed)(struct rule *, enum rule_removed_reason, void *),
	     void *aux)
{
	size_t n;
	struct rule **rules = collect_for(t, fm, strict, &n);

	batch(t, true);
	for (size_t i = 0; i < n; i++)
		rule_remove(t, rules[i], RULE_REMOVED_DELETE, removed, aux);
	batch(t, false);
	unref_all(rules, n);
}

void
tables_remove_rules(struct flow_tables *t, struct rule **rules, size_t n,
		    enum rule_removed_reason why,
		    void (*removed)(struct rule *, enum rule_removed_reason,
				    void *),
		    void *aux)
{
	batch(t, true);
	for (size_t i = 0; i < n; i++)
		if (!rules[i]->removed)
			rule_remove(t, rules[i], why, removed, aux);
	batch(t, false);
}

int
tables_flow_mod(struct flow_tables *t, const struct ofp_flow_mod *fm,
		bool modify_may_add, uint64_t now_ms,
		void (*removed)(struct rule *, enum rule_removed_reason,
				void *aux),
		void *aux)
{
	switch (fm->command) {
	case OFPFC_ADD:
		return add_flow(t, fm, now_ms);
	case OFPFC_MODIFY:
	case OFPFC_MODIFY_STRICT:
		return modify_flows(t, fm, fm->command == OFPFC_MODIFY_STRICT,
				    modify_may_add, now_ms);
	case OFPFC_DELETE:
	case OFPFC_DELETE_STRICT:
		delete_flows(t, fm, fm->command == OFPFC_DELETE_STRICT, removed,
			     aux);
		return 0;
	case OFPFC_STATS_REQUEST: /* a parser mode, not a command */
		break;
	}
	return -EINVAL;
}

struct rule *
tables_lookup(const struct flow_tables *t, uint8_t table_id,
	      const struct flow *flow, struct flow *wc)
{
	const struct cls_rule *cr;

	if (table_id >= OFTABLE_N)
		return NULL;
	cr = cls_lookup(&t->cls[table_id], flow, wc);
	return cr ? rule_from_cls(cr) : NULL;
}

size_t
tables_expire(struct flow_tables *t, uint64_t now_ms,
	      void (*removed)(struct rule *, enum rule_removed_reason,
			      void *aux),
	      void *aux)
{
	struct collect c = { .out_port = OFPP_NONE,
			     .out_group = OFP_GROUP_ANY,
			     .timed_only = true };
	struct rule **rules;
	size_t n, gone = 0;

	/* Most tables have no rule with a timeout: then no walk at all. */
	if (!t->n_timed)
		return 0;
	rules = collect_run(t, OFP_TABLE_ANY, &c, &n);
	batch(t, true);
	for (size_t i = 0; i < n; i++) {
		struct rule *r = rules[i];
		if (r->hard_timeout &&
		    now_ms >= r->created_ms + r->hard_timeout * 1000ull) {
			rule_remove(t, r, RULE_REMOVED_HARD_TIMEOUT, removed,
				    aux);
			gone++;
		} else if (r->idle_timeout &&
			   now_ms >= r->used_ms + r->idle_timeout * 1000ull) {
			rule_remove(t, r, RULE_REMOVED_IDLE_TIMEOUT, removed,
				    aux);
			gone++;
		}
	}
	batch(t, false);
	unref_all(rules, n);
	return gone;
}
