/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_group_print: Open vSwitch's text of group mods, group descriptions,
 * statistics and features.
 */
#include "ofp_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_flowmod.h"
#include "ofp_table.h"

static void
print_bucket_id(struct ds *s, const char *label, uint32_t id, uint8_t version)
{
	if (version > OFP10_VERSION && version < OFP15_VERSION)
		return;
	ds_put(s, label);
	if (id == OFPG15_BUCKET_FIRST)
		ds_put(s, "first");
	else if (id == OFPG15_BUCKET_LAST)
		ds_put(s, "last");
	else if (id == OFPG15_BUCKET_ALL)
		ds_put(s, "all");
	else
		ds_printf(s, "%u", id);
	ds_put_char(s, ',');
}

void
ofp_group_fields_format(struct ds *s, const struct ofp_group_fields *gf)
{
	for (size_t i = 0; i < gf->n; i++) {
		const struct ofp_field *f = ofp_field_get(gf->f[i].id);
		bool exact = true;

		for (size_t j = 0; j < f->n_bytes; j++)
			if (gf->f[i].mask.bytes[j] != 0xff)
				exact = false;
		ds_printf(s, "%s%s", i ? "," : "", f->name);
		if (!exact) {
			ds_put_char(s, '=');
			ofp_field_format(f, &gf->f[i].mask, NULL, NULL, s);
		}
	}
}

static void
print_group(struct ds *s, uint32_t group_id, uint8_t type,
	    const struct ofp_bucket *buckets, size_t n_buckets,
	    const char *method, uint64_t param,
	    const struct ofp_group_fields *gf, uint8_t version,
	    bool suppress_type, const struct ofp_port_map *ports)
{
	static const char *const types[] = { "all", "select", "indirect", "ff",
					     "unknown" };

	ds_printf(s, "group_id=%u", group_id);
	if (!suppress_type)
		ds_printf(s, ",type=%s", types[type > 4 ? 4 : type]);
	if (method[0]) {
		ds_printf(s, ",selection_method=%.16s", method);
		if (param)
			ds_printf(s, ",selection_method_param=%llu",
				  (unsigned long long)param);
		if (gf->n == 1) {
			ds_put(s, ",fields=");
			ofp_group_fields_format(s, gf);
		} else if (gf->n > 1) {
			ds_put(s, ",fields(");
			ofp_group_fields_format(s, gf);
			ds_put_char(s, ')');
		}
	}
	ds_put_char(s, ',');
	for (size_t i = 0; i < n_buckets; i++) {
		const struct ofp_bucket *bk = &buckets[i];

		ds_put(s, "bucket=");
		print_bucket_id(s, "bucket_id:", bk->bucket_id, version);
		if (bk->weight != (type == OFPGT_SELECT ? 1 : 0))
			ds_printf(s, "weight:%u,", bk->weight);
		if (bk->watch_port != OFPP_NONE) {
			ds_put(s, "watch_port:");
			ofp_port_format(s, bk->watch_port, ports);
			ds_put_char(s, ',');
		}
		if (bk->watch_group != OFPG_ANY)
			ds_printf(s, "watch_group:%u,", bk->watch_group);
		ds_put(s, "actions=");
		ofpacts_format(s, bk->acts.data, bk->acts.size, ports);
		ds_put_char(s, ',');
	}
	ds_chomp(s, ',');
}

void
ofp_group_desc_format(struct ds *s, const struct ofp_group_desc *gd,
		      uint8_t version, const struct ofp_port_map *ports)
{
	print_group(s, gd->group_id, gd->type, gd->buckets, gd->n_buckets,
		    gd->selection_method, gd->selection_method_param,
		    &gd->fields, version, false, ports);
}

enum ofperr
ofp_print_group_mod(struct ds *s, const struct ofp_msg *m,
		    const struct ofp_port_map *ports)
{
	struct ofp_group_mod gm;
	bool bucket_cmd = false;
	enum ofperr e = ofp_decode_group_mod(m, &gm);

	if (e)
		return e;
	ds_put(s, "\n ");
	switch (gm.command) {
	case OFPGC_ADD:
		ds_put(s, "ADD");
		break;
	case OFPGC_MODIFY:
		ds_put(s, "MOD");
		break;
	case OFPGC_ADD_OR_MOD:
		ds_put(s, "ADD_OR_MOD");
		break;
	case OFPGC_DELETE:
		ds_put(s, "DEL");
		break;
	case OFPGC_INSERT_BUCKET:
		ds_put(s, "INSERT_BUCKET");
		bucket_cmd = true;
		break;
	case OFPGC_REMOVE_BUCKET:
		ds_put(s, "REMOVE_BUCKET");
		bucket_cmd = true;
		break;
	default:
		ds_printf(s, "cmd:%u", gm.command);
	}
	ds_put_char(s, ' ');
	if (bucket_cmd)
		print_bucket_id(s, "command_bucket_id:", gm.command_bucket_id,
				m->version);
	print_group(s, gm.group_id, gm.type, gm.buckets, gm.n_buckets,
		    gm.selection_method, gm.selection_method_param, &gm.fields,
		    m->version, bucket_cmd, ports);
	ofp_group_mod_uninit(&gm);
	return 0;
}

enum ofperr
ofp_print_group_desc_request(struct ds *s, const struct ofp_msg *m)
{
	uint32_t id = m->raw == OFPRAW_OFPST11_GROUP_DESC_REQUEST
			      ? OFPG_ALL
			      : get_be32(m->body);

	ds_put(s, " group_id=");
	ofp_format_group_id(s, id);
	return 0;
}

enum ofperr
ofp_print_group_desc_reply(struct ds *s, const struct ofp_msg *m,
			   const struct ofp_port_map *ports)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	for (;;) {
		struct ofp_group_desc gd;
		int retval = ofp_pull_group_desc(m, &r, &gd);

		if (retval)
			return retval == EOF ? 0 : (enum ofperr)retval;
		ds_put(s, "\n ");
		ofp_group_desc_format(s, &gd, m->version, ports);
		ofp_group_desc_uninit(&gd);
	}
}

enum ofperr
ofp_print_group_stats_request(struct ds *s, const struct ofp_msg *m)
{
	ds_put(s, " group_id=");
	ofp_format_group_id(s, get_be32(m->body));
	return 0;
}

enum ofperr
ofp_print_group_stats_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	bool of13 = m->raw != OFPRAW_OFPST11_GROUP_REPLY;
	size_t base = of13 ? 40 : 32;

	while (r.left) {
		const uint8_t *p, *bc;
		size_t length, n;

		if (!rd_bytes(&r, base, &p)) {
			ofp_warn("ofp_group",
				 "%s reply has %zu leftover bytes at end",
				 ofpraw_name(m->raw), r.left);
			ds_put(s, " ***parse error***");
			return OFPERR_OFPBRC_BAD_LEN;
		}
		length = get_be16(p);
		if (length < sizeof(size_t)) {
			ofp_warn("ofp_group",
				 "%s reply claims invalid length "
				 "%zu",
				 ofpraw_name(m->raw), length);
			ds_put(s, " ***parse error***");
			return OFPERR_OFPBRC_BAD_LEN;
		}
		n = length >= base ? (length - base) / 16 : SIZE_MAX / 32;
		if (!rd_bytes(&r, n * 16, &bc)) {
			ofp_warn("ofp_group",
				 "%s reply has %zu leftover bytes at end",
				 ofpraw_name(m->raw), r.left);
			ds_put(s, " ***parse error***");
			return OFPERR_OFPBRC_BAD_LEN;
		}
		ds_printf(s, "\n group_id=%u,", get_be32(p + 4));
		if (of13 && get_be32(p + 32) != UINT32_MAX) {
			ds_put(s, "duration=");
			ofp_format_duration(s, get_be32(p + 32),
					    get_be32(p + 36));
			ds_put_char(s, ',');
		}
		ds_printf(s, "ref_count=%u,packet_count=%llu,byte_count=%llu",
			  get_be32(p + 8), (unsigned long long)get_be64(p + 16),
			  (unsigned long long)get_be64(p + 24));
		for (size_t i = 0; i < n; i++) {
			uint64_t pc = get_be64(bc + 16 * i);
			if (pc != UINT64_MAX)
				ds_printf(s,
					  ",bucket%zu:packet_count=%llu,"
					  "byte_count=%llu",
					  i, (unsigned long long)pc,
					  (unsigned long long)get_be64(
						  bc + 16 * i + 8));
		}
	}
	return 0;
}

enum ofperr
ofp_print_group_features(struct ds *s, const struct ofp_msg *m)
{
	static const char *const types[] = { "all", "select", "indirect",
					     "fast failover" };
	const uint8_t *p = m->body;
	uint32_t t = get_be32(p);

	ds_put(s, "\n Group table:\n");
	ds_printf(s, "    Types:  0x%x\n", t);
	ds_printf(s, "    Capabilities:  0x%x\n", get_be32(p + 4));
	for (int i = 0; i < 4; i++) {
		if (!(t & (1u << i)))
			continue;
		ds_printf(s, "    %s group:\n", types[i]);
		ds_printf(s, "       max_groups=%#x\n",
			  get_be32(p + 8 + 4 * i));
		ds_put(s, "       actions: ");
		ofp_action_bits_format(
			s, ofp_action_bits_from_openflow(
				   get_be32(p + 24 + 4 * i), m->version));
		ds_put_char(s, '\n');
	}
	return 0;
}
