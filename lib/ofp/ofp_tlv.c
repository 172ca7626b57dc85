/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_tlv: the TLV mapping table's messages, text and rules (ofp_tlv.h).
 * On the wire (Open vSwitch's nicira-ext.h): a mod is a 16-bit command
 * and 6 pad bytes, a reply the maximum option space (32 bits), the
 * maximum number of fields (16 bits) and 10 reserved bytes; both then
 * carry 8-byte mappings: class (16), type (8), length (8), index (16), 2
 * pad bytes.
 */
#include "ofp_tlv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define TLV_MAP_LEN 8
#define TLV_REPLY_HDR_LEN 16

void
ofp_tlv_mod_free(struct ofp_tlv_mod *mod)
{
	free(mod->maps);
	mod->maps = NULL;
	mod->n_maps = 0;
}

static void
add_map(struct ofp_tlv_mod *mod, const struct ofp_tlv_map *map)
{
	mod->maps = xrealloc(mod->maps, (mod->n_maps + 1) * sizeof *mod->maps);
	mod->maps[mod->n_maps++] = *map;
}

/* The mappings of @n bytes at @p into @mod, with the checks of Open
 * vSwitch's decoder. */
static enum ofperr
decode_maps(const uint8_t *p, size_t n, struct ofp_tlv_mod *mod)
{
	if (n % TLV_MAP_LEN)
		return OFPERR_OFPBRC_BAD_LEN;
	for (; n; p += TLV_MAP_LEN, n -= TLV_MAP_LEN) {
		struct ofp_tlv_map map = {
			.option_class = get_be16(p),
			.option_type = p[2],
			.option_len = p[3],
			.index = get_be16(p + 4),
		};

		if (map.option_len % 4 ||
		    map.option_len > OFP_TLV_MAX_OPT_LEN) {
			ofp_warn("ofp_match",
				 "tlv table option length (%u) is not a "
				 "valid option size",
				 map.option_len);
			return OFPERR_NXTTMFC_BAD_OPT_LEN;
		}
		if (map.index >= OFP_TLV_N_FIELDS) {
			ofp_warn("ofp_match",
				 "tlv table field index (%u) is too large "
				 "(max %u)",
				 map.index, OFP_TLV_N_FIELDS - 1);
			return OFPERR_NXTTMFC_BAD_FIELD_IDX;
		}
		add_map(mod, &map);
	}
	return 0;
}

enum ofperr
ofp_decode_tlv_mod(const struct ofp_msg *m, struct ofp_tlv_mod *mod)
{
	uint16_t cmd;

	memset(mod, 0, sizeof *mod);
	if (m->body_len < 8)
		return OFPERR_OFPBRC_BAD_LEN;
	cmd = get_be16(m->body);
	if (cmd > OFP_TLV_CLEAR)
		return OFPERR_NXTTMFC_BAD_COMMAND;
	mod->command = (enum ofp_tlv_command)cmd;
	return decode_maps(m->body + 8, m->body_len - 8, mod);
}

static void
put_map(struct ofpbuf *b, const struct ofp_tlv_map *map)
{
	ofpbuf_put_be16(b, map->option_class);
	ofpbuf_put_u8(b, map->option_type);
	ofpbuf_put_u8(b, map->option_len);
	ofpbuf_put_be16(b, map->index);
	ofpbuf_put_zeros(b, 2);
}

void
ofp_encode_tlv_mod(struct ofpbuf *b, uint8_t version,
		   const struct ofp_tlv_mod *mod, uint32_t xid)
{
	size_t start = ofp_msg_start(b, OFPRAW_NXT_TLV_TABLE_MOD, version, xid);

	ofpbuf_put_be16(b, (uint16_t)mod->command);
	ofpbuf_put_zeros(b, 6);
	for (size_t i = 0; i < mod->n_maps; i++)
		put_map(b, &mod->maps[i]);
	ofp_msg_finish(b, start);
}

void
ofp_encode_tlv_request(struct ofpbuf *b, uint8_t version, uint32_t xid)
{
	ofp_msg_finish(b, ofp_msg_start(b, OFPRAW_NXT_TLV_TABLE_REQUEST,
					version, xid));
}

void
ofp_encode_tlv_reply(struct ofpbuf *b, uint8_t version,
		     const struct ofp_tlv_table *t, uint32_t xid)
{
	size_t start =
		ofp_msg_start(b, OFPRAW_NXT_TLV_TABLE_REPLY, version, xid);

	ofpbuf_put_be32(b, OFP_TLV_MAX_SPACE);
	ofpbuf_put_be16(b, OFP_TLV_N_FIELDS);
	ofpbuf_put_zeros(b, 10);
	for (unsigned i = 0; i < OFP_TLV_N_FIELDS; i++)
		if (t->valid[i])
			put_map(b, &t->maps[i]);
	ofp_msg_finish(b, start);
}

/* ---- ovs-ofctl's syntax ---- */

/* A number as scanf's %i reads it, after "@key=" at *@s. */
static bool
scan_num(const char **s, const char *key, long *v)
{
	size_t n = strlen(key);
	char *end;

	if (strncmp(*s, key, n))
		return false;
	errno = 0;
	*v = strtol(*s + n, &end, 0);
	if (end == *s + n || errno)
		return false;
	*s = end;
	return true;
}

static bool
scan_lit(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n))
		return false;
	*s += n;
	return true;
}

char *
ofp_parse_tlv_maps(const char *s, struct ofp_tlv_mod *mod)
{
	while (*s) {
		struct ofp_tlv_map map;
		long c, t, l, i;

		if (!scan_lit(&s, "{") || !scan_num(&s, "class=", &c) ||
		    !scan_lit(&s, ",") || !scan_num(&s, "type=", &t) ||
		    !scan_lit(&s, ",") || !scan_num(&s, "len=", &l) ||
		    !scan_lit(&s, "}->") || !scan_num(&s, "tun_metadata", &i))
			return xstrdup("invalid tlv mapping");
		map.option_class = (uint16_t)c;
		map.option_type = (uint8_t)t;
		map.option_len = (uint8_t)l;
		map.index = (uint16_t)i;
		add_map(mod, &map);
		/* One comma, no spaces, as Open vSwitch's parser takes. */
		if (*s == ',')
			s++;
	}
	return NULL;
}

/* ---- the switch's table ---- */

bool
ofp_tlv_table_maps(const struct ofp_tlv_table *t, uint16_t option_class,
		   uint8_t option_type, uint8_t option_len)
{
	for (unsigned i = 0; i < OFP_TLV_N_FIELDS; i++)
		if (t->valid[i] && t->maps[i].option_class == option_class &&
		    t->maps[i].option_type == option_type &&
		    t->maps[i].option_len == option_len)
			return true;
	return false;
}

unsigned
ofp_tlv_table_space(const struct ofp_tlv_table *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < OFP_TLV_N_FIELDS; i++)
		if (t->valid[i])
			n += t->maps[i].option_len;
	return n;
}

static enum ofperr
table_add(struct ofp_tlv_table *t, const struct ofp_tlv_map *map)
{
	if (t->valid[map->index])
		return OFPERR_NXTTMFC_ALREADY_MAPPED;
	for (unsigned i = 0; i < OFP_TLV_N_FIELDS; i++)
		if (t->valid[i] &&
		    t->maps[i].option_class == map->option_class &&
		    t->maps[i].option_type == map->option_type)
			return OFPERR_NXTTMFC_DUP_ENTRY;
	if (ofp_tlv_table_space(t) + map->option_len > OFP_TLV_MAX_SPACE)
		return OFPERR_NXTTMFC_TABLE_FULL;
	t->valid[map->index] = true;
	t->maps[map->index] = *map;
	return 0;
}

static bool
used(bool (*in_use)(void *, unsigned), void *aux, unsigned index)
{
	return in_use && in_use(aux, index);
}

enum ofperr
ofp_tlv_table_mod(struct ofp_tlv_table *t, const struct ofp_tlv_mod *mod,
		  bool (*in_use)(void *aux, unsigned index), void *aux)
{
	struct ofp_tlv_table new = *t;
	enum ofperr e;

	switch (mod->command) {
	case OFP_TLV_ADD:
		for (size_t i = 0; i < mod->n_maps; i++)
			if ((e = table_add(&new, &mod->maps[i])))
				return e;
		break;
	case OFP_TLV_DELETE:
		for (size_t i = 0; i < mod->n_maps; i++) {
			unsigned idx = mod->maps[i].index;

			if (new.valid[idx] && used(in_use, aux, idx))
				return OFPERR_NXTTMFC_INVALID_TLV_DEL;
			new.valid[idx] = false;
		}
		break;
	case OFP_TLV_CLEAR:
		for (unsigned i = 0; i < OFP_TLV_N_FIELDS; i++) {
			if (new.valid[i] && used(in_use, aux, i))
				return OFPERR_NXTTMFC_INVALID_TLV_DEL;
			new.valid[i] = false;
		}
		break;
	default:
		return OFPERR_NXTTMFC_BAD_COMMAND;
	}
	*t = new;
	return 0;
}

/* ---- text ---- */

static void
print_maps(struct ds *s, const struct ofp_tlv_map *maps, size_t n)
{
	ds_put(s, " mapping table:\n");
	ds_put(s, "  class  type  length  match field\n");
	ds_put(s, " ------  ----  ------  --------------");
	for (size_t i = 0; i < n; i++)
		ds_printf(s, "\n %#6x %#5x %7u  tun_metadata%u",
			  maps[i].option_class, maps[i].option_type,
			  maps[i].option_len, maps[i].index);
}

enum ofperr
ofp_print_tlv_mod(struct ds *s, const struct ofp_msg *m)
{
	static const char *const names[] = { "ADD", "DEL", "CLEAR" };
	struct ofp_tlv_mod mod;
	enum ofperr e = ofp_decode_tlv_mod(m, &mod);

	if (e) {
		ofp_tlv_mod_free(&mod);
		return e;
	}
	ds_printf(s, "\n %s", names[mod.command]);
	if (mod.command != OFP_TLV_CLEAR)
		print_maps(s, mod.maps, mod.n_maps);
	ofp_tlv_mod_free(&mod);
	return 0;
}

enum ofperr
ofp_print_tlv_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_tlv_mod mod;
	unsigned space = 0;
	enum ofperr e;

	memset(&mod, 0, sizeof mod);
	if (m->body_len < TLV_REPLY_HDR_LEN)
		return OFPERR_OFPBRC_BAD_LEN;
	e = decode_maps(m->body + TLV_REPLY_HDR_LEN,
			m->body_len - TLV_REPLY_HDR_LEN, &mod);
	if (!e) {
		for (size_t i = 0; i < mod.n_maps; i++)
			space += mod.maps[i].option_len;
		ds_printf(s, "\n max option space=%u max fields=%u\n",
			  get_be32(m->body), get_be16(m->body + 4));
		ds_printf(s, " allocated option space=%u\n\n", space);
		print_maps(s, mod.maps, mod.n_maps);
	}
	ofp_tlv_mod_free(&mod);
	return e;
}
