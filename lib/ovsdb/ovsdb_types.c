/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_types: UUIDs and schema type parsing (RFC 7047 section 3.2). */
#include "ovsdb_types.h"

#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ovsdb_datum.h"

static uint64_t uuid_state[2];

static uint64_t
uuid_rand64(void)
{
	/* xorshift128+, seeded once from the kernel. */
	if (!uuid_state[0] && !uuid_state[1]) {
		if (getrandom(uuid_state, sizeof uuid_state, 0) !=
		    sizeof uuid_state) {
			uuid_state[0] = time_wall_ms();
			uuid_state[1] = (uint64_t)(uintptr_t)&uuid_state ^
					time_mono_ms();
		}
		uuid_state[0] |= 1;
	}
	uint64_t s1 = uuid_state[0];
	const uint64_t s0 = uuid_state[1];
	uuid_state[0] = s0;
	s1 ^= s1 << 23;
	uuid_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return uuid_state[1] + s0;
}

void
ovsdb_uuid_generate(struct ovsdb_uuid *u)
{
	uint64_t a = uuid_rand64(), b = uuid_rand64();
	u->p[0] = a >> 32;
	u->p[1] = (uint32_t)a;
	u->p[2] = b >> 32;
	u->p[3] = (uint32_t)b;
	u->p[1] = (u->p[1] & 0xffff0fffu) | 0x4000u;	 /* version 4 */
	u->p[2] = (u->p[2] & 0x3fffffffu) | 0x80000000u; /* variant */
}

/* Hex digit value plus one; 0 for anything else. */
static const unsigned char hex1[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Reads @n hex digits at @s into the low bits of *@v (shifted up). */
static bool
hex_run(const char *s, int n, uint32_t *v)
{
	for (int i = 0; i < n; i++) {
		unsigned d = hex1[(unsigned char)s[i]];
		if (!d)
			return false;
		*v = (*v << 4) | (d - 1);
	}
	return true;
}

bool
ovsdb_uuid_from_string(const char *s, struct ovsdb_uuid *u)
{
	/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, table-driven: clients parse
	 * one for every reference of every row they fetch. */
	uint32_t p[4] = { 0 };

	if (strnlen(s, OVSDB_UUID_LEN + 1) != OVSDB_UUID_LEN || s[8] != '-' ||
	    s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	if (!hex_run(s, 8, &p[0]) || !hex_run(s + 9, 4, &p[1]) ||
	    !hex_run(s + 14, 4, &p[1]) || !hex_run(s + 19, 4, &p[2]) ||
	    !hex_run(s + 24, 4, &p[2]) || !hex_run(s + 28, 8, &p[3]))
		return false;
	memcpy(u->p, p, sizeof p);
	return true;
}

void
ovsdb_uuid_format(const struct ovsdb_uuid *u, char buf[37])
{
	/* "%08x-%04x-%04x-%04x-%04x%08x" without printf, a byte at a time:
	 * this runs for every row written and every UUID sent. */
	static const char hex[] = "0123456789abcdef";
	static const unsigned char dash_after[16] = {
		[3] = 1,
		[5] = 1,
		[7] = 1,
		[9] = 1,
	};
	char *o = buf;

	for (int i = 0; i < 16; i++) {
		unsigned b = (u->p[i / 4] >> (24 - 8 * (i % 4))) & 0xff;
		*o++ = hex[b >> 4];
		*o++ = hex[b & 15];
		if (dash_after[i])
			*o++ = '-';
	}
	*o = '\0';
}

int
ovsdb_uuid_cmp(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
	for (int i = 0; i < 4; i++)
		if (a->p[i] != b->p[i])
			return a->p[i] < b->p[i] ? -1 : 1;
	return 0;
}

static const char *const atype_names[] = {
	[OVSDB_T_VOID] = "void",     [OVSDB_T_INTEGER] = "integer",
	[OVSDB_T_REAL] = "real",     [OVSDB_T_BOOLEAN] = "boolean",
	[OVSDB_T_STRING] = "string", [OVSDB_T_UUID] = "uuid",
};

const char *
ovsdb_atype_name(enum ovsdb_atype t)
{
	return atype_names[t];
}

bool
ovsdb_atype_from_string(const char *s, enum ovsdb_atype *t)
{
	for (size_t i = OVSDB_T_INTEGER; i < ARRAY_SIZE(atype_names); i++)
		if (!strcmp(s, atype_names[i])) {
			*t = (enum ovsdb_atype)i;
			return true;
		}
	return false;
}

void
ovsdb_base_init(struct ovsdb_base_type *b, enum ovsdb_atype t)
{
	memset(b, 0, sizeof *b);
	b->type = t;
	b->min_int = INT64_MIN;
	b->max_int = INT64_MAX;
	b->min_real = -DBL_MAX;
	b->max_real = DBL_MAX;
	b->min_len = 0;
	b->max_len = UINT_MAX;
}

static int
get_int_member(const json_t *obj, const char *name, json_int_t *v,
	       bool *present, struct ovsdb_error **errp)
{
	const json_t *m = json_object_get(obj, name);
	*present = m != NULL;
	if (!m)
		return 0;
	if (!json_is_integer(m))
		return ovsdb_err(errp, "syntax error", obj,
				 "Type mismatch for member '%s'.", name);
	*v = json_integer_value(m);
	return 0;
}

static int
get_real_member(const json_t *obj, const char *name, double *v, bool *present,
		struct ovsdb_error **errp)
{
	const json_t *m = json_object_get(obj, name);
	*present = m != NULL;
	if (!m)
		return 0;
	if (!json_is_number(m))
		return ovsdb_err(errp, "syntax error", obj,
				 "Type mismatch for member '%s'.", name);
	*v = json_number_value(m);
	return 0;
}

static int
base_from_json(const json_t *j, struct ovsdb_base_type *b,
	       struct ovsdb_error **errp)
{
	enum ovsdb_atype t;
	const json_t *tj = j;

	if (json_is_object(j))
		tj = json_object_get(j, "type");
	if (!json_is_string(tj))
		return ovsdb_err(errp, "syntax error", j,
				 "Required 'type' member is missing.");
	if (!ovsdb_atype_from_string(json_string_value(tj), &t))
		return ovsdb_err(errp, "syntax error", j,
				 "Unknown atomic type %s",
				 json_string_value(tj));
	ovsdb_base_init(b, t);
	if (!json_is_object(j))
		return 0;

	json_int_t lo = 0, hi = 0;
	double rlo = 0, rhi = 0;
	bool has_lo, has_hi;
	int r;
	switch (t) {
	case OVSDB_T_INTEGER:
		if ((r = get_int_member(j, "minInteger", &lo, &has_lo, errp)) ||
		    (r = get_int_member(j, "maxInteger", &hi, &has_hi, errp)))
			return r;
		if (has_lo)
			b->min_int = lo;
		if (has_hi)
			b->max_int = hi;
		if (b->min_int > b->max_int)
			return ovsdb_err(errp, "syntax error", j,
					 "minInteger exceeds maxInteger");
		break;
	case OVSDB_T_REAL:
		if ((r = get_real_member(j, "minReal", &rlo, &has_lo, errp)) ||
		    (r = get_real_member(j, "maxReal", &rhi, &has_hi, errp)))
			return r;
		if (has_lo)
			b->min_real = rlo;
		if (has_hi)
			b->max_real = rhi;
		if (b->min_real > b->max_real)
			return ovsdb_err(errp, "syntax error", j,
					 "minReal exceeds maxReal");
		break;
	case OVSDB_T_STRING:
		if ((r = get_int_member(j, "minLength", &lo, &has_lo, errp)) ||
		    (r = get_int_member(j, "maxLength", &hi, &has_hi, errp)))
			return r;
		if (has_lo)
			b->min_len = lo < 0 ? 0 : (unsigned)lo;
		if (has_hi)
			b->max_len = hi < 0	     ? 0
				     : hi > UINT_MAX ? UINT_MAX
						     : (unsigned)hi;
		if (b->min_len > b->max_len)
			return ovsdb_err(errp, "syntax error", j,
					 "minLength exceeds maxLength");
		break;
	case OVSDB_T_UUID: {
		const json_t *rt = json_object_get(j, "refTable");
		const json_t *ty = json_object_get(j, "refType");
		if (rt) {
			if (!json_is_string(rt))
				return ovsdb_err(errp, "syntax error", j,
						 "Type mismatch for member "
						 "'refTable'.");
			b->ref_table_name = xstrdup(json_string_value(rt));
			if (ty) {
				const char *s = json_string_value(ty);
				if (s && !strcmp(s, "weak"))
					b->weak = true;
				else if (!s || strcmp(s, "strong"))
					return ovsdb_err(errp, "syntax error",
							 j,
							 "refType must be "
							 "\"strong\" or "
							 "\"weak\" (not "
							 "\"%s\")",
							 s ? s : "");
			}
		}
		break;
	}
	default:
		break;
	}

	const json_t *en = json_object_get(j, "enum");
	if (en) {
		struct ovsdb_type et;
		memset(&et, 0, sizeof et);
		et.key = *b;
		et.key.ref_table_name = NULL;
		et.value.type = OVSDB_T_VOID;
		et.n_min = 1;
		et.n_max = UINT_MAX;
		b->enum_ = xzalloc(sizeof *b->enum_);
		r = ovsdb_datum_from_json(b->enum_, &et, en, NULL, errp);
		if (r) {
			free(b->enum_);
			b->enum_ = NULL;
			return r;
		}
	}
	return 0;
}

static void
base_destroy(struct ovsdb_base_type *b)
{
	if (b->enum_) {
		struct ovsdb_type et = { .key = { .type = b->type } };
		ovsdb_datum_destroy(b->enum_, &et);
		free(b->enum_);
		b->enum_ = NULL;
	}
	free(b->ref_table_name);
	b->ref_table_name = NULL;
}

static void
base_clone(struct ovsdb_base_type *dst, const struct ovsdb_base_type *src)
{
	*dst = *src;
	if (src->ref_table_name)
		dst->ref_table_name = xstrdup(src->ref_table_name);
	if (src->enum_) {
		struct ovsdb_type et = { .key = { .type = src->type } };
		dst->enum_ = xzalloc(sizeof *dst->enum_);
		ovsdb_datum_clone(dst->enum_, src->enum_, &et);
	}
}

int
ovsdb_type_from_json(const json_t *j, struct ovsdb_type *t,
		     struct ovsdb_error **errp)
{
	int r;

	memset(t, 0, sizeof *t);
	t->value.type = OVSDB_T_VOID;
	t->n_min = t->n_max = 1;
	if (json_is_string(j))
		return base_from_json(j, &t->key, errp);
	if (!json_is_object(j))
		return ovsdb_err(errp, "syntax error", j,
				 "ovsdb type expected");

	const json_t *key = json_object_get(j, "key");
	const json_t *value = json_object_get(j, "value");
	const json_t *min = json_object_get(j, "min");
	const json_t *max = json_object_get(j, "max");
	if (!key)
		return ovsdb_err(errp, "syntax error", j,
				 "Required 'key' member is missing.");
	if ((r = base_from_json(key, &t->key, errp)))
		return r;
	if (value && (r = base_from_json(value, &t->value, errp)))
		return r;
	if (min) {
		if (!json_is_integer(min) || json_integer_value(min) < 0 ||
		    json_integer_value(min) > 1)
			return ovsdb_err(errp, "syntax error", j,
					 "bad min or max value");
		t->n_min = (unsigned)json_integer_value(min);
	}
	if (max) {
		if (json_is_string(max) &&
		    !strcmp(json_string_value(max), "unlimited"))
			t->n_max = UINT_MAX;
		else if (json_is_integer(max) && json_integer_value(max) >= 1 &&
			 json_integer_value(max) <= UINT_MAX)
			t->n_max = (unsigned)json_integer_value(max);
		else
			return ovsdb_err(errp, "syntax error", j,
					 "bad min or max value");
	}
	if (t->n_min > t->n_max)
		return ovsdb_err(errp, "syntax error", j,
				 "ovsdb type fails constraint checks");
	return 0;
}

void
ovsdb_type_destroy(struct ovsdb_type *t)
{
	base_destroy(&t->key);
	base_destroy(&t->value);
}

void
ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src)
{
	*dst = *src;
	base_clone(&dst->key, &src->key);
	base_clone(&dst->value, &src->value);
}

char *
ovsdb_type_to_english(const struct ovsdb_type *t)
{
	const char *key = ovsdb_atype_name(t->key.type);
	struct ds s = DS_EMPTY;

	if (ovsdb_type_is_scalar(t))
		return xstrdup(key);
	ds_put(&s, ovsdb_type_is_map(t) ? "map" : "set");
	if (t->n_max == UINT_MAX) {
		if (t->n_min)
			ds_printf(&s, " of %u or more", t->n_min);
		else
			ds_put(&s, " of");
	} else if (t->n_min) {
		ds_printf(&s, " of %u to %u", t->n_min, t->n_max);
	} else {
		ds_printf(&s, " of up to %u", t->n_max);
	}
	if (ovsdb_type_is_map(t))
		ds_printf(&s, " (%s, %s) pairs", key,
			  ovsdb_atype_name(t->value.type));
	else
		ds_printf(&s, " %ss", key);
	return ds_steal(&s);
}

bool
ovsdb_type_equal_shape(const struct ovsdb_type *a, const struct ovsdb_type *b)
{
	return a->key.type == b->key.type && a->value.type == b->value.type &&
	       a->n_min == b->n_min && a->n_max == b->n_max;
}
