/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_table_print: Open vSwitch's text of table statistics and table
 * features (with "ditto" for repeated tables and "(same ...)" for parts
 * equal to the previous table's), and table mod; the table description
 * reply's encoding.
 */
#include "ofp_table.h"

#include <stdio.h>
#include <string.h>

#define OFPTMPT14_EVICTION 2
#define OFPTMPT14_VACANCY 3

static bool
next_get(const uint8_t *bm, unsigned id)
{
	return (bm[id / 8] >> (id % 8)) & 1;
}

static bool
next_empty(const uint8_t *bm)
{
	return ofp_is_zero(bm, 32);
}

static bool
taf_equal(const struct ofp_table_action_features *a,
	  const struct ofp_table_action_features *b)
{
	return a->ofpacts == b->ofpacts &&
	       !memcmp(&a->set_fields, &b->set_fields, sizeof a->set_fields);
}

static bool
taf_empty(const struct ofp_table_action_features *a)
{
	return !a->ofpacts && ofp_tf_fields_empty(&a->set_fields);
}

/* Next-table sets are equal, except that table N+1 may lack the bit for
 * itself that table N has (a table cannot go to itself). */
static bool
next_equal(const uint8_t *a, int a_id, const uint8_t *b, int b_id)
{
	if (b_id == a_id + 1 && next_get(a, (unsigned)b_id) &&
	    !next_get(b, (unsigned)b_id)) {
		for (unsigned i = 0; i < 255; i++)
			if (i != (unsigned)b_id &&
			    next_get(a, i) != next_get(b, i))
				return false;
		return true;
	}
	if (a_id == b_id + 1)
		return next_equal(b, b_id, a, a_id);
	return !memcmp(a, b, 32);
}

static bool
tif_equal(const struct ofp_table_instruction_features *a, int a_id,
	  const struct ofp_table_instruction_features *b, int b_id)
{
	return next_equal(a->next, a_id, b->next, b_id) &&
	       a->instructions == b->instructions &&
	       taf_equal(&a->write, &b->write) &&
	       taf_equal(&a->apply, &b->apply);
}

static bool
tif_empty(const struct ofp_table_instruction_features *t)
{
	return next_empty(t->next) && !t->instructions &&
	       taf_empty(&t->write) && taf_empty(&t->apply);
}

static bool
features_equal(const struct ofp_table_features *a,
	       const struct ofp_table_features *b)
{
	return a->metadata_match == b->metadata_match &&
	       a->metadata_write == b->metadata_write &&
	       a->miss_config == b->miss_config &&
	       a->supports_eviction == b->supports_eviction &&
	       a->supports_vacancy_events == b->supports_vacancy_events &&
	       a->max_entries == b->max_entries &&
	       tif_equal(&a->nonmiss, a->table_id, &b->nonmiss, b->table_id) &&
	       tif_equal(&a->miss, a->table_id, &b->miss, b->table_id) &&
	       !memcmp(&a->match, &b->match, sizeof a->match);
}

static bool
features_empty(const struct ofp_table_features *tf)
{
	return !tf->metadata_match && !tf->metadata_write &&
	       tf->miss_config == OFP_TABLE_MISS_DEFAULT &&
	       tf->supports_eviction < 0 && tf->supports_vacancy_events < 0 &&
	       !tf->max_entries && tif_empty(&tf->nonmiss) &&
	       tif_empty(&tf->miss) && ofp_tf_fields_empty(&tf->match);
}

static bool
stats_equal(const struct ofp_table_stats *a, const struct ofp_table_stats *b)
{
	return a->active_count == b->active_count &&
	       a->lookup_count == b->lookup_count &&
	       a->matched_count == b->matched_count;
}

static void
print_taf(struct ds *s, const struct ofp_table_action_features *taf)
{
	if (taf->ofpacts) {
		ds_put(s, "        actions: ");
		ofp_action_bits_format(s, taf->ofpacts);
		ds_put_char(s, '\n');
	}
	if (!ofp_tf_fields_empty(&taf->set_fields)) {
		ds_put(s, "        supported on Set-Field: ");
		ofp_tf_fields_format(s, &taf->set_fields);
		ds_put_char(s, '\n');
	}
}

static void
print_tif(struct ds *s, const struct ofp_table_instruction_features *tif,
	  const struct ofp_table_instruction_features *prev)
{
	static const char *const names[] = {
		"meter",	 "apply_actions",  "clear_actions",
		"write_actions", "write_metadata", "goto_table",
	};

	if (!next_empty(tif->next)) {
		ds_put(s, "      next tables: ");
		for (unsigned start = 0; start < 255; start++) {
			unsigned end;
			if (!next_get(tif->next, start))
				continue;
			for (end = start + 1;
			     end < 255 && next_get(tif->next, end); end++)
				continue;
			if (end == start + 1)
				ds_printf(s, "%u,", start);
			else
				ds_printf(s, "%u-%u,", start, end - 1);
			start = end;
		}
		ds_chomp(s, ',');
		ds_put_char(s, '\n');
	}
	if (tif->instructions) {
		if (prev && tif->instructions == prev->instructions) {
			ds_put(s, "      (same instructions)\n");
		} else {
			ds_put(s, "      instructions: ");
			for (unsigned i = 0; i < 32; i++)
				if (tif->instructions & (1u << i)) {
					if (i < ARRAY_SIZE(names))
						ds_put(s, names[i]);
					else
						ds_printf(s, "%u", i);
					ds_put_char(s, ' ');
				}
			ds_chomp(s, ' ');
			ds_put_char(s, '\n');
		}
	}
	if (prev && taf_equal(&tif->write, &prev->write) &&
	    taf_equal(&tif->apply, &prev->apply) &&
	    !ofp_tf_fields_empty(&tif->write.set_fields)) {
		ds_put(s, "      (same actions)\n");
	} else if (!taf_equal(&tif->write, &tif->apply)) {
		ds_put(s, "      Write-Actions features:\n");
		print_taf(s, &tif->write);
		ds_put(s, "      Apply-Actions features:\n");
		print_taf(s, &tif->apply);
	} else if (tif->write.ofpacts ||
		   !ofp_tf_fields_empty(&tif->write.set_fields)) {
		ds_put(s, "      Write-Actions and Apply-Actions features:\n");
		print_taf(s, &tif->write);
	}
}

static void
print_matching(struct ds *s, const struct ofp_table_features *tf)
{
	struct ofp_tf_fields masked = { { 0 } }, wild = { { 0 } },
			     exact = { { 0 } };

	for (size_t i = 0; i < ofp_tf_n_fields(); i++) {
		if (!ofp_tf_fields_get(&tf->match, i))
			continue;
		if (ofp_tf_fields_get(&tf->mask, i))
			ofp_tf_fields_set(&masked, i);
		else if (ofp_tf_fields_get(&tf->wildcard, i))
			ofp_tf_fields_set(&wild, i);
		else
			ofp_tf_fields_set(&exact, i);
	}
	ds_put(s, "    matching:\n");
	if (!ofp_tf_fields_empty(&masked)) {
		ds_put(s, "      arbitrary mask: ");
		ofp_tf_fields_format(s, &masked);
		ds_put_char(s, '\n');
	}
	if (!ofp_tf_fields_empty(&wild)) {
		ds_put(s, "      exact match or wildcard: ");
		ofp_tf_fields_format(s, &wild);
		ds_put_char(s, '\n');
	}
	if (!ofp_tf_fields_empty(&exact)) {
		ds_put(s, "      must exact match: ");
		ofp_tf_fields_format(s, &exact);
		ds_put_char(s, '\n');
	}
}

void
ofp_table_features_format_finish(struct ds *s, int first_ditto, int last_ditto)
{
	if (first_ditto < 0)
		return;
	ds_put_char(s, '\n');
	if (first_ditto == last_ditto)
		ds_printf(s, "  table %d: ditto\n", first_ditto);
	else
		ds_printf(s, "  tables %d...%d: ditto\n", first_ditto,
			  last_ditto);
}

void
ofp_table_features_format(struct ds *s, const struct ofp_table_features *tf,
			  const struct ofp_table_features *prev,
			  const struct ofp_table_stats *stats,
			  const struct ofp_table_stats *prev_stats,
			  int *first_ditto, int *last_ditto)
{
	int table = tf->table_id, prev_table = prev ? prev->table_id : 0;
	bool same_stats =
		!stats || (prev_stats && stats_equal(stats, prev_stats));
	bool same_features = prev && features_equal(tf, prev);

	if (same_stats && same_features && !tf->name[0]) {
		if (*first_ditto < 0)
			*first_ditto = table;
		*last_ditto = table;
		return;
	}
	ofp_table_features_format_finish(s, *first_ditto, *last_ditto);
	*first_ditto = -1;

	ds_printf(s, "\n  table %d", table);
	if (tf->name[0])
		ds_printf(s, " (\"%s\")", tf->name);
	ds_put_char(s, ':');
	if (same_stats && same_features) {
		ds_put(s, " ditto");
		return;
	}
	ds_put_char(s, '\n');
	if (stats)
		ds_printf(s, "    active=%u, lookup=%llu, matched=%llu\n",
			  stats->active_count,
			  (unsigned long long)stats->lookup_count,
			  (unsigned long long)stats->matched_count);
	if (same_features) {
		if (!features_empty(tf))
			ds_put(s, "    (same features)\n");
		return;
	}
	if (tf->metadata_match || tf->metadata_write)
		ds_printf(s, "    metadata: match=%#llx write=%#llx\n",
			  (unsigned long long)tf->metadata_match,
			  (unsigned long long)tf->metadata_write);
	if (tf->miss_config != OFP_TABLE_MISS_DEFAULT)
		ds_printf(s, "    config=%s\n",
			  ofp_table_miss_name(tf->miss_config));
	if (tf->supports_eviction >= 0)
		ds_printf(s, "    eviction: %ssupported\n",
			  tf->supports_eviction ? "" : "not ");
	if (tf->supports_vacancy_events >= 0)
		ds_printf(s, "    vacancy events: %ssupported\n",
			  tf->supports_vacancy_events ? "" : "not ");
	if (tf->max_entries)
		ds_printf(s, "    max_entries=%u\n", tf->max_entries);

	const struct ofp_table_instruction_features *pn =
		prev ? &prev->nonmiss : NULL;
	const struct ofp_table_instruction_features *pm =
		prev ? &prev->miss : NULL;
	if (prev && tif_equal(&tf->nonmiss, table, pn, prev_table) &&
	    tif_equal(&tf->miss, table, pm, prev_table)) {
		if (!tif_empty(&tf->nonmiss))
			ds_put(s, "    (same instructions)\n");
	} else if (!tif_equal(&tf->nonmiss, table, &tf->miss, table)) {
		ds_put(s, "    instructions (other than table miss):\n");
		print_tif(s, &tf->nonmiss, pn);
		ds_put(s, "    instructions (table miss):\n");
		print_tif(s, &tf->miss, pm);
	} else if (!tif_empty(&tf->nonmiss)) {
		ds_put(s, "    instructions (table miss and others):\n");
		print_tif(s, &tf->nonmiss, pn);
	}
	if (!ofp_tf_fields_empty(&tf->match)) {
		if (prev && !memcmp(&tf->match, &prev->match, sizeof tf->match))
			ds_put(s, "    (same matching)\n");
		else
			print_matching(s, tf);
	}
}

enum ofperr
ofp_print_table_stats_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	struct ofp_table_features tf[2];
	struct ofp_table_stats ts[2];
	int first = -1, last = -1;

	for (int i = 0;; i++) {
		int cur = i & 1, retval;

		retval = ofp_pull_table_stats(m, &r, &ts[cur], &tf[cur]);
		if (retval) {
			ofp_table_features_format_finish(s, first, last);
			return retval == EOF ? 0 : (enum ofperr)retval;
		}
		ofp_table_features_format(s, &tf[cur], i ? &tf[!cur] : NULL,
					  &ts[cur], i ? &ts[!cur] : NULL,
					  &first, &last);
	}
}

enum ofperr
ofp_print_table_features(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	struct ofp_table_features *tf = xmalloc(2 * sizeof *tf);
	int first = -1, last = -1;
	enum ofperr e = 0;

	for (int i = 0;; i++) {
		int cur = i & 1, retval;

		retval = ofp_pull_table_features(m, &r, &tf[cur], true);
		if (retval) {
			ofp_table_features_format_finish(s, first, last);
			e = retval == EOF ? 0 : (enum ofperr)retval;
			break;
		}
		ofp_table_features_format(s, &tf[cur], i ? &tf[!cur] : NULL,
					  NULL, NULL, &first, &last);
	}
	free(tf);
	return e;
}

enum ofperr
ofp_print_table_desc(struct ds *s, const struct ofp_msg *m)
{
	(void)s;
	(void)m;
	return 0;
}

/* ---- table mod ---- */

enum ofperr
ofp_decode_table_mod(const struct ofp_msg *m, struct ofp_table_mod *tm)
{
	const uint8_t *p = m->body;
	uint32_t config = get_be32(p + 4);

	memset(tm, 0, sizeof *tm);
	tm->table_id = p[0];
	tm->miss = OFP_TABLE_MISS_DEFAULT;
	tm->eviction = tm->vacancy = -1;
	if (m->version <= OFP12_VERSION) {
		switch (config & 3) {
		case 0:
			tm->miss = OFP_TABLE_MISS_CONTROLLER;
			break;
		case 1:
			tm->miss = OFP_TABLE_MISS_CONTINUE;
			break;
		case 2:
			tm->miss = OFP_TABLE_MISS_DROP;
			break;
		}
	} else if (m->version >= OFP14_VERSION) {
		struct ofp_reader props =
			ofp_reader_init(p + 8, m->body_len - 8);

		tm->eviction = (config & 4) != 0;
		tm->vacancy = (config & 8) != 0;
		while (props.left) {
			const uint8_t *pp = props.p;
			size_t plen, padded;

			if (props.left < 4)
				return OFPERR_OFPBPC_BAD_LEN;
			plen = get_be16(pp + 2);
			padded = (plen + 7) / 8 * 8;
			if (plen < 4 || padded > props.left)
				return OFPERR_OFPBPC_BAD_LEN;
			rd_skip(&props, padded);
			switch (get_be16(pp)) {
			case OFPTMPT14_EVICTION:
				if (plen != 8)
					return OFPERR_OFPBPC_BAD_LEN;
				tm->eviction = 2; /* shown as ***error*** */
				break;
			case OFPTMPT14_VACANCY:
				if (plen != 8)
					return OFPERR_OFPBPC_BAD_LEN;
				tm->vacancy_down = pp[4];
				tm->vacancy_up = pp[5];
				if (pp[6]) {
					ofp_warn("ofp_table",
						 "Vacancy value should be zero "
						 "for table-mod messages");
					return OFPERR_OFPBPC_BAD_VALUE;
				}
				if (tm->vacancy_down > 100 ||
				    tm->vacancy_up > 100 ||
				    tm->vacancy_down > tm->vacancy_up)
					return OFPERR_OFPBPC_BAD_VALUE;
				break;
			default:
				return OFPERR_OFPBPC_BAD_TYPE;
			}
		}
	}
	return 0;
}

void
ofp_encode_table_mod(struct ofpbuf *b, const struct ofp_table_mod *tm,
		     uint8_t version, uint32_t xid)
{
	size_t start = ofp_msg_start(b,
				     version >= OFP14_VERSION
					     ? OFPRAW_OFPT14_TABLE_MOD
					     : OFPRAW_OFPT11_TABLE_MOD,
				     version, xid);
	uint32_t config = 0;

	ofpbuf_put_u8(b, tm->table_id);
	ofpbuf_put_zeros(b, 3);
	if (version <= OFP12_VERSION) {
		config = tm->miss == OFP_TABLE_MISS_CONTINUE ? 1
			 : tm->miss == OFP_TABLE_MISS_DROP   ? 2
							     : 0;
		ofpbuf_put_be32(b, config);
	} else if (version == OFP13_VERSION) {
		ofpbuf_put_be32(b, 0);
	} else {
		if (tm->eviction > 0)
			config |= 4;
		if (tm->vacancy > 0)
			config |= 8;
		ofpbuf_put_be32(b, config);
		if (tm->vacancy > 0) {
			ofpbuf_put_be16(b, OFPTMPT14_VACANCY);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_u8(b, tm->vacancy_down);
			ofpbuf_put_u8(b, tm->vacancy_up);
			ofpbuf_put_zeros(b, 2);
		}
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_print_table_mod(struct ds *s, const struct ofp_msg *m)
{
	static const char *const onoff[] = { "off", "on", "***error***" };
	struct ofp_table_mod tm;
	enum ofperr e = ofp_decode_table_mod(m, &tm);

	if (e)
		return e;
	if (tm.table_id == OFPTT_ALL)
		ds_put(s, " table_id: ALL_TABLES");
	else
		ds_printf(s, " table_id=%u", tm.table_id);
	if (tm.miss != OFP_TABLE_MISS_DEFAULT)
		ds_printf(s, ", flow_miss_config=%s",
			  ofp_table_miss_name(tm.miss));
	if (tm.eviction >= 0)
		ds_printf(s, ", eviction=%s", onoff[tm.eviction]);
	if (tm.vacancy >= 0) {
		ds_printf(s, ", vacancy=%s", onoff[tm.vacancy]);
		if (tm.vacancy == 1)
			ds_printf(s, " vacancy:%u,%u", tm.vacancy_down,
				  tm.vacancy_up);
	}
	return 0;
}

/* ---- table description ---- */

#define OFPTC14_EVICTION 4
#define OFPTC14_VACANCY_EVENTS 8
#define OFPTMPEF14_ALL 7 /* OTHER | IMPORTANCE | LIFETIME */

void
ofp_append_table_desc(struct ofpbuf *b, const struct ofp_table_desc *td)
{
	size_t start = ofpbuf_put_zeros(b, 8);

	b->data[start + 2] = td->table_id;
	ofpbuf_set_be32(b, start + 4,
			(td->eviction ? OFPTC14_EVICTION : 0) |
				(td->vacancy ? OFPTC14_VACANCY_EVENTS : 0));
	ofpbuf_put_be16(b, OFPTMPT14_EVICTION);
	ofpbuf_put_be16(b, 8);
	ofpbuf_put_be32(b, OFPTMPEF14_ALL);
	if (td->vacancy) {
		ofpbuf_put_be16(b, OFPTMPT14_VACANCY);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_u8(b, td->vacancy_down);
		ofpbuf_put_u8(b, td->vacancy_up);
		ofpbuf_put_u8(b, td->vacancy_pct);
		ofpbuf_put_u8(b, 0);
	}
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
}
