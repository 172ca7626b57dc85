/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_oftable: the OpenFlow messages about tables: table statistics
 * and table features (what ovs-ofctl reads the table names from before
 * it parses a flow).  Tables are named "tableN" and hold up to a million
 * rules each, as Open vSwitch's are by default; the field and action
 * capabilities are not described yet (see the report in docs).
 */
#include "ofconn.h"

#include <stdio.h>
#include <string.h>

#include "ofp_table.h"

#define OFTABLE_MAX_ENTRIES 1000000

static void
table_features(uint8_t id, struct ofp_table_features *tf)
{
	memset(tf, 0, sizeof *tf);
	tf->table_id = id;
	snprintf(tf->name, sizeof tf->name, "table%u", id);
	tf->metadata_match = tf->metadata_write = UINT64_MAX;
	tf->miss_config = OFP_TABLE_MISS_DEFAULT;
	tf->supports_eviction = tf->supports_vacancy_events = -1;
	tf->max_entries = OFTABLE_MAX_ENTRIES;
	for (unsigned t = id + 1u; t < OFTABLE_N - 1; t++) {
		tf->nonmiss.next[t / 8] |= (uint8_t)(1u << (t % 8));
		tf->miss.next[t / 8] |= (uint8_t)(1u << (t % 8));
	}
	tf->nonmiss.write.ofpacts = tf->nonmiss.apply.ofpacts =
		(1u << OFPAB_N) - 1;
	tf->miss = tf->nonmiss;
}

/* The rules of each table. */
static void
count_rules(const struct bridge *br, uint32_t *counts)
{
	for (int i = 0; i < OFTABLE_N; i++)
		counts[i] = (uint32_t)br->tables.cls[i].n_rules;
}

static enum ofperr
on_table_stats(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	uint32_t counts[OFTABLE_N];
	struct ofconn_mp mp;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	count_rules(br, counts);
	ofconn_mp_start(&mp, m);
	for (int i = 0; i < OFTABLE_N - 1; i++) {
		struct ofp_table_stats ts = { (uint8_t)i, counts[i], 0, 0 };
		struct ofp_table_features tf;

		table_features((uint8_t)i, &tf);
		ofp_put_table_stats(&mp.b, &ts, &tf, m->version);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	return 0;
}

static enum ofperr
on_table_features(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofconn_mp mp;

	/* A request with tables in it would set the features: refused. */
	if (m->body_len)
		return OFPERR_OFPTFFC_EPERM;
	ofconn_mp_start(&mp, m);
	for (int i = 0; i < OFTABLE_N - 1; i++) {
		struct ofp_table_features tf;

		table_features((uint8_t)i, &tf);
		ofp_put_table_features(&mp.b, &tf, m->version);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	return 0;
}

enum ofperr
ofconn_table_msg(struct ofconn *c, const struct ofp_msg *m)
{
	return m->type == OFPTYPE_TABLE_STATS_REQUEST ? on_table_stats(c, m)
						      : on_table_features(c, m);
}
