/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_meter: a bridge's OpenFlow meters and the meter-mod semantics
 * of Open vSwitch 3.1 over a netdev datapath (which errors for what, and
 * that deleting a meter deletes the flows that use it).  Each meter has
 * a datapath meter that applies it (upcalld's token buckets): changes
 * are left for the daemon to pass on (vswitchd_dpif.c), translation
 * emits the datapath meter action (vswitchd_xlate.c), the OpenFlow
 * messages are in vswitchd_ofmeter.c.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

#include "ofp_meter.h"

static uint32_t
meter_hash(uint32_t id)
{
	return hash_bytes(&id, sizeof id, 0);
}

void
meters_init(struct bridge *br)
{
	hmap_init(&br->meters);
	br->meters_gone = NULL;
	br->n_meters_gone = 0;
}

static void
meter_free(struct ofmeter *m)
{
	free(m->bands);
	free(m);
}

void
meters_destroy(struct bridge *br)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &br->meters) {
		hmap_remove(&br->meters, n);
		meter_free(HMAP_CONTAINER(n, struct ofmeter, node));
	}
	hmap_destroy(&br->meters);
	free(br->meters_gone);
}

struct ofmeter *
meters_find(const struct bridge *br, uint32_t id)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&br->meters, meter_hash(id)); n;
	     n = hmap_next_with_hash(n)) {
		struct ofmeter *m = HMAP_CONTAINER(n, struct ofmeter, node);
		if (m->id == id)
			return m;
	}
	return NULL;
}

/* What a netdev datapath refuses of a meter's configuration. */
static enum ofperr
check_config(const struct ofp_meter_mod *mm)
{
	uint16_t known =
		OFPMF13_KBPS | OFPMF13_PKTPS | OFPMF13_BURST | OFPMF13_STATS;

	if (!mm->meter_id)
		return OFPERR_OFPMMFC_INVALID_METER;
	if (mm->meter_id > OFPM13_MAX && mm->meter_id != OFPM13_SLOWPATH &&
	    mm->meter_id != OFPM13_CONTROLLER)
		return OFPERR_OFPMMFC_INVALID_METER;
	if (mm->n_bands > MVS_METER_BANDS_MAX)
		return OFPERR_OFPMMFC_OUT_OF_BANDS;
	if (!(mm->flags & (OFPMF13_KBPS | OFPMF13_PKTPS)) ||
	    (mm->flags & ~known))
		return OFPERR_OFPMMFC_BAD_FLAGS;
	for (uint16_t i = 0; i < mm->n_bands; i++) {
		if (mm->bands[i].type != OFPMBT13_DROP)
			return OFPERR_OFPMMFC_BAD_BAND;
		if (!mm->bands[i].rate)
			return OFPERR_OFPMMFC_BAD_RATE;
	}
	return 0;
}

/* Gives @m @mm's configuration, for the datapath to take again. */
static void
configure(struct ofmeter *m, const struct ofp_meter_mod *mm)
{
	free(m->bands);
	m->flags = mm->flags;
	m->n_bands = mm->n_bands;
	m->bands = xmalloc((mm->n_bands + 1u) * sizeof *mm->bands);
	if (mm->n_bands)
		memcpy(m->bands, mm->bands, mm->n_bands * sizeof *mm->bands);
	m->synced = false;
	m->in_packets = m->in_bytes = 0;
	memset(m->band_stats, 0, sizeof m->band_stats);
}

static bool uses_meter(const void *data, size_t size, uint32_t id);

static void
delete_meter(struct bridge *br, struct ofmeter *m,
	     void (*removed)(struct rule *, enum rule_removed_reason, void *),
	     void *aux)
{
	struct rule **rules, **users;
	size_t n, n_users = 0;

	/* The flows that use it go first, as in Open vSwitch. */
	rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL, OFPP_NONE,
			       OFP_GROUP_ANY, 0, 0, &n);
	users = xmalloc((n + 1) * sizeof *users);
	for (size_t i = 0; i < n; i++)
		if (uses_meter(rules[i]->actions.data, rules[i]->actions.size,
			       m->id))
			users[n_users++] = rules[i];
	tables_remove_rules(&br->tables, users, n_users,
			    RULE_REMOVED_METER_DELETE, removed, aux);
	for (size_t i = 0; i < n; i++)
		rule_unref(rules[i]);
	free(rules);
	free(users);
	br->meters_gone =
		xrealloc(br->meters_gone,
			 (br->n_meters_gone + 1) * sizeof *br->meters_gone);
	br->meters_gone[br->n_meters_gone++] = m->dp_id;
	hmap_remove(&br->meters, &m->node);
	meter_free(m);
	br->tables.version++;
}

enum ofperr
meters_mod(struct bridge *br, const struct ofp_meter_mod *mm, uint64_t now_ms,
	   void (*removed)(struct rule *, enum rule_removed_reason, void *aux),
	   void *aux)
{
	struct ofmeter *m;
	enum ofperr e;

	if (mm->command == OFPMC13_DELETE) {
		if (mm->meter_id == OFPM13_ALL) {
			struct hnode *n, *next;

			HMAP_FOR_EACH_SAFE (n, next, &br->meters)
				delete_meter(
					br,
					HMAP_CONTAINER(n, struct ofmeter, node),
					removed, aux);
		} else if ((m = meters_find(br, mm->meter_id))) {
			delete_meter(br, m, removed, aux);
		}
		return 0;
	}
	e = check_config(mm);
	if (e)
		return e;
	m = meters_find(br, mm->meter_id);
	if (mm->command == OFPMC13_ADD) {
		if (m)
			return OFPERR_OFPMMFC_METER_EXISTS;
		m = xzalloc(sizeof *m);
		m->id = mm->meter_id;
		m->dp_id = br->vsw->next_dp_meter++ & MVS_METER_MAX;
		m->created_ms = now_ms;
		hmap_insert(&br->meters, &m->node, meter_hash(m->id));
	} else if (!m) {
		return OFPERR_OFPMMFC_UNKNOWN_METER;
	}
	configure(m, mm);
	br->tables.version++;
	return 0;
}

static int
cmp_meters(const void *a_, const void *b_)
{
	const struct ofmeter *a = *(struct ofmeter *const *)a_;
	const struct ofmeter *b = *(struct ofmeter *const *)b_;

	return a->id < b->id ? -1 : a->id > b->id;
}

struct ofmeter **
meters_collect(const struct bridge *br, uint32_t id, size_t *n)
{
	struct ofmeter **v = xmalloc((br->meters.n + 1) * sizeof *v);
	struct hnode *node;

	*n = 0;
	HMAP_FOR_EACH (node, &br->meters) {
		struct ofmeter *m = HMAP_CONTAINER(node, struct ofmeter, node);
		if (id == OFPM13_ALL || id == m->id)
			v[(*n)++] = m;
	}
	qsort(v, *n, sizeof *v, cmp_meters);
	return v;
}

static bool
uses_meter(const void *data, size_t size, uint32_t id)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, data, size)
	if (a->type == OFPACT_METER &&
	    (id == OFPM13_ALL ||
	     OFPACT_CAST(struct ofpact_u32, a)->value == id))
		return true;
	return false;
}

uint32_t
meters_ref_count(const struct bridge *br, uint32_t id)
{
	struct rule **rules;
	size_t n;
	uint32_t count = 0;

	rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL, OFPP_NONE,
			       OFP_GROUP_ANY, 0, 0, &n);
	for (size_t i = 0; i < n; i++) {
		count += uses_meter(rules[i]->actions.data,
				    rules[i]->actions.size, id);
		rule_unref(rules[i]);
	}
	free(rules);
	return count;
}

enum ofperr
meters_check_actions(const struct bridge *br, const struct ofpacts *acts)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, acts->data, acts->size)
	if (a->type == OFPACT_METER &&
	    !meters_find(br, OFPACT_CAST(struct ofpact_u32, a)->value))
		return OFPERR_OFPMMFC_INVALID_METER;
	return 0;
}
