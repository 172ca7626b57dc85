/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions_nx: the actions that work on fields and subfields
 * (set_field, load, move, output_reg, multipath, bundle, learn): their
 * text syntax, the subfield syntax and bit helpers they share, and
 * ofpacts_check(), which relates a list of actions to a match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_actions.h"
#include "ofp_actions_priv.h"
#include "ofp_msg.h"
#include "ofp_nxm.h"
#include "ofp_protocol.h"

/* ---- numbers ---- */

char *
ofp_parse_u8(const char *s, const char *what, uint8_t *out)
{
	uint16_t v;
	char *err = ofp_parse_u16(s, what, &v);

	if (!err && v > 255)
		err = xasprintf("invalid %s \"%s\"", what, s);
	if (!err)
		*out = (uint8_t)v;
	return err;
}

char *
ofp_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s)
		return xstrdup("missing required numeric argument");
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno == EINVAL || errno == ERANGE || *end)
		return xasprintf("invalid numeric format %s", s);
	*out = (uint32_t)v;
	return NULL;
}

char *
ofp_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s)
		return xstrdup("missing required numeric argument");
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == EINVAL || errno == ERANGE || *end)
		return xasprintf("invalid numeric format %s", s);
	*out = v;
	return NULL;
}

static int
hexit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
ofp_parse_hex_dotted(const char *s, struct ofpbuf *b)
{
	for (;;) {
		int hi, lo;

		s += strspn(s, " .\t\r\n");
		hi = hexit(s[0]);
		lo = hi < 0 ? -1 : hexit(s[1]);
		if (hi < 0 || lo < 0)
			break;
		ofpbuf_put_u8(b, (uint8_t)(hi << 4 | lo));
		s += 2;
	}
	return *s ? xstrdup("bad hex digit") : NULL;
}

void
ofp_warn_table_range(const char *s, unsigned long t)
{
	if (*s == '-')
		ofp_warn("ofp_table",
			 "Negative value %s is not a valid table number.", s);
	else if (*s >= '0' && *s <= '9' && t > 255)
		ofp_warn("ofp_table",
			 "table %lu is outside the supported range 0 through "
			 "255",
			 t);
}

/* ---- bits ---- */

static bool
bit_get(const uint8_t *p, unsigned len, unsigned ofs)
{
	return p[len - 1 - ofs / 8] & (1u << (ofs % 8));
}

static void
bit_set(uint8_t *p, unsigned len, unsigned ofs, bool v)
{
	uint8_t *byte = &p[len - 1 - ofs / 8];

	if (v)
		*byte |= (uint8_t)(1u << (ofs % 8));
	else
		*byte &= (uint8_t) ~(1u << (ofs % 8));
}

void
bitwise_copy(const void *src, unsigned src_len, unsigned src_ofs, void *dst,
	     unsigned dst_len, unsigned dst_ofs, unsigned n_bits)
{
	for (unsigned i = 0; i < n_bits; i++)
		bit_set(dst, dst_len, dst_ofs + i,
			bit_get(src, src_len, src_ofs + i));
}

void
bitwise_one(void *dst, unsigned dst_len, unsigned dst_ofs, unsigned n_bits)
{
	for (unsigned i = 0; i < n_bits; i++)
		bit_set(dst, dst_len, dst_ofs + i, true);
}

bool
bitwise_is_all_zeros(const void *p, unsigned len, unsigned ofs, unsigned n_bits)
{
	for (unsigned i = 0; i < n_bits; i++)
		if (bit_get(p, len, ofs + i))
			return false;
	return true;
}

uint64_t
bitwise_get(const void *src, unsigned src_len, unsigned ofs, unsigned n_bits)
{
	uint64_t v = 0;

	for (unsigned i = n_bits; i-- > 0;)
		v = v << 1 | bit_get(src, src_len, ofs + i);
	return v;
}

void
bitwise_put(uint64_t value, void *dst, unsigned dst_len, unsigned ofs,
	    unsigned n_bits)
{
	for (unsigned i = 0; i < n_bits; i++)
		bit_set(dst, dst_len, ofs + i, (value >> i) & 1);
}

unsigned
bitwise_scan(const void *p, unsigned len, bool target, unsigned start,
	     unsigned end)
{
	for (unsigned i = start; i < end; i++)
		if (bit_get(p, len, i) == target)
			return i;
	return end;
}

/* ---- subfields ---- */

static const struct ofp_field *
sf_field(const struct mf_subfield *sf)
{
	return ofp_field_get(sf->field);
}

char *
mf_parse_subfield__(struct mf_subfield *sf, const char **sp)
{
	const char *s = *sp, *name = s;
	size_t name_len = strcspn(s, "[-");
	const struct ofp_field *f;
	int start = 0, end, n;
	bool masked;

	f = nxm_field_from_name(name, name_len, &masked);
	if (!f) {
		char *tmp = xstrndup(name, name_len);
		f = ofp_field_from_name(tmp);
		free(tmp);
	}
	if (!f)
		return xasprintf("%s: unknown field `%.*s'", *sp, (int)name_len,
				 s);
	s += name_len;
	end = f->n_bits - 1;
	if (*s == '[') {
		/* sscanf() counts a conversion before a missing ']', so
		 * only %n having been reached proves the closing bracket. */
		n = 0;
		if (!strncmp(s, "[]", 2)) {
			n = 2; /* The whole field. */
		} else if (sscanf(s, "[%d..%d]%n", &start, &end, &n) == 2 &&
			   n) {
			/* A range. */
		} else if ((n = 0, sscanf(s, "[%d]%n", &start, &n)) == 1 && n) {
			end = start;
		} else {
			return xasprintf("%s: syntax error expecting [] or "
					 "[<bit>] or [<start>..<end>]",
					 *sp);
		}
		s += n;
	}
	if (start > end)
		return xasprintf("%s: starting bit %d is after ending bit %d",
				 *sp, start, end);
	if (start < 0 || start >= f->n_bits)
		return xasprintf("%s: starting bit %d is not valid because "
				 "field is only %d bits wide",
				 *sp, start, f->n_bits);
	if (end >= f->n_bits)
		return xasprintf("%s: ending bit %d is not valid because field "
				 "is only %d bits wide",
				 *sp, end, f->n_bits);
	sf->field = f->id;
	sf->ofs = (uint16_t)start;
	sf->n_bits = (uint16_t)(end - start + 1);
	*sp = s;
	return NULL;
}

char *
mf_parse_subfield(struct mf_subfield *sf, const char *s)
{
	char *err = mf_parse_subfield__(sf, &s);

	if (!err && *s)
		err = xstrdup("unexpected input following field syntax");
	return err;
}

void
mf_format_subfield(struct ds *s, const struct mf_subfield *sf)
{
	const struct ofp_field *f = sf_field(sf);
	const char *name = f ? nxm_field_name(f->id) : NULL;

	if (!f) {
		ds_put(s, "<unknown>");
		return;
	}
	ds_put(s, name ? name : f->name);
	if (sf->ofs == 0 && sf->n_bits == f->n_bits)
		ds_put(s, "[]");
	else if (sf->n_bits == 1)
		ds_printf(s, "[%d]", sf->ofs);
	else
		ds_printf(s, "[%d..%d]", sf->ofs, sf->ofs + sf->n_bits - 1);
}

static enum ofperr
mf_check(const struct mf_subfield *sf, const struct match *m, const char *type)
{
	const struct ofp_field *f = sf_field(sf);

	if (!f)
		return OFPERR_OFPBAC_BAD_SET_TYPE;
	if (!sf->n_bits) {
		ofp_warn("meta_flow", "zero bit %s field %s", type, f->name);
		return OFPERR_OFPBAC_BAD_SET_LEN;
	}
	if (sf->ofs >= f->n_bits) {
		ofp_warn("meta_flow",
			 "bit offset %d exceeds %d-bit width of %s field %s",
			 sf->ofs, f->n_bits, type, f->name);
		return OFPERR_OFPBAC_BAD_SET_LEN;
	}
	if (sf->ofs + sf->n_bits > f->n_bits) {
		ofp_warn("meta_flow",
			 "bit offset %d and width %d exceeds %d-bit width of "
			 "%s field %s",
			 sf->ofs, sf->n_bits, f->n_bits, type, f->name);
		return OFPERR_OFPBAC_BAD_SET_LEN;
	}
	if (m && !ofp_field_prereqs_ok(f, &m->flow)) {
		ofp_warn("meta_flow", "%s field %s lacks correct prerequisites",
			 type, f->name);
		return OFPERR_OFPBAC_MATCH_INCONSISTENT;
	}
	return 0;
}

enum ofperr
mf_check_src(const struct mf_subfield *sf, const struct match *m)
{
	return mf_check(sf, m, "source");
}

enum ofperr
mf_check_dst(const struct mf_subfield *sf, const struct match *m)
{
	enum ofperr e = mf_check(sf, m, "destination");

	if (!e && !sf_field(sf)->writable) {
		ofp_warn("meta_flow", "destination field %s is not writable",
			 sf_field(sf)->name);
		return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
	}
	return e;
}

/* ---- set_field and load ---- */

static struct ofpact_set_field *
put_set_field(struct ofpacts *acts, const struct ofp_field *f,
	      const union ofp_value *v, const union ofp_value *m)
{
	struct ofpact_set_field *sf =
		(void *)ofpacts_put(acts, OFPACT_SET_FIELD, sizeof *sf);

	sf->field = f->id;
	if (v)
		sf->value = *v;
	if (m)
		sf->mask = *m;
	return sf;
}

/* Splits "VALUE->KEY" in place. */
static char *
split_arrow(char *arg, char **key, char **value)
{
	char *arrow = strstr(arg, "->");

	*value = arg;
	if (!arrow)
		return xasprintf("%s: missing `->'", arg);
	if (strlen(arrow) <= 2)
		return xasprintf("%s: missing field name following `->'", arg);
	*key = arrow + 2;
	*arrow = '\0';
	return NULL;
}

char *
ofpact_parse_set_field(char *arg, struct ofpact_pctx *pc)
{
	char *copy = xstrdup(arg), *key, *value, *err;
	const struct ofp_field *f;
	union ofp_value v, m;

	err = split_arrow(copy, &key, &value);
	if (err) {
		free(err);
		err = split_arrow(arg, &key, &value);
		goto out;
	}
	f = ofp_field_from_name(key);
	if (!f) {
		err = xasprintf("%s is not a valid OXM field name", key);
		goto out;
	}
	if (!f->writable) {
		err = xasprintf("%s is read-only", key);
		goto out;
	}
	err = ofp_field_parse(f, value, pc->ports, &v, &m);
	if (err)
		goto out;
	if (!ofp_field_value_valid(f, &v)) {
		err = xasprintf("%s is not a valid value for field %s", value,
				key);
		goto out;
	}
	*pc->usable &= ofp_field_usable_protocols(f, NULL);
	put_set_field(pc->acts, f, &v, &m);
out:
	free(copy);
	return err;
}

char *
ofpact_parse_load(char *arg, struct ofpact_pctx *pc)
{
	char *arrow = strstr(arg, "->"), *err;
	const struct ofp_field *f;
	struct ofpact_set_field *sf;
	struct mf_subfield dst;
	union ofp_value v;
	const char *tail;

	if (!arrow)
		return xasprintf("%s: missing `->'", arg);
	if (strlen(arrow) <= 2)
		return xasprintf("%s: missing field name following `->'", arg);
	err = mf_parse_subfield(&dst, arrow + 2);
	if (err)
		return err;
	f = sf_field(&dst);
	if (ofp_parse_int_string(arg, v.bytes, f->n_bytes, &tail))
		return xasprintf("%s: cannot parse integer value", arg);
	if (!bitwise_is_all_zeros(v.bytes, f->n_bytes, dst.n_bits,
				  f->n_bytes * 8u - dst.n_bits)) {
		struct ds s = DS_EMPTY;
		ofp_field_format(f, &v, NULL, NULL, &s);
		err = xasprintf("%s: value %s does not fit into %d bits", arg,
				ds_cstr(&s), dst.n_bits);
		ds_free(&s);
		return err;
	}
	sf = put_set_field(pc->acts, f, NULL, NULL);
	sf->ofpact.raw = OFPACT_RAW_REG_LOAD;
	bitwise_copy(v.bytes, f->n_bytes, 0, sf->value.bytes, f->n_bytes,
		     dst.ofs, dst.n_bits);
	bitwise_one(sf->mask.bytes, f->n_bytes, dst.ofs, dst.n_bits);
	return NULL;
}

bool
ofpact_set_field_next_segment(const struct ofpact_set_field *sf,
			      struct mf_subfield *dst, uint64_t *value)
{
	const struct ofp_field *f = ofp_field_get(sf->field);
	unsigned start = dst->ofs + dst->n_bits, end;

	if (start >= f->n_bits)
		return false;
	dst->field = sf->field;
	dst->ofs = (uint16_t)bitwise_scan(sf->mask.bytes, f->n_bytes, true,
					  start, f->n_bits);
	if (dst->ofs >= f->n_bits)
		return false;
	end = dst->ofs + 64u < f->n_bits ? dst->ofs + 64u : f->n_bits;
	dst->n_bits = (uint16_t)(bitwise_scan(sf->mask.bytes, f->n_bytes, false,
					      dst->ofs + 1u, end) -
				 dst->ofs);
	*value =
		bitwise_get(sf->value.bytes, f->n_bytes, dst->ofs, dst->n_bits);
	return true;
}

void
ofpact_format_set_field(struct ds *s, const struct ofpact *a,
			const struct ofp_port_map *ports)
{
	const struct ofpact_set_field *sf =
		OFPACT_CAST(struct ofpact_set_field, a);
	const struct ofp_field *f = ofp_field_get(sf->field);

	if (a->raw == OFPACT_RAW_REG_LOAD) {
		struct mf_subfield dst = { sf->field, 0, 0 };
		uint64_t value;

		while (ofpact_set_field_next_segment(sf, &dst, &value)) {
			ds_printf(s, "load:%#llx->", (unsigned long long)value);
			mf_format_subfield(s, &dst);
			ds_put_char(s, ',');
		}
		ds_chomp(s, ',');
		return;
	}
	ds_put(s, "set_field:");
	ofp_field_format(f, &sf->value, &sf->mask, ports, s);
	ds_printf(s, "->%s", f->name);
}

/* ---- move and output_reg ---- */

static char *
parse_move(struct ofpact_reg_move *mv, const char *s)
{
	const char *full = s;
	char *err = mf_parse_subfield__(&mv->src, &s);

	if (err)
		return err;
	if (strncmp(s, "->", 2))
		return xasprintf("%s: missing `->' following source", full);
	s += 2;
	err = mf_parse_subfield(&mv->dst, s);
	if (err)
		return err;
	if (mv->src.n_bits != mv->dst.n_bits)
		return xasprintf("%s: source field is %d bits wide but "
				 "destination is %d bits wide",
				 full, mv->src.n_bits, mv->dst.n_bits);
	return NULL;
}

char *
ofpact_parse_move(char *arg, struct ofpact_pctx *pc)
{
	struct ofpact_reg_move *mv =
		(void *)ofpacts_put(pc->acts, OFPACT_REG_MOVE, sizeof *mv);
	return parse_move(mv, arg);
}

void
ofpact_format_move(struct ds *s, const struct ofpact *a,
		   const struct ofp_port_map *ports)
{
	const struct ofpact_reg_move *mv =
		OFPACT_CAST(struct ofpact_reg_move, a);

	ds_put(s, "move:");
	mf_format_subfield(s, &mv->src);
	ds_put(s, "->");
	mf_format_subfield(s, &mv->dst);
}

void
ofpact_format_output_reg(struct ds *s, const struct ofpact *a,
			 const struct ofp_port_map *ports)
{
	ds_put(s, "output:");
	mf_format_subfield(s, &OFPACT_CAST(struct ofpact_output_reg, a)->src);
}

/* ---- multipath and bundle ---- */

static const char *const hash_fields[] = {
	"eth_src", "symmetric_l4", "symmetric_l3l4", "symmetric_l3l4+udp",
	"nw_src",  "nw_dst",	   "symmetric_l3",
};
static const char *const mp_algorithms[] = {
	"modulo_n",
	"hash_threshold",
	"hrw",
	"iter_hash",
};

static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(s, names[i]))
			return (int)i;
	return -1;
}

static const char *
index_name(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : "<unknown>";
}

char *
ofpact_parse_multipath(char *arg, struct ofpact_pctx *pc)
{
	char *orig = xstrdup(arg), *save = NULL, *err = NULL;
	char *fields = strtok_r(arg, ", ", &save);
	char *basis = strtok_r(NULL, ", ", &save);
	char *alg = strtok_r(NULL, ", ", &save);
	char *n_links_s = strtok_r(NULL, ", ", &save);
	char *mparg = strtok_r(NULL, ", ", &save);
	char *dst = strtok_r(NULL, ", ", &save);
	struct ofpact_multipath *mp =
		(void *)ofpacts_put(pc->acts, OFPACT_MULTIPATH, sizeof *mp);
	int f, a, n_links;

	if (!dst) {
		err = xasprintf("%s: not enough arguments to multipath action",
				orig);
		goto out;
	}
	f = name_index(hash_fields, ARRAY_SIZE(hash_fields), fields);
	if (f < 0) {
		err = xasprintf("%s: unknown fields `%s'", orig, fields);
		goto out;
	}
	mp->fields = (uint16_t)f;
	mp->basis = (uint16_t)atoi(basis);
	a = name_index(mp_algorithms, ARRAY_SIZE(mp_algorithms), alg);
	if (a < 0) {
		err = xasprintf("%s: unknown algorithm `%s'", orig, alg);
		goto out;
	}
	mp->algorithm = (uint16_t)a;
	n_links = atoi(n_links_s);
	if (n_links < 1 || n_links > 65536) {
		err = xasprintf("%s: n_links %d is not in valid range 1 to "
				"65536",
				orig, n_links);
		goto out;
	}
	mp->max_link = (uint16_t)(n_links - 1);
	mp->arg = (uint32_t)atoi(mparg);
	err = mf_parse_subfield(&mp->dst, dst);
	if (err)
		goto out;
	if (mp->dst.n_bits < 16 && n_links > (1 << mp->dst.n_bits))
		err = xasprintf("%s: %d-bit destination field has %u possible "
				"values, less than specified n_links %d",
				orig, mp->dst.n_bits, 1u << mp->dst.n_bits,
				n_links);
out:
	free(orig);
	return err;
}

void
ofpact_format_multipath(struct ds *s, const struct ofpact *a,
			const struct ofp_port_map *ports)
{
	const struct ofpact_multipath *mp =
		OFPACT_CAST(struct ofpact_multipath, a);

	ds_printf(s, "multipath(%s,%u,%s,%d,%u,",
		  index_name(hash_fields, ARRAY_SIZE(hash_fields), mp->fields),
		  mp->basis,
		  index_name(mp_algorithms, ARRAY_SIZE(mp_algorithms),
			     mp->algorithm),
		  mp->max_link + 1, mp->arg);
	mf_format_subfield(s, &mp->dst);
	ds_put_char(s, ')');
}

static char *
parse_bundle(char *arg, struct ofpact_pctx *pc, bool load)
{
	char *orig = xstrdup(arg), *save = NULL, *err = NULL, *dst = NULL;
	char *fields = strtok_r(arg, ", ", &save);
	char *basis = strtok_r(NULL, ", ", &save);
	char *alg = strtok_r(NULL, ", ", &save);
	char *member_type = strtok_r(NULL, ", ", &save);
	char *delim;
	size_t ofs = pc->acts->size;
	struct ofpact_bundle *b;
	int f;

	if (load)
		dst = strtok_r(NULL, ", ", &save);
	delim = strtok_r(NULL, ": ", &save);
	if (!delim) {
		err = xasprintf("%s: not enough arguments to bundle action",
				orig);
		goto out;
	}
	if (strcasecmp(delim, "members") && strcasecmp(delim, "slaves")) {
		err = xasprintf("%s: missing member delimiter, expected "
				"`members', got `%s'",
				orig, delim);
		goto out;
	}
	b = (void *)ofpacts_put(pc->acts, OFPACT_BUNDLE, sizeof *b);
	b->load = load;
	for (char *m; (m = strtok_r(NULL, ", []", &save));) {
		uint32_t port;
		uint16_t p16;
		if (!ofp_port_parse(m, pc->ports, &port)) {
			err = xasprintf("%s: bad port number", m);
			goto out;
		}
		p16 = (uint16_t)port;
		memcpy(ofpacts_put_tail(pc->acts, ofs, 2), &p16, 2);
		((struct ofpact_bundle *)(void *)ofpacts_at(pc->acts, ofs))
			->n_members++;
	}
	b = (void *)ofpacts_at(pc->acts, ofs);
	b->basis = (uint16_t)atoi(basis);
	f = name_index(hash_fields, ARRAY_SIZE(hash_fields), fields);
	if (f < 0) {
		err = xasprintf("%s: unknown fields `%s'", orig, fields);
		goto out;
	}
	b->fields = (uint16_t)f;
	if (!strcasecmp(alg, "active_backup"))
		b->algorithm = NX_BD_ALG_ACTIVE_BACKUP;
	else if (!strcasecmp(alg, "hrw"))
		b->algorithm = NX_BD_ALG_HRW;
	else {
		err = xasprintf("%s: unknown algorithm `%s'", orig, alg);
		goto out;
	}
	if (strcasecmp(member_type, "ofport")) {
		err = xasprintf("%s: unknown member_type `%s'", orig,
				member_type);
		goto out;
	}
	if (dst)
		err = mf_parse_subfield(&b->dst, dst);
out:
	free(orig);
	return err;
}

char *
ofpact_parse_bundle(char *arg, struct ofpact_pctx *pc)
{
	return parse_bundle(arg, pc, false);
}

char *
ofpact_parse_bundle_load(char *arg, struct ofpact_pctx *pc)
{
	return parse_bundle(arg, pc, true);
}

void
ofpact_format_bundle(struct ds *s, const struct ofpact *a,
		     const struct ofp_port_map *ports)
{
	const struct ofpact_bundle *b = OFPACT_CAST(struct ofpact_bundle, a);

	ds_printf(s, "%s(%s,%u,%s,ofport,", b->load ? "bundle_load" : "bundle",
		  index_name(hash_fields, ARRAY_SIZE(hash_fields), b->fields),
		  b->basis,
		  b->algorithm == NX_BD_ALG_HRW		    ? "hrw"
		  : b->algorithm == NX_BD_ALG_ACTIVE_BACKUP ? "active_backup"
							    : "<unknown>");
	if (b->load) {
		mf_format_subfield(s, &b->dst);
		ds_put_char(s, ',');
	}
	ds_put(s, "members:");
	for (unsigned i = 0; i < b->n_members; i++) {
		if (i)
			ds_put_char(s, ',');
		ofp_port_format(s, b->members[i], ports);
	}
	ds_put_char(s, ')');
}

/* ---- learn ---- */

static struct ofpact_learn_spec *
learn_add_spec(struct ofpacts *acts, size_t ofs)
{
	struct ofpact_learn_spec *spec =
		ofpacts_put_tail(acts, ofs, sizeof *spec);
	((struct ofpact_learn *)(void *)ofpacts_at(acts, ofs))->n_specs++;
	return spec;
}

/* Right-aligns the @n_bits low bits of @v (@len bytes) into @imm. */
static void
set_imm(struct ofpact_learn_spec *spec, const uint8_t *v, unsigned len)
{
	memset(spec->imm, 0, sizeof spec->imm);
	bitwise_copy(v, len, 0, spec->imm, sizeof spec->imm, 0, spec->n_bits);
}

static char *
learn_parse_spec(const char *orig, char *name, char *value,
		 const struct ofp_port_map *ports,
		 struct ofpact_learn_spec *spec, struct match *lmatch)
{
	struct mf_subfield dst;
	char *err = mf_parse_subfield(&dst, name);
	const char *tail;

	if (!err) {
		const struct ofp_field *f = sf_field(&dst);
		if (!ofp_field_prereqs_ok(f, &lmatch->flow))
			return xasprintf("%s: cannot specify destination field "
					 "%s because prerequisites are not "
					 "satisfied",
					 orig, f->name);
		spec->dst_type = NX_LEARN_DST_MATCH;
		spec->dst = dst;
		if (!*value) {
			spec->src = dst;
		} else {
			struct mf_subfield src;
			char *serr = mf_parse_subfield(&src, value);
			if (serr) {
				union ofp_value imm;
				char *ierr = NULL;
				if (dst.ofs == 0 && dst.n_bits == f->n_bits) {
					ierr = ofp_field_parse_value(
						f, value, ports, &imm);
				} else if (ofp_parse_int_string(
						   value, imm.bytes, f->n_bytes,
						   &tail) ||
					   *tail) {
					ierr = xasprintf("%s: cannot parse "
							 "integer value",
							 orig);
				} else if (!bitwise_is_all_zeros(
						   imm.bytes, f->n_bytes,
						   dst.n_bits,
						   f->n_bytes * 8u -
							   dst.n_bits)) {
					struct ds ds = DS_EMPTY;
					ofp_field_format(f, &imm, NULL, NULL,
							 &ds);
					ierr = xasprintf(
						"%s: value %s does not "
						"fit into %d bits",
						orig, ds_cstr(&ds), dst.n_bits);
					ds_free(&ds);
				}
				if (ierr) {
					err = xasprintf(
						"%s: %s value %s cannot be "
						"parsed as a subfield (%s) or "
						"an immediate value (%s)",
						orig, name, value, serr, ierr);
					free(serr);
					free(ierr);
					return err;
				}
				free(serr);
				spec->src_type = NX_LEARN_SRC_IMMEDIATE;
				spec->n_bits = dst.n_bits;
				if (dst.ofs == 0 && dst.n_bits == f->n_bits) {
					set_imm(spec, imm.bytes, f->n_bytes);
					ofp_field_set_flow_value(f, &imm,
								 &lmatch->flow);
				} else {
					set_imm(spec, imm.bytes, f->n_bytes);
				}
				return NULL;
			}
			if (src.n_bits != dst.n_bits)
				return xasprintf(
					"%s: bit widths of %s (%u) and "
					"%s (%u) differ",
					orig, name, dst.n_bits, value,
					src.n_bits);
			spec->src = src;
		}
		spec->n_bits = spec->src.n_bits;
		spec->src_type = NX_LEARN_SRC_FIELD;
		return NULL;
	}
	free(err);
	if (!strcmp(name, "load")) {
		char *arrow = strstr(value, "->");
		union ofp_value imm;

		if (arrow == value)
			return xasprintf("%s: missing source before `->' in "
					 "`%s'",
					 name, value);
		if (!arrow)
			return xasprintf("%s: missing `->' in `%s'", name,
					 value);
		if (!ofp_parse_int_string(value, imm.bytes, 16, &tail) &&
		    tail != value) {
			if (tail != arrow)
				return xasprintf("%s: garbage before `->' in "
						 "`%s'",
						 name, value);
			err = mf_parse_subfield(&spec->dst, arrow + 2);
			if (err)
				return err;
			if (!bitwise_is_all_zeros(imm.bytes, 16,
						  spec->dst.n_bits,
						  128u - spec->dst.n_bits))
				return xasprintf("%s: value does not fit into "
						 "%u bits",
						 value, spec->dst.n_bits);
			spec->n_bits = spec->dst.n_bits;
			spec->src_type = NX_LEARN_SRC_IMMEDIATE;
			spec->dst_type = NX_LEARN_DST_LOAD;
			set_imm(spec, imm.bytes, 16);
			return NULL;
		}
		struct ofpact_reg_move mv;
		err = parse_move(&mv, value);
		if (err)
			return err;
		spec->n_bits = mv.src.n_bits;
		spec->src_type = NX_LEARN_SRC_FIELD;
		spec->src = mv.src;
		spec->dst_type = NX_LEARN_DST_LOAD;
		spec->dst = mv.dst;
		return NULL;
	}
	if (!strcmp(name, "output")) {
		err = mf_parse_subfield(&spec->src, value);
		if (err)
			return err;
		spec->n_bits = spec->src.n_bits;
		spec->src_type = NX_LEARN_SRC_FIELD;
		spec->dst_type = NX_LEARN_DST_OUTPUT;
		return NULL;
	}
	return xasprintf("%s: unknown keyword %s", orig, name);
}

char *
ofpact_parse_learn(char *arg, struct ofpact_pctx *pc)
{
	char *orig = xstrdup(arg), *name, *value, *err = NULL;
	size_t ofs = pc->acts->size;
	struct ofpact_learn *l =
		(void *)ofpacts_put(pc->acts, OFPACT_LEARN, sizeof *l);
	struct match lmatch;

	l->priority = OFP_DEFAULT_PRIORITY;
	l->table_id = 1;
	match_init_catchall(&lmatch);
	while (!err && ofp_next_key_value(&arg, &name, &value)) {
		l = (void *)ofpacts_at(pc->acts, ofs);
		if (!strcmp(name, "table")) {
			char *end;
			unsigned long t = strtoul(value, &end, 10);
			if (end == value || *end || t > 255) {
				ofp_warn_table_range(value, t);
				err = xasprintf("unknown table \"%s\"", value);
			} else if (t == 255) {
				err = xasprintf(
					"%s: table id 255 not valid for "
					"`learn' action",
					orig);
			} else {
				l->table_id = (uint8_t)t;
			}
		} else if (!strcmp(name, "priority")) {
			err = ofp_parse_u16(value, "priority", &l->priority);
		} else if (!strcmp(name, "idle_timeout")) {
			err = ofp_parse_u16(value, "idle_timeout",
					    &l->idle_timeout);
		} else if (!strcmp(name, "hard_timeout")) {
			err = ofp_parse_u16(value, "hard_timeout",
					    &l->hard_timeout);
		} else if (!strcmp(name, "fin_idle_timeout")) {
			err = ofp_parse_u16(value, "fin_idle_timeout",
					    &l->fin_idle_timeout);
		} else if (!strcmp(name, "fin_hard_timeout")) {
			err = ofp_parse_u16(value, "fin_hard_timeout",
					    &l->fin_hard_timeout);
		} else if (!strcmp(name, "cookie")) {
			l->cookie = strtoull(value, NULL, 0);
		} else if (!strcmp(name, "send_flow_rem")) {
			l->flags |= NX_LEARN_F_SEND_FLOW_REM;
		} else if (!strcmp(name, "delete_learned")) {
			l->flags |= NX_LEARN_F_DELETE_LEARNED;
		} else if (!strcmp(name, "limit")) {
			err = ofp_parse_u32(value, &l->limit);
		} else if (!strcmp(name, "result_dst")) {
			struct mf_subfield sf;
			err = mf_parse_subfield(&sf, value);
			if (!err && sf.n_bits != 1)
				err = xasprintf("%s: result_dst in 'learn' "
						"action must be a single bit",
						orig);
			if (!err) {
				l->result_dst = sf;
				l->flags |= NX_LEARN_F_WRITE_RESULT;
			}
		} else {
			struct ofpact_learn_spec spec;
			memset(&spec, 0, sizeof spec);
			err = learn_parse_spec(orig, name, value, pc->ports,
					       &spec, &lmatch);
			if (!err)
				*learn_add_spec(pc->acts, ofs) = spec;
		}
	}
	free(orig);
	return err;
}

static void
put_hex_imm(struct ds *s, const uint8_t *p, size_t n)
{
	bool printed = false;

	for (size_t i = 0; i < n; i++) {
		if (!p[i] && !printed)
			continue;
		ds_printf(s, printed ? "%02x" : "0x%x", p[i]);
		printed = true;
	}
	if (!printed)
		ds_put_char(s, '0');
}

void
ofpact_format_learn(struct ds *s, const struct ofpact *a,
		    const struct ofp_port_map *ports)
{
	const struct ofpact_learn *l = OFPACT_CAST(struct ofpact_learn, a);

	ds_printf(s, "learn(table=%u", l->table_id);
	if (l->idle_timeout)
		ds_printf(s, ",idle_timeout=%u", l->idle_timeout);
	if (l->hard_timeout)
		ds_printf(s, ",hard_timeout=%u", l->hard_timeout);
	if (l->fin_idle_timeout)
		ds_printf(s, ",fin_idle_timeout=%u", l->fin_idle_timeout);
	if (l->fin_hard_timeout)
		ds_printf(s, ",fin_hard_timeout=%u", l->fin_hard_timeout);
	if (l->priority != OFP_DEFAULT_PRIORITY)
		ds_printf(s, ",priority=%u", l->priority);
	if (l->flags & NX_LEARN_F_SEND_FLOW_REM)
		ds_put(s, ",send_flow_rem");
	if (l->flags & NX_LEARN_F_DELETE_LEARNED)
		ds_put(s, ",delete_learned");
	if (l->cookie)
		ds_printf(s, ",cookie=%#llx", (unsigned long long)l->cookie);
	if (l->limit)
		ds_printf(s, ",limit=%u", l->limit);
	if (l->flags & NX_LEARN_F_WRITE_RESULT) {
		ds_put(s, ",result_dst=");
		mf_format_subfield(s, &l->result_dst);
	}
	for (unsigned i = 0; i < l->n_specs; i++) {
		const struct ofpact_learn_spec *sp = &l->specs[i];
		const struct ofp_field *df = ofp_field_get(sp->dst.field);
		unsigned n_bytes = (sp->n_bits + 7u) / 8;

		ds_put_char(s, ',');
		switch (sp->src_type | sp->dst_type) {
		case NX_LEARN_SRC_IMMEDIATE | NX_LEARN_DST_MATCH:
			if (sp->dst.ofs == 0 && sp->dst.n_bits == df->n_bits) {
				union ofp_value v;
				memset(&v, 0, sizeof v);
				bitwise_copy(sp->imm, sizeof sp->imm, 0,
					     v.bytes, df->n_bytes, 0,
					     df->n_bits);
				ds_printf(s, "%s=", df->name);
				ofp_field_format(df, &v, NULL, ports, s);
			} else {
				mf_format_subfield(s, &sp->dst);
				ds_put_char(s, '=');
				put_hex_imm(s,
					    sp->imm + sizeof sp->imm - n_bytes,
					    n_bytes);
			}
			break;
		case NX_LEARN_SRC_FIELD | NX_LEARN_DST_MATCH:
			mf_format_subfield(s, &sp->dst);
			if (sp->src.field != sp->dst.field ||
			    sp->src.ofs != sp->dst.ofs) {
				ds_put_char(s, '=');
				mf_format_subfield(s, &sp->src);
			}
			break;
		case NX_LEARN_SRC_IMMEDIATE | NX_LEARN_DST_LOAD:
			ds_put(s, "load:");
			put_hex_imm(s, sp->imm + sizeof sp->imm - n_bytes,
				    n_bytes);
			ds_put(s, "->");
			mf_format_subfield(s, &sp->dst);
			break;
		case NX_LEARN_SRC_FIELD | NX_LEARN_DST_LOAD:
			ds_put(s, "load:");
			mf_format_subfield(s, &sp->src);
			ds_put(s, "->");
			mf_format_subfield(s, &sp->dst);
			break;
		case NX_LEARN_SRC_FIELD | NX_LEARN_DST_OUTPUT:
			ds_put(s, "output:");
			mf_format_subfield(s, &sp->src);
			break;
		}
	}
	ds_put_char(s, ')');
}

static enum ofperr
learn_check(const struct ofpact_learn *l, const struct match *m)
{
	struct match dst;

	match_init_catchall(&dst);
	for (unsigned i = 0; i < l->n_specs; i++) {
		const struct ofpact_learn_spec *sp = &l->specs[i];
		enum ofperr e;

		if (sp->src_type == NX_LEARN_SRC_FIELD &&
		    (e = mf_check_src(&sp->src, m)))
			return e;
		switch (sp->dst_type) {
		case NX_LEARN_DST_MATCH: {
			const struct ofp_field *f =
				ofp_field_get(sp->dst.field);
			union ofp_value v;
			if ((e = mf_check_src(&sp->dst, &dst)))
				return e;
			if (sp->src_type == NX_LEARN_SRC_IMMEDIATE) {
				ofp_field_get_value(f, &dst.flow, &v);
				bitwise_copy(sp->imm, sizeof sp->imm, 0,
					     v.bytes, f->n_bytes, sp->dst.ofs,
					     sp->dst.n_bits);
				ofp_field_set_flow_value(f, &v, &dst.flow);
			}
			break;
		}
		case NX_LEARN_DST_LOAD:
			if ((e = mf_check_dst(&sp->dst, &dst)))
				return e;
			break;
		}
	}
	return 0;
}

/* ---- checking actions against a match ---- */

static enum ofperr
check_output_port(uint32_t port)
{
	switch (port) {
	case OFPP_IN_PORT:
	case OFPP_TABLE:
	case OFPP_NORMAL:
	case OFPP_FLOOD:
	case OFPP_ALL:
	case OFPP_CONTROLLER:
	case OFPP_LOCAL:
		return 0;
	}
	return port < OFPP_MAX ? 0 : OFPERR_OFPBAC_BAD_OUT_PORT;
}

/* Only OpenFlow 1.0 tolerates actions the match makes meaningless. */
static void
inconsistent(uint32_t *usable)
{
	*usable &= OFP_PROTO_OF10_ANY;
}

static enum ofperr
check_one(struct ofpact *a, struct match *m, uint8_t table_id, uint32_t *usable)
{
	struct mvs_key_hdr *h = &m->flow.hdr;
	bool ip = flow_is_ip_any(&m->flow);

	switch ((enum ofpact_type)a->type) {
	case OFPACT_OUTPUT:
		return check_output_port(((struct ofpact_output *)a)->port);
	case OFPACT_ENQUEUE: {
		uint32_t p = ((struct ofpact_enqueue *)a)->port;
		return p >= OFPP_MAX && p != OFPP_IN_PORT && p != OFPP_LOCAL
			       ? OFPERR_OFPBAC_BAD_OUT_PORT
			       : 0;
	}
	case OFPACT_OUTPUT_REG:
		return mf_check_src(&((struct ofpact_output_reg *)a)->src, m);
	case OFPACT_BUNDLE: {
		struct ofpact_bundle *b = (void *)a;
		for (unsigned i = 0; i < b->n_members; i++) {
			uint32_t p = b->members[i];
			if (p >= OFPP_MAX && p != OFPP_LOCAL) {
				ofp_warn("bundle", "invalid member %u", p);
				return OFPERR_OFPBAC_BAD_OUT_PORT;
			}
		}
		return b->load ? mf_check_dst(&b->dst, m) : 0;
	}
	case OFPACT_SET_VLAN_VID:
	case OFPACT_SET_VLAN_PCP: {
		bool push = a->type == OFPACT_SET_VLAN_VID
				    ? ((struct ofpact_vlan_vid *)a)
					      ->push_vlan_if_needed
				    : ((struct ofpact_vlan_pcp *)a)
					      ->push_vlan_if_needed;
		bool has = h->vlan_tci & htons(MVS_VLAN_PRESENT);
		if (a->type == OFPACT_SET_VLAN_VID)
			((struct ofpact_vlan_vid *)a)->flow_has_vlan = has;
		else
			((struct ofpact_vlan_pcp *)a)->flow_has_vlan = has;
		if (!has && !push)
			inconsistent(usable);
		h->vlan_tci |= htons(MVS_VLAN_PRESENT);
		return 0;
	}
	case OFPACT_STRIP_VLAN:
		if (!(h->vlan_tci & htons(MVS_VLAN_PRESENT)))
			inconsistent(usable);
		h->vlan_tci = h->vlan2_tci;
		h->vlan2_tci = 0;
		return 0;
	case OFPACT_PUSH_VLAN:
		if (h->vlan2_tci & htons(MVS_VLAN_PRESENT))
			return OFPERR_OFPBAC_BAD_TAG;
		h->vlan2_tci = h->vlan_tci;
		h->vlan_tci |= htons(MVS_VLAN_PRESENT);
		return 0;
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_IPV4_DST:
		if (!flow_is_ip(&m->flow))
			inconsistent(usable);
		return 0;
	case OFPACT_SET_IP_DSCP:
	case OFPACT_SET_IP_ECN:
	case OFPACT_SET_IP_TTL:
	case OFPACT_DEC_TTL:
		if (!ip)
			inconsistent(usable);
		return 0;
	case OFPACT_SET_L4_SRC_PORT:
	case OFPACT_SET_L4_DST_PORT:
		if (!ip || (h->nw_frag & MVS_FRAG_LATER) ||
		    (h->nw_proto != IPPROTO_TCP_ &&
		     h->nw_proto != IPPROTO_UDP_ &&
		     h->nw_proto != IPPROTO_SCTP_))
			inconsistent(usable);
		((struct ofpact_l4_port *)a)->flow_ip_proto = h->nw_proto;
		return 0;
	case OFPACT_SET_FIELD: {
		struct ofpact_set_field *sf = (void *)a;
		const struct ofp_field *f = ofp_field_get(sf->field);
		bool has = h->vlan_tci & htons(MVS_VLAN_PRESENT);
		if (!ofp_field_prereqs_ok(f, &m->flow) ||
		    (f->id == MFF_VLAN_VID && !has)) {
			ofp_warn("ofp_actions",
				 "set_field %s lacks correct prerequisites",
				 f->name);
			return OFPERR_OFPBAC_MATCH_INCONSISTENT;
		}
		sf->flow_has_vlan = has;
		if (f->id == MFF_VLAN_TCI)
			h->vlan_tci = sf->value.be16;
		return 0;
	}
	case OFPACT_REG_MOVE: {
		struct ofpact_reg_move *mv = (void *)a;
		enum ofperr e = mf_check_src(&mv->src, m);
		return e ? e : mf_check_dst(&mv->dst, m);
	}
	case OFPACT_LEARN:
		return learn_check((struct ofpact_learn *)a, m);
	case OFPACT_MULTIPATH:
		return mf_check_dst(&((struct ofpact_multipath *)a)->dst, m);
	case OFPACT_METER: {
		uint32_t id = ((struct ofpact_u32 *)a)->value;
		return id == 0 || id > 0xffff0000u
			       ? OFPERR_OFPMMFC_INVALID_METER
			       : 0;
	}
	case OFPACT_WRITE_ACTIONS: {
		uint32_t ignored = OFP_PROTO_ANY;
		return ofpacts_check((uint8_t *)a + OFPACT_NEST_OFS,
				     a->len - OFPACT_NEST_OFS, m, table_id,
				     &ignored);
	}
	case OFPACT_GOTO_TABLE: {
		uint32_t t = ((struct ofpact_u32 *)a)->value;
		return table_id != 255 && t <= table_id
			       ? OFPERR_OFPBIC_BAD_TABLE_ID
			       : 0;
	}
	case OFPACT_RESUBMIT:
	case OFPACT_SET_ETH_SRC:
	case OFPACT_SET_ETH_DST:
	case OFPACT_CONTROLLER:
	case OFPACT_SET_TUNNEL:
	case OFPACT_SET_QUEUE:
	case OFPACT_POP_QUEUE:
	case OFPACT_NOTE:
	case OFPACT_EXIT:
	case OFPACT_GROUP:
	case OFPACT_CLEAR_ACTIONS:
	case OFPACT_WRITE_METADATA:
	case OFPACT_N_TYPES:
		break;
	}
	return 0;
}

enum ofperr
ofpacts_check(void *data, size_t size, const struct match *m, uint8_t table_id,
	      uint32_t *usable)
{
	struct match tmp = *m;
	enum ofperr e = 0;
	uint8_t *p = data, *end = size ? p + size : p; /* no NULL + 0 */

	*usable = OFP_PROTO_ANY;
	while (p < end) {
		struct ofpact *a = (struct ofpact *)(void *)p;
		e = check_one(a, &tmp, table_id, usable);
		if (e)
			break;
		p += OFPACT_ALIGN(a->len);
	}
	return e;
}
