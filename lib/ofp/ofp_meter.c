/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_meter: meter mod text and wire form, meter replies and their text.
 */
#include "ofp_meter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_actions_priv.h"
#include "ofp_flowmod.h"
#include "ofp_port.h"

void
ofp_meter_mod_uninit(struct ofp_meter_mod *mm)
{
	free(mm->bands);
	mm->bands = NULL;
	mm->n_bands = 0;
}

static char *
parse__(struct ofp_meter_mod *mm, char *string, int command)
{
	enum { F_METER = 1, F_FLAGS = 2, F_BANDS = 4 };
	unsigned fields = command == OFPMC13_ADD || command == OFPMC13_MODIFY
				  ? F_METER | F_FLAGS | F_BANDS
				  : F_METER;
	char *save = NULL, *band_str = NULL, *name;

	memset(mm, 0, sizeof *mm);
	mm->command = (uint16_t)(command < 0 ? 0 : command);
	if (fields & F_BANDS) {
		band_str = strstr(string, "band");
		if (!band_str)
			return xstrdup("must specify bands");
		*band_str = '\0';
		band_str = strchr(band_str + 1, '=');
		if (!band_str)
			return xstrdup("must specify bands");
		band_str++;
	}
	for (name = strtok_r(string, "=, \t\r\n", &save); name;
	     name = strtok_r(NULL, "=, \t\r\n", &save)) {
		char *value;

		if ((fields & F_FLAGS) && !strcmp(name, "kbps")) {
			mm->flags |= OFPMF13_KBPS;
			continue;
		} else if ((fields & F_FLAGS) && !strcmp(name, "pktps")) {
			mm->flags |= OFPMF13_PKTPS;
			continue;
		} else if ((fields & F_FLAGS) && !strcmp(name, "burst")) {
			mm->flags |= OFPMF13_BURST;
			continue;
		} else if ((fields & F_FLAGS) && !strcmp(name, "stats")) {
			mm->flags |= OFPMF13_STATS;
			continue;
		}
		value = strtok_r(NULL, ", \t\r\n", &save);
		if (!value)
			return xasprintf("field %s missing value", name);
		if (strcmp(name, "meter"))
			return xasprintf("unknown keyword %s", name);
		if (!strcmp(value, "all")) {
			mm->meter_id = OFPM13_ALL;
		} else if (!strcmp(value, "controller")) {
			mm->meter_id = OFPM13_CONTROLLER;
		} else if (!strcmp(value, "slowpath")) {
			mm->meter_id = OFPM13_SLOWPATH;
		} else {
			char *error = ofp_parse_u32(value, &mm->meter_id);
			if (error)
				return error;
			if (mm->meter_id > OFPM13_MAX || !mm->meter_id)
				return xasprintf("invalid value for %s", name);
		}
	}
	if ((fields & F_METER) && !mm->meter_id)
		return xstrdup("must specify 'meter'");
	if ((fields & F_FLAGS) && !mm->flags)
		return xstrdup("meter must specify either 'kbps' or 'pktps'");
	if (!(fields & F_BANDS))
		return NULL;

	struct ofp_meter_band *band = NULL;
	for (name = strtok_r(band_str, "=, \t\r\n", &save); name;
	     name = strtok_r(NULL, "=, \t\r\n", &save)) {
		char *value = strtok_r(NULL, ", \t\r\n", &save), *error = NULL;

		if (!value)
			return xasprintf("field %s missing value", name);
		if (!strcmp(name, "type")) {
			mm->bands =
				xrealloc(mm->bands,
					 (mm->n_bands + 1) * sizeof *mm->bands);
			band = &mm->bands[mm->n_bands++];
			memset(band, 0, sizeof *band);
			if (!strcmp(value, "drop"))
				band->type = OFPMBT13_DROP;
			else if (!strcmp(value, "dscp_remark"))
				band->type = OFPMBT13_DSCP_REMARK;
			else
				return xasprintf("field %s unknown value %s",
						 name, value);
		} else if (!band || !band->type) {
			return xstrdup("band must start with the 'type' "
				       "keyword");
		} else if (!strcmp(name, "rate")) {
			error = ofp_parse_u32(value, &band->rate);
		} else if (!strcmp(name, "burst_size")) {
			error = ofp_parse_u32(value, &band->burst_size);
		} else if (!strcmp(name, "prec_level")) {
			error = ofp_parse_u8(value, name, &band->prec_level);
		} else {
			return xasprintf("unknown keyword %s", name);
		}
		if (error)
			return error;
	}
	if (!mm->n_bands)
		return xstrdup("meter must have bands");
	for (uint16_t i = 0; i < mm->n_bands; i++) {
		band = &mm->bands[i];
		if (!band->type)
			return xstrdup("band must have 'type'");
		if (band->type == OFPMBT13_DSCP_REMARK) {
			if (!band->prec_level)
				return xstrdup("'dscp_remark' band must have "
					       "'prec_level'");
		} else if (band->prec_level) {
			return xstrdup("Only 'dscp_remark' band may have "
				       "'prec_level'");
		}
		if (!band->rate)
			return xstrdup("band must have 'rate'");
		if (mm->flags & OFPMF13_BURST) {
			if (!band->burst_size)
				return xstrdup("band must have 'burst_size' "
					       "when 'burst' flag is set");
		} else if (band->burst_size) {
			return xstrdup("band may have 'burst_size' only when "
				       "'burst' flag is set");
		}
	}
	return NULL;
}

char *
ofp_meter_mod_parse(struct ofp_meter_mod *mm, const char *s, int command)
{
	char *copy = xstrdup(s);
	char *error = parse__(mm, copy, command);

	free(copy);
	if (error)
		ofp_meter_mod_uninit(mm);
	return error;
}

static void
put_bands(struct ofpbuf *b, const struct ofp_meter_band *bands, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		ofpbuf_put_be16(b, bands[i].type);
		ofpbuf_put_be16(b, 16);
		ofpbuf_put_be32(b, bands[i].rate);
		ofpbuf_put_be32(b, bands[i].burst_size);
		ofpbuf_put_u8(b, bands[i].prec_level);
		ofpbuf_put_zeros(b, 3);
	}
}

void
ofp_encode_meter_mod(struct ofpbuf *b, const struct ofp_meter_mod *mm,
		     uint8_t version, uint32_t xid)
{
	size_t start = ofp_msg_start(b, OFPRAW_OFPT13_METER_MOD, version, xid);

	ofpbuf_put_be16(b, mm->command);
	ofpbuf_put_be16(b, mm->command != OFPMC13_DELETE ? mm->flags : 0);
	ofpbuf_put_be32(b, mm->meter_id);
	put_bands(b, mm->bands, mm->n_bands);
	ofp_msg_finish(b, start);
}

static enum ofperr
pull_bands(struct ofp_reader *r, size_t len, struct ofp_meter_band **out,
	   uint16_t *n_out)
{
	const uint8_t *p;

	*out = NULL;
	*n_out = 0;
	if (!rd_bytes(r, len, &p))
		return OFPERR_OFPBRC_BAD_LEN;
	while (len >= 16) {
		struct ofp_meter_band *mb;

		if (get_be16(p + 2) != 16)
			return OFPERR_OFPBRC_BAD_LEN;
		*out = xrealloc(*out, (*n_out + 1) * sizeof **out);
		mb = &(*out)[(*n_out)++];
		mb->type = get_be16(p);
		if (mb->type != OFPMBT13_DROP &&
		    mb->type != OFPMBT13_DSCP_REMARK)
			return OFPERR_OFPMMFC_BAD_BAND;
		mb->rate = get_be32(p + 4);
		mb->burst_size = get_be32(p + 8);
		mb->prec_level = mb->type == OFPMBT13_DSCP_REMARK ? p[12] : 0;
		p += 16;
		len -= 16;
	}
	return len ? OFPERR_OFPBRC_BAD_LEN : 0;
}

enum ofperr
ofp_decode_meter_mod(const struct ofp_msg *m, struct ofp_meter_mod *mm)
{
	struct ofp_reader r = ofp_reader_init(m->body + 8, m->body_len - 8);
	enum ofperr e;

	memset(mm, 0, sizeof *mm);
	mm->command = get_be16(m->body);
	if (mm->command != OFPMC13_ADD && mm->command != OFPMC13_MODIFY &&
	    mm->command != OFPMC13_DELETE)
		return OFPERR_OFPMMFC_BAD_COMMAND;
	mm->meter_id = get_be32(m->body + 4);
	if (mm->command == OFPMC13_DELETE)
		return 0;
	mm->flags = get_be16(m->body + 2);
	if ((mm->flags & OFPMF13_KBPS) && (mm->flags & OFPMF13_PKTPS))
		return OFPERR_OFPMMFC_BAD_FLAGS;
	e = pull_bands(&r, r.left, &mm->bands, &mm->n_bands);
	if (e)
		ofp_meter_mod_uninit(mm);
	return e;
}

enum ofperr
ofp_decode_meter_request(const struct ofp_msg *m, uint32_t *meter_id)
{
	if (m->body_len < 4)
		return OFPERR_OFPBRC_BAD_LEN;
	*meter_id = get_be32(m->body);
	return 0;
}

void
ofp_append_meter_config(struct ofpbuf *b, uint32_t meter_id, uint16_t flags,
			const struct ofp_meter_band *bands, uint16_t n_bands)
{
	size_t start = b->size;

	ofpbuf_put_zeros(b, 2);
	ofpbuf_put_be16(b, flags);
	ofpbuf_put_be32(b, meter_id);
	put_bands(b, bands, n_bands);
	ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
}

void
ofp_append_meter_stats(struct ofpbuf *b, const struct ofp_meter_stats *ms)
{
	ofpbuf_put_be32(b, ms->meter_id);
	ofpbuf_put_be16(b, (uint16_t)(40 + 16 * ms->n_bands));
	ofpbuf_put_zeros(b, 6);
	ofpbuf_put_be32(b, ms->flow_count);
	ofpbuf_put_be64(b, ms->packet_in_count);
	ofpbuf_put_be64(b, ms->byte_in_count);
	ofpbuf_put_be32(b, ms->duration_sec);
	ofpbuf_put_be32(b, ms->duration_nsec);
	for (uint16_t i = 0; i < ms->n_bands; i++) {
		ofpbuf_put_be64(b, ms->bands[i][0]);
		ofpbuf_put_be64(b, ms->bands[i][1]);
	}
}

void
ofp_put_meter_features(struct ofpbuf *b, const struct ofp_meter_features *mf)
{
	ofpbuf_put_be32(b, mf->max_meter);
	ofpbuf_put_be32(b, mf->band_types);
	ofpbuf_put_be32(b, mf->capabilities);
	ofpbuf_put_u8(b, mf->max_bands);
	ofpbuf_put_u8(b, mf->max_color);
	ofpbuf_put_zeros(b, 2);
}

void
ofp_encode_meter_request(struct ofpbuf *b, uint8_t version,
			 enum ofp_meter_request type, uint32_t meter_id,
			 uint32_t xid)
{
	enum ofpraw raw = type == OFP_METER_CONFIG
				  ? OFPRAW_OFPST13_METER_CONFIG_REQUEST
			  : type == OFP_METER_STATS
				  ? OFPRAW_OFPST13_METER_REQUEST
				  : OFPRAW_OFPST13_METER_FEATURES_REQUEST;
	size_t start = ofp_msg_start(b, raw, version, xid);

	if (type != OFP_METER_FEATURES) {
		ofpbuf_put_be32(b, meter_id);
		ofpbuf_put_zeros(b, 4);
	}
	ofp_msg_finish(b, start);
}

void
ofp_format_meter_id(struct ds *s, uint32_t meter_id, char sep)
{
	if (meter_id <= OFPM13_MAX) {
		ds_printf(s, "meter%c%u", sep, meter_id);
		return;
	}
	ds_printf(s, "meter%c%s", sep,
		  meter_id == OFPM13_SLOWPATH	  ? "slowpath"
		  : meter_id == OFPM13_CONTROLLER ? "controller"
		  : meter_id == OFPM13_ALL	  ? "all"
						  : "unknown");
}

static void
format_band(struct ds *s, uint16_t flags, const struct ofp_meter_band *mb)
{
	ds_put(s, "\ntype=");
	if (mb->type == OFPMBT13_DROP)
		ds_put(s, "drop");
	else if (mb->type == OFPMBT13_DSCP_REMARK)
		ds_put(s, "dscp_remark");
	else
		ds_printf(s, "%u", mb->type);
	ds_printf(s, " rate=%u", mb->rate);
	if (flags & OFPMF13_BURST)
		ds_printf(s, " burst_size=%u", mb->burst_size);
	if (mb->type == OFPMBT13_DSCP_REMARK)
		ds_printf(s, " prec_level=%u", mb->prec_level);
}

static void
format_config(struct ds *s, uint32_t meter_id, uint16_t flags,
	      const struct ofp_meter_band *bands, uint16_t n)
{
	ofp_format_meter_id(s, meter_id, '=');
	ds_put_char(s, ' ');
	if (flags & OFPMF13_KBPS)
		ds_put(s, "kbps ");
	if (flags & OFPMF13_PKTPS)
		ds_put(s, "pktps ");
	if (flags & OFPMF13_BURST)
		ds_put(s, "burst ");
	if (flags & OFPMF13_STATS)
		ds_put(s, "stats ");
	if (flags & ~15)
		ds_printf(s, "flags:0x%x ", flags & ~15);
	ds_put(s, "bands=");
	for (uint16_t i = 0; i < n; i++)
		format_band(s, flags, &bands[i]);
	ds_put_char(s, '\n');
}

enum ofperr
ofp_print_meter_mod(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_meter_mod mm;
	enum ofperr e = ofp_decode_meter_mod(m, &mm);

	if (e)
		return e;
	if (mm.command == OFPMC13_ADD)
		ds_put(s, " ADD ");
	else if (mm.command == OFPMC13_MODIFY)
		ds_put(s, " MOD ");
	else
		ds_put(s, " DEL ");
	format_config(s, mm.meter_id, mm.flags, mm.bands, mm.n_bands);
	ofp_meter_mod_uninit(&mm);
	return 0;
}

enum ofperr
ofp_print_meter_request(struct ds *s, const struct ofp_msg *m)
{
	ds_put_char(s, ' ');
	ofp_format_meter_id(s, get_be32(m->body), '=');
	return 0;
}

enum ofperr
ofp_print_meter_config_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	while (r.left) {
		const uint8_t *p;
		struct ofp_meter_band *bands;
		uint16_t n;
		enum ofperr e;

		if (!rd_bytes(&r, 8, &p)) {
			ofp_warn("ofp_meter",
				 "OFPMP_METER_CONFIG reply has %zu "
				 "leftover bytes at end",
				 r.left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		e = pull_bands(&r, (size_t)(uint16_t)(get_be16(p) - 8), &bands,
			       &n);
		if (e) {
			free(bands);
			return e;
		}
		ds_put_char(s, '\n');
		format_config(s, get_be32(p + 4), get_be16(p + 2), bands, n);
		free(bands);
	}
	return 0;
}

enum ofperr
ofp_print_meter_stats_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	while (r.left) {
		const uint8_t *p, *bp;
		size_t blen, n;

		if (!rd_bytes(&r, 40, &p)) {
			ofp_warn("ofp_meter",
				 "OFPMP_METER reply has %zu "
				 "leftover bytes at end",
				 r.left);
			return OFPERR_OFPBRC_BAD_LEN;
		}
		blen = (uint16_t)(get_be16(p + 4) - 40);
		if (!rd_bytes(&r, blen, &bp) || blen % 16)
			return OFPERR_OFPBRC_BAD_LEN;
		n = blen / 16;
		ds_put_char(s, '\n');
		ofp_format_meter_id(s, get_be32(p), ':');
		ds_printf(s,
			  " flow_count:%u packet_in_count:%llu "
			  "byte_in_count:%llu duration:",
			  get_be32(p + 12),
			  (unsigned long long)get_be64(p + 16),
			  (unsigned long long)get_be64(p + 24));
		ofp_format_duration(s, get_be32(p + 32), get_be32(p + 36));
		ds_put(s, " bands:\n");
		for (size_t i = 0; i < n; i++)
			ds_printf(
				s, "%zu: packet_count:%llu byte_count:%llu\n",
				i, (unsigned long long)get_be64(bp + 16 * i),
				(unsigned long long)get_be64(bp + 16 * i + 8));
	}
	return 0;
}

static const char *
band_type_name(uint32_t bit)
{
	return bit == 1u << OFPMBT13_DROP	   ? "drop"
	       : bit == 1u << OFPMBT13_DSCP_REMARK ? "dscp_remark"
						   : NULL;
}

static const char *
meter_cap_name(uint32_t bit)
{
	switch (bit) {
	case OFPMF13_KBPS:
		return "kbps";
	case OFPMF13_PKTPS:
		return "pktps";
	case OFPMF13_BURST:
		return "burst";
	case OFPMF13_STATS:
		return "stats";
	}
	return NULL;
}

enum ofperr
ofp_print_meter_features(struct ds *s, const struct ofp_msg *m)
{
	const uint8_t *p = m->body;

	ds_printf(s, "\nmax_meter:%u max_bands:%u max_color:%u\n", get_be32(p),
		  p[12], p[13]);
	ds_put(s, "band_types: ");
	ofp_print_bit_names(s, get_be32(p + 4), band_type_name, ' ');
	ds_put(s, "\ncapabilities: ");
	ofp_print_bit_names(s, get_be32(p + 8), meter_cap_name, ' ');
	ds_put_char(s, '\n');
	return 0;
}
