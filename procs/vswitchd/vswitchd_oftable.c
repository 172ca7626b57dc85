/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_oftable: the OpenFlow messages about tables: table statistics
 * and table features (what ovs-ofctl reads the table names from before
 * it parses a flow), table-mod and table descriptions.  Tables have no
 * name and hold up to a million rules each, as Open vSwitch's by default;
 * the instructions and actions are described, the fields each table can
 * match and set not yet (docs/STATUS.md).
 */
#include "ofconn.h"

#include <stdio.h>
#include <string.h>

#include "ofp_table.h"

#define OFTABLE_MAX_ENTRIES 1000000

/* The fields a table-stats reply of OpenFlow 1.0-1.2 says every table
 * matches exactly or wildcards: those of the fixed matches that microvs
 * matches (no MPLS). */
static void
fixed_match_fields(uint8_t version, struct ofp_table_features *tf)
{
	static const char *const names[] = {
		"in_port",  "vlan_vid", "vlan_pcp", "eth_src", "eth_dst",
		"eth_type", "nw_proto", "nw_tos",   "tcp_src", "tcp_dst",
		"ip_src",   "ip_dst",	"metadata",
	};
	size_t n = ARRAY_SIZE(names) - (version == OFP10_VERSION);

	for (size_t i = 0; i < n; i++) {
		int idx = ofp_tf_field_by_name(names[i]);

		if (idx >= 0) {
			ofp_tf_fields_set(&tf->match, (size_t)idx);
			ofp_tf_fields_set(&tf->wildcard, (size_t)idx);
		}
	}
}

static void
table_features(uint8_t id, uint8_t version, struct ofp_table_features *tf)
{
	memset(tf, 0, sizeof *tf);
	tf->table_id = id;
	/* No name, as Open vSwitch's tables have none until one is set. */
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
	/* meter (1.3+), apply, clear and write actions, write_metadata,
	 * goto_table: every instruction; a version without meters does not
	 * list it. */
	tf->nonmiss.instructions = version >= OFP13_VERSION ? 0x3f : 0x3e;
	tf->miss = tf->nonmiss;
	if (version < OFP13_VERSION)
		fixed_match_fields(version, tf);
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

		table_features((uint8_t)i, m->version, &tf);
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

		table_features((uint8_t)i, m->version, &tf);
		ofp_put_table_features(&mp.b, &tf, m->version);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	return 0;
}

/* Table-mod: accepted as Open vSwitch accepts it (miss config,
 * eviction, vacancy events), eviction and vacancy kept for the table
 * description, though microvs tables never evict and send no vacancy
 * events; table 254 is hidden and read-only, as Open vSwitch's is. */
static void
table_mod(struct oftable_config *tc, const struct ofp_table_mod *tm)
{
	if (tm->eviction == 0 || tm->eviction == 1)
		tc->eviction = tm->eviction;
	if (tm->vacancy == 0 || tm->vacancy == 1) {
		tc->vacancy = tm->vacancy;
		if (tm->vacancy) {
			tc->vacancy_down = tm->vacancy_down;
			tc->vacancy_up = tm->vacancy_up;
		}
	}
}

static enum ofperr
on_table_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_table_mod tm;
	enum ofperr e = ofp_decode_table_mod(m, &tm);

	if (e)
		return e;
	if (!br)
		return OFPERR_OFPBRC_EPERM;
	if (tm.table_id != OFP_TABLE_ANY && tm.table_id >= OFTABLE_N - 1)
		return OFPERR_OFPTMFC_EPERM;
	for (int i = 0; i < OFTABLE_N - 1; i++)
		if (tm.table_id == OFP_TABLE_ANY || tm.table_id == i)
			table_mod(&br->tables.config[i], &tm);
	return 0;
}

/* Free room in percent, as Open vSwitch counts it for tables of
 * UINT_MAX flows. */
static uint8_t
vacancy_pct(size_t n_rules)
{
	uint64_t max = UINT32_MAX;

	return n_rules ? (uint8_t)((max - n_rules) * 100 / max) : 100;
}

static enum ofperr
on_table_desc(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	struct ofconn_mp mp;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	ofconn_mp_start(&mp, m);
	for (int i = 0; i < OFTABLE_N - 1; i++) {
		const struct oftable_config *tc = &br->tables.config[i];
		struct ofp_table_desc td = {
			.table_id = (uint8_t)i,
			.eviction = tc->eviction,
			.vacancy = tc->vacancy,
			.vacancy_down = tc->vacancy_down,
			.vacancy_up = tc->vacancy_up,
			.vacancy_pct = vacancy_pct(br->tables.cls[i].n_rules),
		};

		ofp_append_table_desc(&mp.b, &td);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	return 0;
}

enum ofperr
ofconn_table_msg(struct ofconn *c, const struct ofp_msg *m)
{
	switch (m->type) {
	case OFPTYPE_TABLE_STATS_REQUEST:
		return on_table_stats(c, m);
	case OFPTYPE_TABLE_MOD:
		return on_table_mod(c, m);
	case OFPTYPE_TABLE_DESC_REQUEST:
		return on_table_desc(c, m);
	default:
		return on_table_features(c, m);
	}
}
