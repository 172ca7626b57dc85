/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_group: group mod text, wire forms (1.1 buckets, 1.5 buckets with
 * properties, Open vSwitch's 1.0 extension), group mod checks, group
 * description entries and the group messages' text.
 */
#include "ofp_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_act_wire.h"
#include "ofp_actions_priv.h"
#include "ofp_nxm.h"
#include "ofp_protocol.h"
#include "ofp_table.h"

static char *parse_fields(char *s, struct ofp_group_fields *gf);

#define OFPGBPT15_WEIGHT 0
#define OFPGBPT15_WATCH_PORT 1
#define OFPGBPT15_WATCH_GROUP 2
#define NTR_VENDOR_ID 0x0000154du
#define NTR_COMPAT_VENDOR_ID 0x00001540u
#define NTRT_SELECTION_METHOD 1

static void
buckets_free(struct ofp_bucket *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ofpacts_free(&b[i].acts);
	free(b);
}

void
ofp_group_mod_uninit(struct ofp_group_mod *gm)
{
	buckets_free(gm->buckets, gm->n_buckets);
	gm->buckets = NULL;
	gm->n_buckets = 0;
}

void
ofp_group_desc_uninit(struct ofp_group_desc *gd)
{
	buckets_free(gd->buckets, gd->n_buckets);
	gd->buckets = NULL;
	gd->n_buckets = 0;
}

static struct ofp_bucket *
add_bucket(struct ofp_bucket **b, size_t *n)
{
	*b = xrealloc(*b, (*n + 1) * sizeof **b);
	memset(&(*b)[*n], 0, sizeof **b);
	ofpacts_init(&(*b)[*n].acts);
	return &(*b)[(*n)++];
}

static bool
has_liveness(const struct ofp_bucket *b)
{
	return b->watch_port != OFPP_NONE || b->watch_group != OFPG_ANY;
}

void
ofp_format_group_id(struct ds *s, uint32_t group_id)
{
	if (group_id == OFPG_ALL)
		ds_put(s, "ALL");
	else if (group_id == OFPG_ANY)
		ds_put(s, "ANY");
	else
		ds_printf(s, "%u", group_id);
}

/* ---- text ---- */

static char *
parse_bucket(struct ofp_bucket *bk, char *str, const struct ofp_port_map *ports,
	     uint8_t type, uint32_t *usable)
{
	char *pos = str, *key, *value, *error = NULL;
	struct ds acts = DS_EMPTY;

	bk->weight = type == OFPGT_SELECT ? 1 : 0;
	bk->bucket_id = OFPG15_BUCKET_ALL;
	bk->watch_port = OFPP_NONE;
	bk->watch_group = OFPG_ANY;
	while (ofp_next_key_value(&pos, &key, &value)) {
		if (!strcasecmp(key, "weight")) {
			error = ofp_parse_u16(value, "weight", &bk->weight);
		} else if (!strcasecmp(key, "watch_port")) {
			if (!ofp_port_parse(value, ports, &bk->watch_port) ||
			    (bk->watch_port >= OFPP_MAX &&
			     bk->watch_port != OFPP_NONE))
				error = xasprintf("%s: invalid watch_port",
						  value);
		} else if (!strcasecmp(key, "watch_group")) {
			error = ofp_parse_u32(value, &bk->watch_group);
			if (!error && bk->watch_group > OFPG_MAX)
				error = xasprintf("invalid watch_group id %u",
						  bk->watch_group);
		} else if (!strcasecmp(key, "bucket_id")) {
			error = ofp_parse_u32(value, &bk->bucket_id);
			if (!error && bk->bucket_id > OFPG15_BUCKET_MAX)
				error = xasprintf("invalid bucket_id id %u",
						  bk->bucket_id);
			*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		} else if (!strcasecmp(key, "action") ||
			   !strcasecmp(key, "actions")) {
			ds_printf(&acts, "%s,", value);
		} else {
			ds_printf(&acts, "%s(%s),", key, value);
		}
		if (error) {
			ds_free(&acts);
			return error;
		}
	}
	if (!acts.len) {
		ds_free(&acts);
		return xstrdup("bucket must specify actions");
	}
	if (type == OFPGT_FF && !has_liveness(bk)) {
		ds_free(&acts);
		return xstrdup("fast failover bucket requires watch_port or "
			       "watch_group");
	}
	ds_chomp(&acts, ',');
	error = ofpacts_parse_actions(ds_cstr(&acts), ports, &bk->acts, usable);
	ds_free(&acts);
	return error;
}

static char *
parse_group__(struct ofp_group_mod *gm, int command, char *string,
	      const struct ofp_port_map *ports, uint32_t *usable)
{
	enum { F_TYPE = 1, F_BUCKETS = 2, F_CBID = 4, F_CBID_ALL = 8 };
	bool had_type = false, had_cbid = false;
	char *error = NULL, *bkt, *pos, *name, *value;
	unsigned fields = 0;

	*usable = OFP_PROTO_ANY;
	if (command == -2) {
		size_t len;

		string += strspn(string, " \t\r\n");
		len = strcspn(string, ", \t\r\n");
		if (len && !strncmp(string, "add", len))
			command = OFPGC_ADD;
		else if (len && !strncmp(string, "delete", len))
			command = OFPGC_DELETE;
		else if (len && !strncmp(string, "modify", len))
			command = OFPGC_MODIFY;
		else if (len && !strncmp(string, "add_or_mod", len))
			command = OFPGC_ADD_OR_MOD;
		else if (len && !strncmp(string, "insert_bucket", len))
			command = OFPGC_INSERT_BUCKET;
		else if (len && !strncmp(string, "remove_bucket", len))
			command = OFPGC_REMOVE_BUCKET;
		else {
			len = 0;
			command = OFPGC_ADD;
		}
		string += len;
	}
	switch (command) {
	case OFPGC_ADD:
	case OFPGC_MODIFY:
	case OFPGC_ADD_OR_MOD:
		fields = F_TYPE | F_BUCKETS;
		break;
	case OFPGC_DELETE:
		fields = 0;
		break;
	case OFPGC_INSERT_BUCKET:
		fields = F_BUCKETS | F_CBID;
		*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		break;
	case OFPGC_REMOVE_BUCKET:
		fields = F_CBID | F_CBID_ALL;
		*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		break;
	}
	memset(gm, 0, sizeof *gm);
	gm->command = (uint16_t)command;
	gm->group_id = OFPG_ANY;
	gm->command_bucket_id = OFPG15_BUCKET_ALL;
	if (command == OFPGC_DELETE && string[0] == '\0') {
		gm->group_id = OFPG_ALL;
		return NULL;
	}
	bkt = strstr(string, "bucket=");
	if (bkt) {
		if (!(fields & F_BUCKETS))
			return xstrdup("bucket is not needed");
		*bkt = '\0';
	}
	pos = string;
	while (ofp_next_key_value(&pos, &name, &value)) {
		if (!strcmp(name, "command_bucket_id")) {
			if (!(fields & F_CBID))
				return xstrdup("command bucket id is not "
					       "needed");
			if (!strcmp(value, "all")) {
				gm->command_bucket_id = OFPG15_BUCKET_ALL;
			} else if (!strcmp(value, "first")) {
				gm->command_bucket_id = OFPG15_BUCKET_FIRST;
			} else if (!strcmp(value, "last")) {
				gm->command_bucket_id = OFPG15_BUCKET_LAST;
			} else {
				error = ofp_parse_u32(value,
						      &gm->command_bucket_id);
				if (error)
					return error;
				if (gm->command_bucket_id > OFPG15_BUCKET_MAX &&
				    gm->command_bucket_id !=
					    OFPG15_BUCKET_FIRST &&
				    gm->command_bucket_id !=
					    OFPG15_BUCKET_LAST &&
				    gm->command_bucket_id != OFPG15_BUCKET_ALL)
					return xasprintf("invalid command "
							 "bucket id %u",
							 gm->command_bucket_id);
			}
			if (gm->command_bucket_id == OFPG15_BUCKET_ALL &&
			    !(fields & F_CBID_ALL))
				return xstrdup("command_bucket_id=all is not "
					       "permitted");
			had_cbid = true;
		} else if (!strcmp(name, "group_id")) {
			if (!strcmp(value, "all")) {
				gm->group_id = OFPG_ALL;
			} else {
				error = ofp_parse_u32(value, &gm->group_id);
				if (error)
					return error;
				if (gm->group_id != OFPG_ALL &&
				    gm->group_id > OFPG_MAX)
					return xasprintf("invalid group id %u",
							 gm->group_id);
			}
		} else if (!strcmp(name, "type")) {
			if (!(fields & F_TYPE))
				return xstrdup("type is not needed");
			if (!strcmp(value, "all"))
				gm->type = OFPGT_ALL;
			else if (!strcmp(value, "select"))
				gm->type = OFPGT_SELECT;
			else if (!strcmp(value, "indirect"))
				gm->type = OFPGT_INDIRECT;
			else if (!strcmp(value, "ff") ||
				 !strcmp(value, "fast_failover"))
				gm->type = OFPGT_FF;
			else
				return xasprintf("invalid group type %s",
						 value);
			had_type = true;
		} else if (!strcmp(name, "selection_method")) {
			if (!(fields & F_TYPE))
				return xstrdup("selection method is not "
					       "needed");
			if (strlen(value) >= sizeof gm->selection_method)
				return xasprintf("selection method is longer "
						 "than %zu bytes long",
						 sizeof gm->selection_method -
							 1);
			memset(gm->selection_method, 0,
			       sizeof gm->selection_method);
			strcpy(gm->selection_method, value);
			*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		} else if (!strcmp(name, "selection_method_param")) {
			if (!(fields & F_TYPE))
				return xstrdup("selection method param is not "
					       "needed");
			error = ofp_parse_u64(value,
					      &gm->selection_method_param);
			if (error)
				return error;
			*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		} else if (!strcmp(name, "fields")) {
			if (!(fields & F_TYPE))
				return xstrdup("fields are not needed");
			error = parse_fields(value, &gm->fields);
			if (error)
				return error;
			*usable &= OFP_PROTO_OF10_ANY | OFP_PROTO_OF15_UP;
		} else {
			return xasprintf("unknown keyword %s", name);
		}
	}
	if (gm->group_id == OFPG_ANY)
		return xstrdup("must specify a group_id");
	if ((fields & F_TYPE) && !had_type)
		return xstrdup("must specify a type");
	if (!gm->selection_method[0] && gm->selection_method_param)
		return xstrdup("selection_method_param is only allowed with "
			       "\"selection_method\"");
	if (gm->fields.n && strcmp(gm->selection_method, "hash"))
		return xstrdup("fields may only be specified with "
			       "\"selection_method=hash\"");
	if (fields & F_CBID) {
		if (!((fields & F_CBID_ALL) || had_cbid))
			return xstrdup("must specify a command bucket id");
	} else if (had_cbid) {
		return xstrdup("command bucket id is not needed");
	}
	while (bkt) {
		char *next;
		struct ofp_bucket *b;

		bkt = strchr(bkt + 1, '=');
		if (!bkt)
			return xstrdup("must specify bucket content");
		bkt++;
		next = strstr(bkt, "bucket=");
		if (next)
			*next = '\0';
		b = add_bucket(&gm->buckets, &gm->n_buckets);
		error = parse_bucket(b, bkt, ports, gm->type, usable);
		if (error)
			return error;
		if (gm->type != OFPGT_SELECT && b->weight)
			return xstrdup("Only select groups can have bucket "
				       "weights.");
		bkt = next;
	}
	if (gm->type == OFPGT_INDIRECT && gm->n_buckets > 1)
		return xstrdup("Indirect groups can have at most one bucket.");
	return NULL;
}

char *
ofp_group_mod_parse(struct ofp_group_mod *gm, int command, const char *s,
		    const struct ofp_port_map *ports, uint32_t *usable)
{
	char *copy = xstrdup(s);
	char *error = parse_group__(gm, command, copy, ports, usable);

	free(copy);
	if (error)
		ofp_group_mod_uninit(gm);
	return error;
}

/* ---- wire ---- */

static void
put_ofp11_bucket(struct ofpbuf *b, const struct ofp_bucket *bk, uint8_t version)
{
	size_t start = ofpbuf_put_zeros(b, 16);

	ofpacts_put_openflow_actions(bk->acts.data, bk->acts.size, b, version);
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
	ofpbuf_set_be16(b, start + 2, bk->weight);
	ofpbuf_set_be32(b, start + 4, ofp_port_to_ofp11(bk->watch_port));
	ofpbuf_set_be32(b, start + 8, bk->watch_group);
}

static void
put_prop32(struct ofpbuf *b, uint16_t type, uint32_t v)
{
	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, 8);
	ofpbuf_put_be32(b, v);
}

static void
put_ofp15_bucket(struct ofpbuf *b, const struct ofp_bucket *bk, uint32_t id,
		 uint8_t type, uint8_t version)
{
	size_t start = ofpbuf_put_zeros(b, 8), alen;

	alen = ofpacts_put_openflow_actions(bk->acts.data, bk->acts.size, b,
					    version);
	if (type == OFPGT_SELECT) {
		/* Open vSwitch gives 16-bit properties 8 bytes (the
		 * specification's padded size) as their length. */
		ofpbuf_put_be16(b, OFPGBPT15_WEIGHT);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_be16(b, bk->weight);
		ofpbuf_put_zeros(b, 2);
	}
	if (bk->watch_port != OFPP_NONE)
		put_prop32(b, OFPGBPT15_WATCH_PORT,
			   ofp_port_to_ofp11(bk->watch_port));
	if (bk->watch_group != OFPG_ANY)
		put_prop32(b, OFPGBPT15_WATCH_GROUP, bk->watch_group);
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
	ofpbuf_set_be16(b, start + 2, (uint16_t)alen);
	ofpbuf_set_be32(b, start + 4, id);
}

/* NTR_SELECTION_METHOD: the method, its parameter, then each hash
 * field as an unmasked header followed by its mask (Open vSwitch's
 * oxm_put_field_array()); the length counts them unpadded. */
static void
put_selection_method(struct ofpbuf *b, const char *method, uint64_t param,
		     const struct ofp_group_fields *gf, uint8_t version)
{
	size_t start = ofpbuf_put_zeros(b, 40);

	ofpbuf_set_be16(b, start, 0xffff);
	ofpbuf_set_be32(b, start + 4, NTR_VENDOR_ID);
	ofpbuf_set_be32(b, start + 8, NTRT_SELECTION_METHOD);
	memcpy(b->data + start + 16, method, strnlen(method, 15));
	ofpbuf_set_be32(b, start + 32, (uint32_t)(param >> 32));
	ofpbuf_set_be32(b, start + 36, (uint32_t)param);
	for (size_t i = 0; i < gf->n; i++) {
		const struct ofp_field *f = ofp_field_get(gf->f[i].id);

		nxm_put_header(b, f->id, version, false);
		ofpbuf_put(b, gf->f[i].mask.bytes, f->n_bytes);
	}
	ofpbuf_set_be16(b, start + 2, (uint16_t)(b->size - start));
	ofpbuf_pad8(b, start);
}

/* Open vSwitch's order of fields (its enum mf_field_id): ours but for
 * tun_flags (after the tunnel addresses) and vlan_vid (before
 * dl_vlan_pcp). */
static int
field_rank(enum ofp_field_id id)
{
	if (id == MFF_TUN_FLAGS)
		return 2 * MFF_METADATA - 1;
	if (id == MFF_VLAN_VID)
		return 2 * MFF_DL_VLAN_PCP - 1;
	return 2 * (int)id;
}

/* Adds field @f with @mask to @gf in its place; false if it is there
 * already or @gf is full. */
static bool
fields_add(struct ofp_group_fields *gf, const struct ofp_field *f,
	   const union ofp_value *mask)
{
	size_t i;

	for (i = 0; i < gf->n; i++)
		if (gf->f[i].id == f->id)
			return false;
	if (gf->n == OFP_GROUP_MAX_FIELDS)
		return false;
	for (i = gf->n;
	     i > 0 && field_rank(gf->f[i - 1].id) > field_rank(f->id); i--)
		gf->f[i] = gf->f[i - 1];
	gf->f[i].id = f->id;
	gf->f[i].mask = *mask;
	gf->n++;
	return true;
}

static bool
all_bytes(const union ofp_value *v, size_t n, uint8_t byte)
{
	for (size_t i = 0; i < n; i++)
		if (v->bytes[i] != byte)
			return false;
	return true;
}

/* Open vSwitch's mf_is_mask_valid(): any mask of a maskable field, else
 * all or nothing. */
static bool
mask_valid(const struct ofp_field *f, const union ofp_value *mask)
{
	return f->maskable || all_bytes(mask, f->n_bytes, 0) ||
	       all_bytes(mask, f->n_bytes, 0xff);
}

/* The inside of "fields(...)" as Open vSwitch's
 * parse_select_group_field(): "name" or "name=mask", masks neither all
 * zeros nor invalid. */
static char *
parse_fields(char *s, struct ofp_group_fields *gf)
{
	char *name, *value;

	while (ofp_next_key_value(&s, &name, &value)) {
		const struct ofp_field *f = ofp_field_from_name(name);
		union ofp_value mask;
		char *error;

		if (!f)
			return xasprintf("%s: unknown field %s", s, name);
		for (size_t i = 0; i < gf->n; i++)
			if (gf->f[i].id == f->id)
				return xasprintf("%s: duplicate field", name);
		memset(&mask, 0, sizeof mask);
		if (*value) {
			error = ofp_field_parse_value(f, value, NULL, &mask);
			if (error)
				return error;
			if (all_bytes(&mask, f->n_bytes, 0))
				return xasprintf("%s: values are wildcards "
						 "here and must not be "
						 "all-zeros",
						 s);
			if (!mask_valid(f, &mask))
				return xasprintf("%s: invalid mask for field "
						 "%s",
						 value, f->name);
		} else {
			memset(&mask, 0xff, f->n_bytes);
		}
		if (!fields_add(gf, f, &mask))
			return xasprintf("%s: too many fields", name);
	}
	return NULL;
}

/* The fields of an NTR_SELECTION_METHOD property (@len bytes at @p), as
 * Open vSwitch's oxm_pull_field_array(): OFPBMC_BAD_FIELD for an unknown
 * field, OFPBMC_BAD_MASK for a masked header or an invalid mask,
 * OFPBMC_DUP_FIELD for a field twice. */
static enum ofperr
pull_fields(const uint8_t *p, size_t len, struct ofp_group_fields *gf)
{
	struct ofp_reader r = ofp_reader_init(p, len);

	while (r.left) {
		const struct ofp_field *f;
		union ofp_value mask;
		enum ofperr e = nxm_pull_entry(&r, &f, &mask, NULL);

		if (!e && !f)
			e = OFPERR_OFPBMC_BAD_FIELD;
		if (!e && !mask_valid(f, &mask))
			e = OFPERR_OFPBMC_BAD_MASK;
		if (!e && !fields_add(gf, f, &mask))
			e = OFPERR_OFPBMC_DUP_FIELD;
		if (e) {
			ofp_warn("ofp_group",
				 "ntr selection method fields are invalid");
			return e;
		}
	}
	return 0;
}

/* Bucket ids for buckets without one: the lowest ids not used by the
 * buckets after it (Open vSwitch's id pool seeded that way). */
static uint32_t
pick_bucket_id(const struct ofp_bucket *bk, size_t i, size_t n, uint32_t *used,
	       size_t *n_used)
{
	uint32_t id;

	if (bk[i].bucket_id <= OFPG15_BUCKET_MAX)
		return bk[i].bucket_id;
	if (*n_used == SIZE_MAX) {
		*n_used = 0;
		for (size_t j = i + 1; j < n; j++)
			if (bk[j].bucket_id <= OFPG15_BUCKET_MAX)
				used[(*n_used)++] = bk[j].bucket_id;
	}
	for (id = 0;; id++) {
		bool taken = false;
		for (size_t j = 0; j < *n_used; j++)
			if (used[j] == id)
				taken = true;
		if (!taken)
			break;
	}
	used[(*n_used)++] = id;
	return id;
}

char *
ofp_encode_group_mod(struct ofpbuf *b, const struct ofp_group_mod *gm,
		     uint8_t version, uint32_t xid)
{
	size_t start, body;

	if (version != OFP10_VERSION && version < OFP15_VERSION) {
		if (gm->command > OFPGC_DELETE &&
		    gm->command != OFPGC_ADD_OR_MOD)
			return xasprintf("%s needs OpenFlow 1.5 or later ('-O "
					 "OpenFlow15')",
					 gm->command == OFPGC_INSERT_BUCKET
						 ? "insert-bucket"
						 : "remove-bucket");
		start = ofp_msg_start(b, OFPRAW_OFPT11_GROUP_MOD, version, xid);
		ofpbuf_put_be16(b, gm->command);
		ofpbuf_put_u8(b, gm->type);
		ofpbuf_put_u8(b, 0);
		ofpbuf_put_be32(b, gm->group_id);
		for (size_t i = 0; i < gm->n_buckets; i++)
			put_ofp11_bucket(b, &gm->buckets[i], version);
		ofp_msg_finish(b, start);
		return NULL;
	}

	uint32_t *used = xmalloc((gm->n_buckets + 1) * sizeof *used);
	size_t n_used = SIZE_MAX;

	start = ofp_msg_start(b,
			      version == OFP10_VERSION
				      ? OFPRAW_NXT_GROUP_MOD
				      : OFPRAW_OFPT15_GROUP_MOD,
			      version, xid);
	body = ofpbuf_put_zeros(b, 16);
	for (size_t i = 0; i < gm->n_buckets; i++) {
		uint32_t id = pick_bucket_id(gm->buckets, i, gm->n_buckets,
					     used, &n_used);
		put_ofp15_bucket(b, &gm->buckets[i], id, gm->type, version);
	}
	free(used);
	ofpbuf_set_be16(b, body, gm->command);
	b->data[body + 2] = gm->type;
	ofpbuf_set_be32(b, body + 4, gm->group_id);
	ofpbuf_set_be16(b, body + 8, (uint16_t)(b->size - body - 16));
	ofpbuf_set_be32(b, body + 12, gm->command_bucket_id);
	if (gm->selection_method[0])
		put_selection_method(b, gm->selection_method,
				     gm->selection_method_param, &gm->fields,
				     version);
	ofp_msg_finish(b, start);
	return NULL;
}

static enum ofperr
pull_ofp11_buckets(struct ofp_reader *r, size_t len, uint8_t version,
		   struct ofp_bucket **out, size_t *n_out)
{
	uint32_t id = 0;

	while (len > 0) {
		const uint8_t *p;
		size_t blen;
		struct ofp_bucket *bk;
		enum ofperr e;

		if (len < 16 || !rd_bytes(r, 16, &p)) {
			ofp_warn("ofp_group",
				 "buckets end with %zu leftover bytes", len);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		}
		blen = get_be16(p);
		if (blen < 16) {
			ofp_warn("ofp_group",
				 "OpenFlow message bucket length %zu is not "
				 "valid",
				 blen);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		} else if (blen > len) {
			ofp_warn("ofp_group",
				 "OpenFlow message bucket length %zu exceeds "
				 "remaining buckets data size %zu",
				 blen, len);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		}
		len -= blen;
		bk = add_bucket(out, n_out);
		if (blen - 16 > r->left)
			return OFPERR_OFPBRC_BAD_LEN;
		e = ofpacts_pull_openflow_actions(r->p, blen - 16, version,
						  &bk->acts);
		if (e)
			return e;
		rd_skip(r, blen - 16);
		bk->weight = get_be16(p + 2);
		if (!ofp_port_from_ofp11(get_be32(p + 4), &bk->watch_port))
			return OFPERR_OFPGMFC_BAD_WATCH;
		bk->watch_group = get_be32(p + 8);
		bk->bucket_id = id++;
	}
	return 0;
}

static enum ofperr
pull_ofp15_buckets(struct ofp_reader *r, size_t len, uint8_t version,
		   uint8_t type, struct ofp_bucket **out, size_t *n_out)
{
	while (len > 0) {
		const uint8_t *p;
		size_t blen, alen, plen;
		uint32_t watch_port = 0xffffffffu, watch_group = OFPG_ANY;
		uint16_t weight = type == OFPGT_SELECT ? 1 : 0;
		struct ofp_bucket *bk;
		enum ofperr e;

		if (!rd_bytes(r, 8, &p)) {
			ofp_warn("ofp_group",
				 "buckets end with %zu leftover bytes", len);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		}
		blen = get_be16(p);
		alen = get_be16(p + 2);
		if (blen < 8) {
			ofp_warn("ofp_group",
				 "OpenFlow message bucket length %zu is not "
				 "valid",
				 blen);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		} else if (blen > len) {
			ofp_warn("ofp_group",
				 "OpenFlow message bucket length %zu exceeds "
				 "remaining buckets data size %zu",
				 blen, len);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		} else if (alen > blen - 8) {
			ofp_warn("ofp_group",
				 "OpenFlow message bucket actions length %zu "
				 "exceeds remaining bucket data size %zu",
				 alen, blen - 8);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		}
		len -= blen;
		if (blen - 8 > r->left)
			return OFPERR_OFPBRC_BAD_LEN;
		bk = add_bucket(out, n_out);
		e = ofpacts_pull_openflow_actions(r->p, alen, version,
						  &bk->acts);
		if (e)
			return e;
		rd_skip(r, alen);
		plen = blen - 8 - alen;
		struct ofp_reader props = ofp_reader_init(r->p, plen);
		rd_skip(r, plen);
		while (props.left) {
			const uint8_t *pp = props.p;
			size_t pl, padded;
			uint16_t pt;

			if (props.left < 4)
				return OFPERR_OFPBPC_BAD_LEN;
			pt = get_be16(pp);
			pl = get_be16(pp + 2);
			padded = (pl + 7) / 8 * 8;
			if (pl < 4 || padded > props.left)
				return OFPERR_OFPBPC_BAD_LEN;
			rd_skip(&props, padded);
			if (pt == OFPGBPT15_WEIGHT) {
				/* Any length that holds the weight, as Open
				 * vSwitch's ofpprop_parse_u16(). */
				if (pl < 6)
					return OFPERR_OFPBPC_BAD_LEN;
				weight = get_be16(pp + 4);
			} else if (pt == OFPGBPT15_WATCH_PORT) {
				if (pl != 8)
					return OFPERR_OFPBPC_BAD_LEN;
				watch_port = get_be32(pp + 4);
			} else if (pt == OFPGBPT15_WATCH_GROUP) {
				if (pl != 8)
					return OFPERR_OFPBPC_BAD_LEN;
				watch_group = get_be32(pp + 4);
			} else {
				return OFPERR_OFPBPC_BAD_TYPE;
			}
		}
		bk->weight = weight;
		if (!ofp_port_from_ofp11(watch_port, &bk->watch_port))
			return OFPERR_OFPGMFC_BAD_WATCH;
		bk->watch_group = watch_group;
		bk->bucket_id = get_be32(p + 4);
		if (bk->bucket_id > OFPG15_BUCKET_MAX) {
			ofp_warn("ofp_group", "bucket id (%u) is out of range",
				 bk->bucket_id);
			return OFPERR_OFPGMFC_BAD_BUCKET;
		}
	}
	for (size_t i = 0; i < *n_out; i++)
		for (size_t j = i + 1; j < *n_out; j++)
			if ((*out)[i].bucket_id == (*out)[j].bucket_id) {
				ofp_warn("ofp_group", "Duplicate bucket id");
				return OFPERR_OFPGMFC_BAD_BUCKET;
			}
	return 0;
}

static enum ofperr
pull_group_props(struct ofp_reader *r, size_t len, uint8_t type,
		 uint16_t command, char method[16], uint64_t *param,
		 struct ofp_group_fields *gf)
{
	struct ofp_reader props;

	if (len > r->left)
		return OFPERR_OFPBRC_BAD_LEN;
	props = ofp_reader_init(r->p, len);
	rd_skip(r, len);
	while (props.left) {
		const uint8_t *pp = props.p;
		size_t pl, padded;

		if (props.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		pl = get_be16(pp + 2);
		padded = (pl + 7) / 8 * 8;
		if (pl < 4 || padded > props.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&props, padded);
		if (get_be16(pp) != 0xffff || pl < 12 ||
		    (get_be32(pp + 4) != NTR_VENDOR_ID &&
		     get_be32(pp + 4) != NTR_COMPAT_VENDOR_ID) ||
		    get_be32(pp + 8) != NTRT_SELECTION_METHOD)
			return OFPERR_OFPBPC_BAD_TYPE;
		if (type != OFPGT_SELECT) {
			ofp_warn("ofp_group",
				 "ntr selection method property is only "
				 "allowed for select groups");
			return OFPERR_OFPBPC_BAD_VALUE;
		}
		if (command != OFPGC_ADD && command != OFPGC_MODIFY &&
		    command != OFPGC_ADD_OR_MOD)
			return OFPERR_OFPBPC_BAD_VALUE;
		if (pl < 40)
			return OFPERR_OFPBPC_BAD_LEN;
		if (strnlen((const char *)pp + 16, 16) == 16)
			return OFPERR_OFPBPC_BAD_VALUE;
		memcpy(method, pp + 16, 16);
		if (strcmp(method, "hash") && strcmp(method, "dp_hash"))
			return OFPERR_OFPBPC_BAD_VALUE;
		*param = get_be64(pp + 32);
		if (pl > 40) {
			enum ofperr e = pull_fields(pp + 40, pl - 40, gf);

			if (e)
				return e;
		}
	}
	return 0;
}

static enum ofperr
check_group_mod(const struct ofp_group_mod *gm)
{
	switch (gm->type) {
	case OFPGT_INDIRECT:
		if (gm->command != OFPGC_DELETE && gm->n_buckets != 1)
			return OFPERR_OFPGMFC_INVALID_GROUP;
		break;
	case OFPGT_ALL:
	case OFPGT_SELECT:
	case OFPGT_FF:
		break;
	default:
		return OFPERR_OFPGMFC_BAD_TYPE;
	}
	switch (gm->command) {
	case OFPGC_ADD:
	case OFPGC_MODIFY:
	case OFPGC_ADD_OR_MOD:
	case OFPGC_DELETE:
	case OFPGC_INSERT_BUCKET:
		break;
	case OFPGC_REMOVE_BUCKET:
		if (gm->n_buckets)
			return OFPERR_OFPGMFC_BAD_BUCKET;
		break;
	default:
		return OFPERR_OFPGMFC_BAD_COMMAND;
	}
	for (size_t i = 0; i < gm->n_buckets; i++) {
		const struct ofp_bucket *bk = &gm->buckets[i];
		if (bk->weight && gm->type != OFPGT_SELECT)
			return OFPERR_OFPGMFC_INVALID_GROUP;
		if ((gm->type == OFPGT_ALL || gm->type == OFPGT_INDIRECT) &&
		    has_liveness(bk))
			return OFPERR_OFPGMFC_WATCH_UNSUPPORTED;
		if (gm->type == OFPGT_FF && !has_liveness(bk))
			return OFPERR_OFPGMFC_INVALID_GROUP;
	}
	return 0;
}

enum ofperr
ofp_decode_group_mod(const struct ofp_msg *m, struct ofp_group_mod *gm)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	const uint8_t *p = m->body;
	enum ofperr e;

	memset(gm, 0, sizeof *gm);
	if (m->raw == OFPRAW_OFPT11_GROUP_MOD) {
		rd_bytes(&r, 8, &p);
		gm->command = get_be16(p);
		gm->type = p[2];
		gm->group_id = get_be32(p + 4);
		gm->command_bucket_id = OFPG15_BUCKET_ALL;
		e = pull_ofp11_buckets(&r, r.left, m->version, &gm->buckets,
				       &gm->n_buckets);
		if (!e && m->version >= OFP13_VERSION &&
		    gm->command == OFPGC_DELETE && gm->n_buckets)
			e = OFPERR_OFPGMFC_INVALID_GROUP;
	} else {
		size_t blen;

		rd_bytes(&r, 16, &p);
		gm->command = get_be16(p);
		gm->type = p[2];
		gm->group_id = get_be32(p + 4);
		gm->command_bucket_id = get_be32(p + 12);
		e = OFPERR_OFPGMFC_BAD_BUCKET;
		switch (gm->command) {
		case OFPGC_REMOVE_BUCKET:
			if (gm->command_bucket_id == OFPG15_BUCKET_ALL)
				e = 0;
			/* fall through */
		case OFPGC_INSERT_BUCKET:
			if (gm->command_bucket_id <= OFPG15_BUCKET_MAX ||
			    gm->command_bucket_id == OFPG15_BUCKET_FIRST ||
			    gm->command_bucket_id == OFPG15_BUCKET_LAST)
				e = 0;
			break;
		default:
			if (gm->command_bucket_id == OFPG15_BUCKET_ALL)
				e = 0;
			break;
		}
		if (e) {
			ofp_warn("ofp_group",
				 "group command bucket id (%u) is out of "
				 "range",
				 gm->command_bucket_id);
			return e;
		}
		blen = get_be16(p + 8);
		if (blen > r.left)
			return OFPERR_OFPBRC_BAD_LEN;
		e = pull_ofp15_buckets(&r, blen, m->version, gm->type,
				       &gm->buckets, &gm->n_buckets);
		if (!e)
			e = pull_group_props(&r, r.left, gm->type, gm->command,
					     gm->selection_method,
					     &gm->selection_method_param,
					     &gm->fields);
	}
	if (!e)
		e = check_group_mod(gm);
	if (e)
		ofp_group_mod_uninit(gm);
	return e;
}

/* ---- group description ---- */

int
ofp_pull_group_desc(const struct ofp_msg *m, struct ofp_reader *r,
		    struct ofp_group_desc *gd)
{
	const uint8_t *p;
	size_t length;
	bool of15 = m->version == OFP10_VERSION || m->version >= OFP15_VERSION;
	size_t hl = of15 ? 16 : 8;
	enum ofperr e;

	memset(gd, 0, sizeof *gd);
	if (!r->left)
		return EOF;
	if (!rd_bytes(r, hl, &p)) {
		ofp_warn("ofp_group",
			 "OFPST11_GROUP_DESC reply has %zu leftover bytes at "
			 "end",
			 r->left);
		return OFPERR_OFPBRC_BAD_LEN;
	}
	gd->type = p[2];
	gd->group_id = get_be32(p + 4);
	length = get_be16(p);
	if (length < hl || length - hl > r->left) {
		ofp_warn("ofp_group",
			 "OFPST11_GROUP_DESC reply claims invalid length %zu",
			 length);
		return OFPERR_OFPBRC_BAD_LEN;
	}
	if (!of15) {
		e = pull_ofp11_buckets(r, length - hl, m->version, &gd->buckets,
				       &gd->n_buckets);
	} else {
		size_t blen = get_be16(p + 8);
		if (length < blen + hl) {
			ofp_warn("ofp_group",
				 "OFPST11_GROUP_DESC reply claims invalid "
				 "bucket list length %zu",
				 blen);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		e = pull_ofp15_buckets(r, blen, m->version, gd->type,
				       &gd->buckets, &gd->n_buckets);
		if (!e)
			e = pull_group_props(r, length - hl - blen, gd->type,
					     OFPGC_ADD, gd->selection_method,
					     &gd->selection_method_param,
					     &gd->fields);
	}
	if (e)
		ofp_group_desc_uninit(gd);
	return (int)e;
}

void
ofp_append_group_desc(struct ofpbuf *b, const struct ofp_group_desc *gd,
		      uint8_t version)
{
	size_t start = b->size;

	if (version != OFP10_VERSION && version < OFP15_VERSION) {
		ofpbuf_put_zeros(b, 8);
		for (size_t i = 0; i < gd->n_buckets; i++)
			put_ofp11_bucket(b, &gd->buckets[i], version);
	} else {
		ofpbuf_put_zeros(b, 16);
		for (size_t i = 0; i < gd->n_buckets; i++)
			put_ofp15_bucket(b, &gd->buckets[i],
					 gd->buckets[i].bucket_id, gd->type,
					 version);
		ofpbuf_set_be16(b, start + 8, (uint16_t)(b->size - start - 16));
		if (gd->selection_method[0])
			put_selection_method(b, gd->selection_method,
					     gd->selection_method_param,
					     &gd->fields, version);
	}
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
	b->data[start + 2] = gd->type;
	ofpbuf_set_be32(b, start + 4, gd->group_id);
}

void
ofp_encode_group_desc_request(struct ofpbuf *b, uint8_t version,
			      uint32_t group_id, uint32_t xid)
{
	size_t start;

	if (version != OFP10_VERSION && version < OFP15_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPST11_GROUP_DESC_REQUEST,
				      version, xid);
	} else {
		start = ofp_msg_start(
			b,
			version == OFP10_VERSION
				? OFPRAW_NXST_GROUP_DESC_REQUEST
				: OFPRAW_OFPST15_GROUP_DESC_REQUEST,
			version, xid);
		ofpbuf_put_be32(b, group_id);
		ofpbuf_put_zeros(b, 4);
	}
	ofp_msg_finish(b, start);
}

void
ofp_encode_group_stats_request(struct ofpbuf *b, uint8_t version,
			       uint32_t group_id, uint32_t xid)
{
	size_t start = ofp_msg_start(b,
				     version == OFP10_VERSION
					     ? OFPRAW_NXST_GROUP_REQUEST
					     : OFPRAW_OFPST11_GROUP_REQUEST,
				     version, xid);

	ofpbuf_put_be32(b, group_id);
	ofpbuf_put_zeros(b, 4);
	ofp_msg_finish(b, start);
}

void
ofp_encode_group_features_request(struct ofpbuf *b, uint8_t version,
				  uint32_t xid)
{
	size_t start = ofp_msg_start(
		b,
		version < OFP12_VERSION ? OFPRAW_NXST_GROUP_FEATURES_REQUEST
					: OFPRAW_OFPST12_GROUP_FEATURES_REQUEST,
		version, xid);

	ofp_msg_finish(b, start);
}

/* ---- replies the switch sends ---- */

void
ofp_append_group_stats(struct ofpbuf *b, const struct ofp_group_stats *gs,
		       enum ofpraw raw)
{
	size_t start = b->size;

	ofpbuf_put_zeros(b, 4);
	ofpbuf_put_be32(b, gs->group_id);
	ofpbuf_put_be32(b, gs->ref_count);
	ofpbuf_put_zeros(b, 4);
	ofpbuf_put_be64(b, gs->packet_count);
	ofpbuf_put_be64(b, gs->byte_count);
	if (raw != OFPRAW_OFPST11_GROUP_REPLY) {
		ofpbuf_put_be32(b, gs->duration_sec);
		ofpbuf_put_be32(b, gs->duration_nsec);
	}
	for (size_t i = 0; i < gs->n_buckets; i++) {
		ofpbuf_put_be64(b, gs->buckets[i].packet_count);
		ofpbuf_put_be64(b, gs->buckets[i].byte_count);
	}
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
}

/* OFPGFC_SELECT_WEIGHT | OFPGFC_SELECT_LIVENESS | OFPGFC_CHAINING. */
#define GROUP_CAPABILITIES 0x7

void
ofp_put_group_features(struct ofpbuf *b, uint8_t version)
{
	uint32_t acts =
		ofp_action_bits_to_openflow((1u << OFPAB_N) - 1, version);

	ofpbuf_put_be32(b, (1u << OFPGT_ALL) | (1u << OFPGT_SELECT) |
				   (1u << OFPGT_INDIRECT) | (1u << OFPGT_FF));
	ofpbuf_put_be32(b, GROUP_CAPABILITIES);
	for (int i = 0; i < 4; i++)
		ofpbuf_put_be32(b, OFPG_MAX);
	for (int i = 0; i < 4; i++)
		ofpbuf_put_be32(b, acts);
}

enum ofperr
ofp_decode_group_request(const struct ofp_msg *m, uint32_t *id)
{
	if (m->raw == OFPRAW_OFPST11_GROUP_DESC_REQUEST) {
		*id = OFPG_ALL;
		return 0;
	}
	if (m->body_len < 4)
		return OFPERR_OFPBRC_BAD_LEN;
	*id = get_be32(m->body);
	return 0;
}
